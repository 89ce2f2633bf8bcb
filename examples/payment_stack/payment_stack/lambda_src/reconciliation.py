"""Hourly reconciliation: finds payments still PENDING an hour after creation, writes a report
to the records bucket and alerts when there are any."""

import json
import os
from datetime import datetime, timedelta, timezone

import boto3
from boto3.dynamodb.conditions import Key

STATUS_INDEX = "status-created-index"
STALE_AFTER = timedelta(hours=1)

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
s3 = boto3.client("s3")
sns = boto3.client("sns")


def handler(event, context):
    now = datetime.now(timezone.utc)
    stale = pending_before(now - STALE_AFTER)
    report = {"generated_at": now.isoformat(), "stale_pending": stale}
    s3.put_object(
        Bucket=os.environ["BUCKET_NAME"],
        Key=f"reconciliation/{now:%Y/%m/%d/%H%M}.json",
        Body=json.dumps(report).encode(),
        ContentType="application/json",
    )
    if stale:
        sns.publish(
            TopicArn=os.environ["ALERTS_TOPIC_ARN"],
            Subject=f"{len(stale)} payment(s) pending for over an hour",
            Message=json.dumps(report),
        )
    return {"stale_pending": len(stale)}


def pending_before(cutoff):
    """Transaction ids with status PENDING created before ``cutoff``, following pagination."""
    condition = Key("status").eq("PENDING") & Key("created_at").lt(cutoff.isoformat())
    ids, start = [], None
    while True:
        kwargs = {"IndexName": STATUS_INDEX, "KeyConditionExpression": condition}
        if start:
            kwargs["ExclusiveStartKey"] = start
        page = table.query(**kwargs)
        ids.extend(item["transaction_id"] for item in page["Items"])
        start = page.get("LastEvaluatedKey")
        if not start:
            return ids
