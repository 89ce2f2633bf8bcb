"""CloudWatch alarms on errors, backlog and API latency."""

import re

import pytest

from pytest_iac import Capture, Match

pytestmark = pytest.mark.requirement("PAY-013")

ALARM = "aws_cloudwatch_metric_alarm"


def test_three_alarms_all_notify_the_alerts_topic(iac_stack, node):
    alerts = node("messaging/alerts").ref("arn")
    iac_stack.resource_count_is(ALARM, 3)
    iac_stack.all_resources_properties(ALARM, {"alarm_actions": [alerts], "ok_actions": [alerts]})


def test_api_p99_latency_alarm_uses_extended_statistic_only(iac_stack, node):
    iac_stack.has_resource_properties(
        ALARM,
        {
            "namespace": "AWS/ApiGateway",
            "metric_name": "Latency",
            "dimensions": {"ApiId": node("api/api").ref("id"), "Stage": "$default"},
            "extended_statistic": "p99",
            "statistic": Match.absent(),
            "threshold": 1000,
            "comparison_operator": "GreaterThanThreshold",
        },
    )


def test_no_alarm_sets_both_statistic_and_extended_statistic(iac_stack):
    both = [a.address for a in iac_stack.resources(ALARM) if "statistic" in a and "extended_statistic" in a]
    assert both == []


def test_queue_backlog_alarm_watches_the_age_of_the_oldest_message(iac_stack, node):
    iac_stack.has_resource_properties(
        ALARM,
        {
            "namespace": "AWS/SQS",
            "metric_name": "ApproximateAgeOfOldestMessage",
            "dimensions": {"QueueName": node("messaging/queue").ref("name")},
            "statistic": "Maximum",
            "extended_statistic": Match.absent(),
        },
    )


@pytest.mark.parametrize("key", ["validation", "processing", "notification", "reconciliation"])
def test_error_alarm_includes_each_function(iac_stack, functions, key):
    iac_stack.has_resource_properties(
        ALARM,
        {
            "metric_query": Match.array_with(
                [
                    {
                        "id": key,
                        "return_data": False,
                        "metric": {
                            "namespace": "AWS/Lambda",
                            "metric_name": "Errors",
                            "stat": "Sum",
                            "dimensions": {"FunctionName": functions[key].ref("function_name")},
                        },
                    }
                ]
            )
        },
    )


def test_error_alarm_returns_the_sum_of_all_its_metrics(iac_stack):
    expression, ids = Capture(), Capture()
    iac_stack.has_resource_properties(
        ALARM,
        {
            "statistic": Match.absent(),
            "metric_name": Match.absent(),
            "metric_query": Match.array_with(
                [{"id": "errors", "expression": expression, "return_data": True}]
            ),
        },
    )
    iac_stack.has_resource_properties(
        ALARM, {"metric_query": Match.array_with([{"metric": Match.any_value(), "id": ids}] * 4)}
    )
    summed = re.fullmatch(r"SUM\(\[(.*)\]\)", expression.as_string())
    assert summed is not None, expression.as_string()
    assert sorted(part.strip() for part in summed.group(1).split(",")) == sorted(ids.values)
