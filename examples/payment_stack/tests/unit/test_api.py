"""The payments HTTP API."""

import fnmatch

import pytest

from pytest_iac import Capture, Match

pytestmark = pytest.mark.requirement("PAY-012")

ROUTE_KEYS = ["POST /payments", "GET /payments/{id}"]


@pytest.fixture(scope="module")
def api(node):
    return node("api/api")


@pytest.fixture(scope="module")
def integration(node):
    return node("api/validation-integration")


def test_api_is_an_http_api(iac_stack, suffix):
    iac_stack.resource_count_is("aws_apigatewayv2_api", 1)
    iac_stack.has_resource_properties(
        "aws_apigatewayv2_api", {"name": f"payments-api-{suffix}", "protocol_type": "HTTP"}
    )


def test_api_has_exactly_the_two_payment_routes(iac_stack):
    iac_stack.resource_count_is("aws_apigatewayv2_route", 2)
    found = sorted(r["route_key"] for r in iac_stack.resources("aws_apigatewayv2_route"))
    assert found == sorted(ROUTE_KEYS)


@pytest.mark.parametrize("route_key", ROUTE_KEYS)
def test_route_is_iam_authorized_and_targets_the_validation_integration(iac_stack, api, integration, route_key):
    iac_stack.has_resource_properties(
        "aws_apigatewayv2_route",
        {
            "api_id": api.ref("id"),
            "route_key": route_key,
            "authorization_type": "AWS_IAM",
            "target": f"integrations/{integration.ref('id')}",
        },
    )


def test_integration_proxies_to_the_validation_lambda(iac_stack, api, functions):
    iac_stack.has_resource_properties(
        "aws_apigatewayv2_integration",
        {
            "api_id": api.ref("id"),
            "integration_type": "AWS_PROXY",
            "integration_uri": functions["validation"].ref("invoke_arn"),
            "payload_format_version": "2.0",
        },
    )


def test_default_stage_deploys_automatically_and_is_throttled(iac_stack, api):
    iac_stack.has_resource_properties(
        "aws_apigatewayv2_stage",
        {
            "api_id": api.ref("id"),
            "name": "$default",
            "auto_deploy": True,
            "default_route_settings": {
                "throttling_burst_limit": Match.any_value(),
                "throttling_rate_limit": Match.any_value(),
            },
        },
    )


def test_api_may_invoke_the_validation_lambda_for_its_routes_only(iac_stack, api, functions):
    source = Capture(Match.string_like_regexp(r"^\$\{aws_apigatewayv2_api\.[^}]+\.execution_arn\}/"))
    iac_stack.has_resource_properties(
        "aws_lambda_permission",
        {
            "principal": "apigateway.amazonaws.com",
            "action": "lambda:InvokeFunction",
            "function_name": functions["validation"].ref("function_name"),
            "source_arn": source,
        },
    )
    pattern = source.as_string().replace(api.ref("execution_arn"), "arn:api")
    assert fnmatch.fnmatchcase("arn:api/$default/POST/payments", pattern)
    assert fnmatch.fnmatchcase("arn:api/$default/GET/payments/42", pattern)
    assert not fnmatch.fnmatchcase("arn:api/$default/DELETE/admin", pattern)
