"""A bucket holding the site's logo."""

import json

from cdktf import Fn, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA,
)
from cdktf_cdktf_provider_aws.s3_object import S3Object


class TapStack(TerraformStack):
    def __init__(self, scope: Construct, stack_id: str) -> None:
        super().__init__(scope, stack_id)
        AwsProvider(self, "aws", region="us-east-1")

        bucket = S3Bucket(self, "data", bucket="orders-data-dev")
        S3BucketServerSideEncryptionConfigurationA(self, "data-sse", bucket=bucket.id, rule=[
            S3BucketServerSideEncryptionConfigurationRuleA(
                apply_server_side_encryption_by_default=S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
                    sse_algorithm="AES256"))])
        TerraformOutput(self, "bucket_name", value=bucket.bucket)

        logo = "../../../assets/logo.svg"  # relative to cdktf.out/stacks/<stack>/
        S3Object(self, "logo", bucket=bucket.id, key="logo.svg", source=logo, etag=Fn.filemd5(logo))
