"""Payments API handler (HTTP API payload 2.0).

POST /payments validates a payment, stores it as PENDING and publishes it for processing;
GET /payments/{id} returns the stored payment.
"""

import base64
import json
import os
import uuid
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

import boto3

CURRENCIES = {"USD", "EUR", "GBP"}
MAX_AMOUNT = Decimal("1000000")

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
sns = boto3.client("sns")


def handler(event, context):
    if event["requestContext"]["http"]["method"] == "GET":
        return get_payment(event["pathParameters"]["id"])
    return create_payment(_body(event))


def validate(payment):
    """Return a list of problems with ``payment``; empty when it is valid."""
    errors = []
    try:
        amount = Decimal(str(payment.get("amount")))
        if not Decimal("0") < amount <= MAX_AMOUNT:
            errors.append(f"amount must be above 0 and at most {MAX_AMOUNT}")
    except InvalidOperation:
        errors.append("amount must be a number")
    if payment.get("currency") not in CURRENCIES:
        errors.append(f"currency must be one of {sorted(CURRENCIES)}")
    for field in ("merchant_id", "customer_id"):
        if not isinstance(payment.get(field), str) or not payment[field]:
            errors.append(f"{field} is required")
    return errors


def create_payment(payment):
    errors = validate(payment)
    if errors:
        return _response(400, {"errors": errors})
    item = {
        "transaction_id": str(uuid.uuid4()),
        "status": "PENDING",
        "created_at": datetime.now(timezone.utc).isoformat(),
        "amount": Decimal(str(payment["amount"])),
        "currency": payment["currency"],
        "merchant_id": payment["merchant_id"],
        "customer_id": payment["customer_id"],
    }
    table.put_item(Item=item, ConditionExpression="attribute_not_exists(transaction_id)")
    sns.publish(TopicArn=os.environ["PAYMENTS_TOPIC_ARN"], Message=json.dumps(item, default=str))
    return _response(202, {"transaction_id": item["transaction_id"], "status": item["status"]})


def get_payment(transaction_id):
    item = table.get_item(Key={"transaction_id": transaction_id}).get("Item")
    if item is None:
        return _response(404, {"error": "payment not found"})
    return _response(200, item)


def _body(event):
    body = event.get("body") or "{}"
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    try:
        parsed = json.loads(body)
    except json.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _response(status, body):
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body, default=str),
    }
