import json
import os


def handler(event, context):
    bucket = os.environ["OUTPUT_BUCKET"]
    return {"statusCode": 200, "body": json.dumps({"bucket": bucket, "records": len(event.get("Records", []))})}
