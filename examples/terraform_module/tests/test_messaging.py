import pytest

from pytest_iac import Match


@pytest.mark.requirement("ORD-003")
def test_queues_are_encrypted_with_the_stack_key(iac_stack):
    iac_stack.all_resources_properties("aws_sqs_queue", {"kms_master_key_id": Match.unknown()})
    for queue in ("aws_sqs_queue.orders", "aws_sqs_queue.orders_dlq"):
        assert "aws_kms_key.data" in iac_stack.references_from(queue)


@pytest.mark.requirement("ORD-003")
def test_orders_queue_redrives_to_its_dead_letter_queue(iac_stack):
    iac_stack.has_resource_properties("aws_sqs_queue", {"name": "orders-test", "redrive_policy": Match.unknown()})
    assert "aws_sqs_queue.orders_dlq" in iac_stack.references_from("aws_sqs_queue.orders")
    iac_stack.has_resource_properties("aws_sqs_queue",
                                      {"name": "orders-dlq-test", "message_retention_seconds": 1209600})


@pytest.mark.requirement("ORD-004")
def test_only_the_alerts_topic_may_send_to_the_queue(iac_stack):
    iac_stack.has_data_source("aws_iam_policy_document", {
        "statement": [{"sid": "TopicSendsOrders", "actions": ["sqs:SendMessage"],
                       "principals": [{"type": "Service", "identifiers": ["sns.amazonaws.com"]}]}],
    })
    iac_stack.has_resource_properties("aws_sqs_queue_policy", {"policy": Match.unknown()})
    assert iac_stack.references_from("aws_sqs_queue_policy.orders") == [
        "aws_sqs_queue.orders", "data.aws_iam_policy_document.orders_queue"]
