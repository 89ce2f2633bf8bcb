"""The four payment Lambdas, their shared least-privilege role, log groups and triggers."""

from __future__ import annotations

import json
from pathlib import Path

from cdktf import AssetType, TerraformAsset
from cdktf_cdktf_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktf_cdktf_provider_aws.cloudwatch_event_target import CloudwatchEventTarget
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.lambda_event_source_mapping import LambdaEventSourceMapping
from cdktf_cdktf_provider_aws.lambda_function import (
    LambdaFunction,
    LambdaFunctionEnvironment,
    LambdaFunctionLoggingConfig,
    LambdaFunctionVpcConfig,
)
from cdktf_cdktf_provider_aws.lambda_permission import LambdaPermission
from constructs import Construct

from payment_stack.data import DataStores
from payment_stack.messaging import Messaging
from payment_stack.network import Network

LAMBDA_SRC = Path(__file__).parent / "lambda_src"
# function key -> what it does; the handler is "<key>.handler" in lambda_src/<key>.py.
FUNCTIONS = {
    "validation": "Validates and records payments (POST /payments, GET /payments/{id})",
    "processing": "Processes queued payments into the records bucket",
    "notification": "Marks payments that failed processing and raises an alert",
    "reconciliation": "Hourly report of payments stuck in PENDING",
}
RUNTIME = "python3.12"
TIMEOUT = 30
VPC_ACCESS_POLICY = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"


class PaymentFunctions(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        suffix: str,
        key_arn: str,
        network: Network,
        data: DataStores,
        messaging: Messaging,
    ) -> None:
        super().__init__(scope, construct_id)
        role = IamRole(
            self,
            "role",
            name=f"payments-lambda-{suffix}",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            ),
        )
        policy = IamRolePolicy(
            self,
            "data-access",
            name=f"payments-data-access-{suffix}",
            role=role.id,
            policy=json.dumps(_data_access_policy(key_arn, data, messaging)),
        )
        vpc_access = IamRolePolicyAttachment(self, "vpc-access", role=role.name, policy_arn=VPC_ACCESS_POLICY)
        package = TerraformAsset(self, "package", path=str(LAMBDA_SRC), type=AssetType.ARCHIVE)
        environment = LambdaFunctionEnvironment(
            variables={
                "TABLE_NAME": data.table.name,
                "BUCKET_NAME": data.bucket.bucket,
                "PAYMENTS_TOPIC_ARN": messaging.topic.arn,
                "ALERTS_TOPIC_ARN": messaging.alerts.arn,
            }
        )
        self.functions: dict[str, LambdaFunction] = {}
        for key, description in FUNCTIONS.items():
            name = f"payments-{key}-{suffix}"
            log_group = CloudwatchLogGroup(
                self, f"{key}-logs", name=f"/aws/lambda/{name}", retention_in_days=30, kms_key_id=key_arn
            )
            self.functions[key] = LambdaFunction(
                self,
                key,
                function_name=name,
                description=description,
                role=role.arn,
                runtime=RUNTIME,
                handler=f"{key}.handler",
                filename=package.path,
                source_code_hash=package.asset_hash,
                timeout=TIMEOUT,
                memory_size=256,
                kms_key_arn=key_arn,
                environment=environment,
                logging_config=LambdaFunctionLoggingConfig(log_format="JSON", log_group=log_group.name),
                vpc_config=LambdaFunctionVpcConfig(
                    subnet_ids=[subnet.id for subnet in network.subnets["private"]],
                    security_group_ids=[network.lambda_sg.id],
                ),
                # Creating a function in a VPC fails until the role may create network interfaces.
                depends_on=[vpc_access, policy],
            )
        # Event source mappings poll with the function's role: they need its queue permissions first.
        LambdaEventSourceMapping(
            self,
            "processing-source",
            event_source_arn=messaging.queue.arn,
            function_name=self.functions["processing"].arn,
            batch_size=10,
            function_response_types=["ReportBatchItemFailures"],
            depends_on=[policy],
        )
        LambdaEventSourceMapping(
            self,
            "notification-source",
            event_source_arn=messaging.dlq.arn,
            function_name=self.functions["notification"].arn,
            batch_size=10,
            depends_on=[policy],
        )
        schedule = CloudwatchEventRule(
            self,
            "reconciliation-schedule",
            name=f"payments-reconciliation-{suffix}",
            description="Hourly reconciliation of pending payments",
            schedule_expression="rate(1 hour)",
        )
        CloudwatchEventTarget(
            self, "reconciliation-target", rule=schedule.name, arn=self.functions["reconciliation"].arn
        )
        LambdaPermission(
            self,
            "reconciliation-invoke",
            statement_id="AllowHourlySchedule",
            action="lambda:InvokeFunction",
            function_name=self.functions["reconciliation"].function_name,
            principal="events.amazonaws.com",
            source_arn=schedule.arn,
        )


def _data_access_policy(key_arn: str, data: DataStores, messaging: Messaging) -> dict:
    """Only the actions the handlers call, each on the resources it touches."""
    table = data.table.arn
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Transactions",
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"],
                "Resource": [table, f"{table}/index/*"],
            },
            {
                "Sid": "Records",
                "Effect": "Allow",
                "Action": ["s3:PutObject"],
                "Resource": [f"{data.bucket.arn}/*"],
            },
            {
                "Sid": "Publish",
                "Effect": "Allow",
                "Action": ["sns:Publish"],
                "Resource": [messaging.topic.arn, messaging.alerts.arn],
            },
            {
                "Sid": "Consume",
                "Effect": "Allow",
                "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                "Resource": [messaging.queue.arn, messaging.dlq.arn],
            },
            {
                "Sid": "Encryption",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": [key_arn],
            },
        ],
    }
