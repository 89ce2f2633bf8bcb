"""Alarms on Lambda errors, processing backlog and API tail latency, all notifying the alerts topic."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import (
    CloudwatchMetricAlarm,
    CloudwatchMetricAlarmMetricQuery,
    CloudwatchMetricAlarmMetricQueryMetric,
)
from cdktf_cdktf_provider_aws.lambda_function import LambdaFunction
from constructs import Construct

PERIOD = 300


class Monitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        suffix: str,
        alerts_topic_arn: str,
        functions: dict[str, LambdaFunction],
        queue_name: str,
        api_id: str,
        stage: str,
    ) -> None:
        super().__init__(scope, construct_id)
        actions = {"alarm_actions": [alerts_topic_arn], "ok_actions": [alerts_topic_arn]}
        # One alarm over the summed errors of all four functions (metric math: no statistic here).
        error_metrics = [
            CloudwatchMetricAlarmMetricQuery(
                id=key,
                return_data=False,
                metric=CloudwatchMetricAlarmMetricQueryMetric(
                    namespace="AWS/Lambda",
                    metric_name="Errors",
                    dimensions={"FunctionName": function.function_name},
                    period=PERIOD,
                    stat="Sum",
                ),
            )
            for key, function in functions.items()
        ]
        CloudwatchMetricAlarm(
            self,
            "lambda-errors",
            alarm_name=f"payments-lambda-errors-{suffix}",
            alarm_description="A payment Lambda reported errors",
            comparison_operator="GreaterThanOrEqualToThreshold",
            evaluation_periods=1,
            threshold=1,
            treat_missing_data="notBreaching",
            metric_query=[
                *error_metrics,
                CloudwatchMetricAlarmMetricQuery(
                    id="errors",
                    expression=f"SUM([{', '.join(functions)}])",
                    label="Payment Lambda errors",
                    return_data=True,
                ),
            ],
            **actions,
        )
        CloudwatchMetricAlarm(
            self,
            "queue-age",
            alarm_name=f"payments-queue-age-{suffix}",
            alarm_description="Payments wait in the processing queue for more than 5 minutes",
            namespace="AWS/SQS",
            metric_name="ApproximateAgeOfOldestMessage",
            dimensions={"QueueName": queue_name},
            statistic="Maximum",
            period=PERIOD,
            evaluation_periods=2,
            threshold=300,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            **actions,
        )
        # Percentiles take extended_statistic ONLY: setting statistic as well fails terraform validate.
        CloudwatchMetricAlarm(
            self,
            "api-latency-p99",
            alarm_name=f"payments-api-latency-p99-{suffix}",
            alarm_description="Payments API p99 latency above 1 second",
            namespace="AWS/ApiGateway",
            metric_name="Latency",
            dimensions={"ApiId": api_id, "Stage": stage},
            extended_statistic="p99",
            period=PERIOD,
            evaluation_periods=3,
            threshold=1000,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            **actions,
        )
