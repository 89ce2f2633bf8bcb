"""What invokes each Lambda."""

import pytest

pytestmark = pytest.mark.requirement("PAY-017")

TRIGGER_TYPES = {
    "aws_lambda_event_source_mapping",
    "aws_cloudwatch_event_target",
    "aws_apigatewayv2_integration",
}


def test_processing_consumes_the_queue_with_partial_batch_failures(iac_stack, node, functions):
    iac_stack.has_resource(
        "aws_lambda_event_source_mapping",
        {
            "event_source_arn": node("messaging/queue").ref("arn"),
            "function_name": functions["processing"].ref("arn"),
            "function_response_types": ["ReportBatchItemFailures"],
            "depends_on": [node("compute/data-access").address],
        },
    )


def test_notification_consumes_the_dead_letter_queue(iac_stack, node, functions):
    iac_stack.has_resource(
        "aws_lambda_event_source_mapping",
        {
            "event_source_arn": node("messaging/dlq").ref("arn"),
            "function_name": functions["notification"].ref("arn"),
            "depends_on": [node("compute/data-access").address],
        },
    )


def test_reconciliation_runs_hourly(iac_stack, node, functions, suffix):
    schedule = node("compute/reconciliation-schedule")
    iac_stack.has_resource_properties(
        "aws_cloudwatch_event_rule",
        {"name": f"payments-reconciliation-{suffix}", "schedule_expression": "rate(1 hour)"},
    )
    iac_stack.has_resource_properties(
        "aws_cloudwatch_event_target",
        {"rule": schedule.ref("name"), "arn": functions["reconciliation"].ref("arn")},
    )


def test_the_schedule_may_invoke_reconciliation(iac_stack, node, functions):
    iac_stack.has_resource_properties(
        "aws_lambda_permission",
        {
            "action": "lambda:InvokeFunction",
            "principal": "events.amazonaws.com",
            "function_name": functions["reconciliation"].ref("function_name"),
            "source_arn": node("compute/reconciliation-schedule").ref("arn"),
        },
    )


def test_every_function_has_a_trigger(iac_stack, functions):
    for key, function in functions.items():
        triggers = {address.split(".")[0] for address in iac_stack.references_to(function.address)}
        assert triggers & TRIGGER_TYPES, key
