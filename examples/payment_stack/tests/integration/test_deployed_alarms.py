"""The alarms as CloudWatch reports them, each notifying the alerts topic."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.requirement("PAY-106")


@pytest.fixture(scope="module")
def alarms(aws) -> dict:
    found = aws("cloudwatch").describe_alarms(AlarmNamePrefix="payments-")["MetricAlarms"]
    return {a["AlarmName"]: a for a in found}


def test_three_alarms_all_notify_the_alerts_topic(alarms, outputs):
    assert sorted(alarms) == ["payments-api-latency-p99-test", "payments-lambda-errors-test",
                              "payments-queue-age-test"]
    for name, alarm in alarms.items():
        assert alarm["AlarmActions"] == [outputs["alerts_topic_arn"]], name
        assert alarm["OKActions"] == [outputs["alerts_topic_arn"]], name


def test_latency_alarm_uses_p99_only(alarms):
    alarm = alarms["payments-api-latency-p99-test"]
    assert alarm["ExtendedStatistic"] == "p99"
    assert "Statistic" not in alarm


def test_error_alarm_sums_all_four_functions(alarms, outputs):
    queries = alarms["payments-lambda-errors-test"]["Metrics"]
    dimensions = {q["MetricStat"]["Metric"]["Dimensions"][0]["Value"] for q in queries if "MetricStat" in q}
    assert dimensions == set(outputs["lambda_function_names"].values())
    (total,) = [q for q in queries if q.get("ReturnData")]
    assert total["Expression"].startswith("SUM(")


def test_backlog_alarm_watches_the_processing_queue(alarms, outputs):
    alarm = alarms["payments-queue-age-test"]
    queue_name = outputs["processing_queue_url"].rsplit("/", 1)[1]
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": queue_name}]
    assert (alarm["MetricName"], alarm["Threshold"]) == ("ApproximateAgeOfOldestMessage", 300.0)
