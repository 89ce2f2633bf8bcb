import pytest

from pytest_iac import Match


@pytest.mark.requirement("ORD-005")
def test_dead_letter_alarm_notifies_the_alerts_topic(iac_stack):
    alarm = iac_stack.resource("module.alerts.aws_cloudwatch_metric_alarm.dlq_depth")
    assert alarm["dimensions"] == {"QueueName": "orders-dlq-test"}
    assert (alarm["metric_name"], alarm["statistic"], alarm["threshold"]) == (
        "ApproximateNumberOfMessagesVisible", "Maximum", 1)
    assert iac_stack.references_from(alarm.address) == ["module.alerts.aws_sns_topic.this"]


@pytest.mark.requirement("ORD-005")
def test_alerts_topic_is_encrypted(iac_stack):
    iac_stack.has_resource_properties("aws_sns_topic",
                                      {"name": "orders-alerts-test", "kms_master_key_id": Match.unknown()})
