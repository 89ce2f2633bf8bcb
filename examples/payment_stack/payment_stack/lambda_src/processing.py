"""Processes payments queued from the events topic: archives each record in S3 and marks it PROCESSED.

Uses partial batch responses, so only the failed messages return to the queue (and, after
repeated failures, to the dead-letter queue).
"""

import json
import os
from datetime import datetime, timezone

import boto3
from botocore.exceptions import ClientError

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
s3 = boto3.client("s3")


def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            process(json.loads(record["body"]))
        except (ClientError, KeyError, ValueError):
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


def process(payment):
    transaction_id = payment["transaction_id"]
    processed_at = datetime.now(timezone.utc)
    s3.put_object(
        Bucket=os.environ["BUCKET_NAME"],
        Key=f"records/{processed_at:%Y/%m/%d}/{transaction_id}.json",
        Body=json.dumps({**payment, "processed_at": processed_at.isoformat()}).encode(),
        ContentType="application/json",
    )
    try:
        table.update_item(
            Key={"transaction_id": transaction_id},
            UpdateExpression="SET #status = :processed, processed_at = :at",
            ConditionExpression="#status = :pending",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={
                ":processed": "PROCESSED",
                ":pending": "PENDING",
                ":at": processed_at.isoformat(),
            },
        )
    except ClientError as error:
        # A redelivered message for an already processed payment is not a failure.
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
