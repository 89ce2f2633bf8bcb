"""A Lambda built by a Makefile into lambda/dist/."""

import json

from cdktf import Fn, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.lambda_function import LambdaFunction


class TapStack(TerraformStack):
    def __init__(self, scope: Construct, stack_id: str) -> None:
        super().__init__(scope, stack_id)
        AwsProvider(self, "aws", region="us-east-1")

        role = IamRole(self, "role", name="orders-fn",
                       assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
                           "Effect": "Allow", "Action": "sts:AssumeRole",
                           "Principal": {"Service": "lambda.amazonaws.com"}}]}))

        package = "../../../lambda/dist/fn.zip"  # relative to cdktf.out/stacks/<stack>/, where cdktf runs terraform
        fn = LambdaFunction(self, "fn", function_name="orders-fn", role=role.arn, runtime="python3.12",
                            handler="handler.handler", filename=package, source_code_hash=Fn.filebase64sha256(package))
        TerraformOutput(self, "function_name", value=fn.function_name)
