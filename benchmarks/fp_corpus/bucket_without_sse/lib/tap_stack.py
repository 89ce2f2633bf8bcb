"""A bucket that relies on S3's default encryption."""

import json

from cdktf import Fn, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket


class TapStack(TerraformStack):
    def __init__(self, scope: Construct, stack_id: str) -> None:
        super().__init__(scope, stack_id)
        AwsProvider(self, "aws", region="us-east-1")

        bucket = S3Bucket(self, "data", bucket="orders-data-dev")
        TerraformOutput(self, "bucket_name", value=bucket.bucket)
