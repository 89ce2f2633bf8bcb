"""A role a state machine uses to deliver logs and traces."""

import json

from cdktf import Fn, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy


class TapStack(TerraformStack):
    def __init__(self, scope: Construct, stack_id: str) -> None:
        super().__init__(scope, stack_id)
        AwsProvider(self, "aws", region="us-east-1")

        role = IamRole(self, "role", name="orders-sfn",
                       assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
                           "Effect": "Allow", "Action": "sts:AssumeRole",
                           "Principal": {"Service": "states.amazonaws.com"}}]}))
        IamRolePolicy(self, "logging", role=role.id, name="logging", policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Resource": "*", "Action": [
                    "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
                    "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies",
                    "logs:DescribeLogGroups"]},
                {"Effect": "Allow", "Resource": "*", "Action": [
                    "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]},
            ]}))
        TerraformOutput(self, "role_arn", value=role.arn)
