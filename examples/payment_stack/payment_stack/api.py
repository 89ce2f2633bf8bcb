"""The payments HTTP API: two IAM-authorized routes proxied to the validation Lambda."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.apigatewayv2_api import Apigatewayv2Api
from cdktf_cdktf_provider_aws.apigatewayv2_integration import Apigatewayv2Integration
from cdktf_cdktf_provider_aws.apigatewayv2_route import Apigatewayv2Route
from cdktf_cdktf_provider_aws.apigatewayv2_stage import (
    Apigatewayv2Stage,
    Apigatewayv2StageDefaultRouteSettings,
)
from cdktf_cdktf_provider_aws.lambda_function import LambdaFunction
from cdktf_cdktf_provider_aws.lambda_permission import LambdaPermission
from constructs import Construct

ROUTES = {"create-payment": "POST /payments", "get-payment": "GET /payments/{id}"}
STAGE = "$default"


class PaymentsApi(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, suffix: str, handler: LambdaFunction) -> None:
        super().__init__(scope, construct_id)
        self.api = Apigatewayv2Api(
            self, "api", name=f"payments-api-{suffix}", protocol_type="HTTP", description="Payments API"
        )
        integration = Apigatewayv2Integration(
            self,
            "validation-integration",
            api_id=self.api.id,
            integration_type="AWS_PROXY",
            integration_method="POST",
            integration_uri=handler.invoke_arn,
            payload_format_version="2.0",
        )
        for construct_key, route_key in ROUTES.items():
            Apigatewayv2Route(
                self,
                construct_key,
                api_id=self.api.id,
                route_key=route_key,
                authorization_type="AWS_IAM",
                target=f"integrations/{integration.id}",
            )
        self.stage = Apigatewayv2Stage(
            self,
            "stage",
            api_id=self.api.id,
            name=STAGE,
            auto_deploy=True,
            default_route_settings=Apigatewayv2StageDefaultRouteSettings(
                throttling_burst_limit=100, throttling_rate_limit=50
            ),
        )
        LambdaPermission(
            self,
            "invoke",
            statement_id="AllowPaymentsApi",
            action="lambda:InvokeFunction",
            function_name=handler.function_name,
            principal="apigateway.amazonaws.com",
            source_arn=f"{self.api.execution_arn}/*/*/payments*",
        )
