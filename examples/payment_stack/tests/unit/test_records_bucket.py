"""The payment records bucket."""

import pytest

from pytest_iac import Match

pytestmark = pytest.mark.requirement("PAY-005")


@pytest.fixture(scope="module")
def bucket_id(node):
    return node("data/records").ref("id")


def test_bucket_is_encrypted_with_kms_and_bucket_keys(iac_stack, bucket_id, key_arn):
    iac_stack.has_resource_properties(
        "aws_s3_bucket_server_side_encryption_configuration",
        {
            "bucket": bucket_id,
            "rule": [
                {
                    "apply_server_side_encryption_by_default": {
                        "sse_algorithm": "aws:kms",
                        "kms_master_key_id": key_arn,
                    },
                    "bucket_key_enabled": True,
                }
            ],
        },
    )


def test_all_public_access_is_blocked(iac_stack, bucket_id):
    iac_stack.has_resource_properties(
        "aws_s3_bucket_public_access_block",
        {
            "bucket": bucket_id,
            "block_public_acls": True,
            "block_public_policy": True,
            "ignore_public_acls": True,
            "restrict_public_buckets": True,
        },
    )


def test_versioning_is_enabled(iac_stack, bucket_id):
    iac_stack.has_resource_properties(
        "aws_s3_bucket_versioning", {"bucket": bucket_id, "versioning_configuration": {"status": "Enabled"}}
    )


def test_bucket_uses_the_separate_v4_resources_not_inline_arguments(iac_stack):
    iac_stack.all_resources_properties(
        "aws_s3_bucket",
        {
            "acl": Match.absent(),
            "versioning": Match.absent(),
            "server_side_encryption_configuration": Match.absent(),
            "lifecycle_rule": Match.absent(),
        },
    )


def test_bucket_name_is_generated_from_an_environment_prefix(iac_stack, suffix):
    iac_stack.has_resource_properties(
        "aws_s3_bucket", {"bucket_prefix": f"payments-records-{suffix}-", "bucket": Match.absent()}
    )


def test_nothing_grants_public_access(iac_stack):
    iac_stack.resource_count_is("aws_s3_bucket_acl", 0)
    iac_stack.resource_count_is("aws_s3_bucket_policy", 0)
