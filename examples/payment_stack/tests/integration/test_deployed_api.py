"""The HTTP API as API Gateway reports it: two IAM-authorized routes to the validation Lambda."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.requirement("PAY-105")


@pytest.fixture(scope="module")
def api_id(outputs) -> str:
    # https://<api id>.execute-api.<region>.amazonaws.com
    return outputs["api_endpoint"].split("://", 1)[1].split(".", 1)[0]


def test_api_is_http(aws, api_id):
    api = aws("apigatewayv2").get_api(ApiId=api_id)
    assert (api["Name"], api["ProtocolType"]) == ("payments-api-test", "HTTP")


def test_routes_are_iam_authorized_and_proxied_to_the_validation_lambda(aws, api_id, outputs):
    gateway = aws("apigatewayv2")
    routes = {r["RouteKey"]: r for r in gateway.get_routes(ApiId=api_id)["Items"]}
    assert sorted(routes) == ["GET /payments/{id}", "POST /payments"]
    validation = aws("lambda").get_function(
        FunctionName=outputs["lambda_function_names"]["validation"])["Configuration"]["FunctionArn"]
    for key, route in routes.items():
        assert route["AuthorizationType"] == "AWS_IAM", key
        integration_id = route["Target"].removeprefix("integrations/")
        integration = gateway.get_integration(ApiId=api_id, IntegrationId=integration_id)
        assert integration["IntegrationType"] == "AWS_PROXY", key
        assert validation in integration["IntegrationUri"], key


def test_default_stage_deploys_automatically(aws, api_id):
    stage = aws("apigatewayv2").get_stage(ApiId=api_id, StageName="$default")
    assert stage["AutoDeploy"] is True
