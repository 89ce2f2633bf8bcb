"""Handles payments that exhausted their processing attempts (the dead-letter queue):
marks each one FAILED and publishes one alert for the batch."""

import json
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
sns = boto3.client("sns")


def handler(event, context):
    failed = []
    for record in event["Records"]:
        payment = json.loads(record["body"])
        table.update_item(
            Key={"transaction_id": payment["transaction_id"]},
            UpdateExpression="SET #status = :failed",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":failed": "FAILED"},
        )
        failed.append(payment["transaction_id"])
    if failed:
        sns.publish(
            TopicArn=os.environ["ALERTS_TOPIC_ARN"],
            Subject=f"{len(failed)} payment(s) failed processing",
            Message=json.dumps({"failed_transactions": failed}),
        )
    return {"failed": len(failed)}
