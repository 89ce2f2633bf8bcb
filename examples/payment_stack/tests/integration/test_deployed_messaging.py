"""Payment events flow from the SNS topic into the processing queue.

moto tries to hand queued messages to the processing Lambda (its event source mapping) and,
without docker, puts them back: the message stays receivable, as it would while the Lambda is down.
"""

from __future__ import annotations

import json
import uuid

import pytest

pytestmark = pytest.mark.requirement("PAY-102")


def test_queue_is_subscribed_to_the_topic_with_raw_delivery(aws, outputs):
    sns = aws("sns")
    queue_arn = aws("sqs").get_queue_attributes(QueueUrl=outputs["processing_queue_url"],
                                                AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    (subscription,) = sns.list_subscriptions_by_topic(TopicArn=outputs["payments_topic_arn"])["Subscriptions"]
    assert (subscription["Protocol"], subscription["Endpoint"]) == ("sqs", queue_arn)
    attributes = sns.get_subscription_attributes(SubscriptionArn=subscription["SubscriptionArn"])["Attributes"]
    assert attributes["RawMessageDelivery"] == "true"


def test_queue_accepts_messages_only_from_the_topic(aws, outputs):
    policy = json.loads(aws("sqs").get_queue_attributes(QueueUrl=outputs["processing_queue_url"],
                                                        AttributeNames=["Policy"])["Attributes"]["Policy"])
    (statement,) = policy["Statement"]
    assert statement["Principal"] == {"Service": "sns.amazonaws.com"}
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": outputs["payments_topic_arn"]}}


def test_published_payment_arrives_in_the_processing_queue(aws, outputs):
    payment = {"payment_id": f"it-{uuid.uuid4()}", "amount": "12.50", "currency": "EUR"}
    aws("sns").publish(TopicArn=outputs["payments_topic_arn"], Message=json.dumps(payment))
    sqs = aws("sqs")
    bodies = []
    for _ in range(5):
        answer = sqs.receive_message(QueueUrl=outputs["processing_queue_url"], MaxNumberOfMessages=10,
                                     WaitTimeSeconds=2, VisibilityTimeout=0)
        bodies += [json.loads(m["Body"]) for m in answer.get("Messages", [])]
        if payment in bodies:
            break
    assert payment in bodies
