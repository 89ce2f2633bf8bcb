"""Payment events: SNS topic -> SQS processing queue -> dead-letter queue."""

import pytest

from pytest_iac import Capture, Match

pytestmark = pytest.mark.requirement("PAY-011")


@pytest.fixture(scope="module")
def queue(node):
    return node("messaging/queue")


@pytest.fixture(scope="module")
def dlq(node):
    return node("messaging/dlq")


@pytest.fixture(scope="module")
def events(node):
    return node("messaging/events")


def test_two_topics_and_two_queues(iac_stack, suffix):
    iac_stack.resource_count_is("aws_sns_topic", 2)
    iac_stack.resource_count_is("aws_sqs_queue", 2)
    iac_stack.has_resource_properties("aws_sns_topic", {"name": f"payments-events-{suffix}"})
    iac_stack.has_resource_properties("aws_sns_topic", {"name": f"payments-alerts-{suffix}"})


def test_queue_subscribes_to_the_events_topic_with_raw_delivery(iac_stack, queue, events):
    iac_stack.resource_count_is("aws_sns_topic_subscription", 1)
    iac_stack.has_resource_properties(
        "aws_sns_topic_subscription",
        {
            "topic_arn": events.ref("arn"),
            "protocol": "sqs",
            "endpoint": queue.ref("arn"),
            "raw_message_delivery": True,
        },
    )


def test_queue_policy_admits_only_the_events_topic(iac_stack, queue, events):
    iac_stack.has_resource_properties(
        "aws_sqs_queue_policy",
        {
            "queue_url": queue.ref("url"),
            "policy": Match.serialized_json(
                {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "sns.amazonaws.com"},
                            "Action": "sqs:SendMessage",
                            "Resource": queue.ref("arn"),
                            "Condition": {"ArnEquals": {"aws:SourceArn": events.ref("arn")}},
                        }
                    ]
                }
            ),
        },
    )


def test_failed_messages_move_to_the_dead_letter_queue_after_five_receives(iac_stack, dlq, suffix):
    iac_stack.has_resource_properties(
        "aws_sqs_queue",
        {
            "name": f"payments-processing-{suffix}",
            "redrive_policy": Match.serialized_json(
                Match.object_equals({"deadLetterTargetArn": dlq.ref("arn"), "maxReceiveCount": 5})
            ),
        },
    )


def test_dead_letter_queue_keeps_messages_for_the_maximum_14_days(iac_stack, suffix):
    iac_stack.has_resource_properties(
        "aws_sqs_queue",
        {"name": f"payments-processing-dlq-{suffix}", "message_retention_seconds": 14 * 24 * 3600,
         "redrive_policy": Match.absent()},
    )


def test_visibility_timeout_is_six_times_the_processing_timeout(iac_stack, functions):
    visibility = Capture()
    iac_stack.has_resource_properties(
        "aws_sqs_queue", {"redrive_policy": Match.any_value(), "visibility_timeout_seconds": visibility}
    )
    assert visibility.as_number() >= 6 * functions["processing"]["timeout"]
