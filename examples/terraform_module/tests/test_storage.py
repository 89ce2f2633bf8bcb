import pytest

from pytest_iac import Match


@pytest.mark.requirement("ORD-002")
def test_documents_bucket_is_encrypted_with_the_stack_key(iac_stack):
    iac_stack.has_resource_properties("aws_kms_key", {"enable_key_rotation": True, "deletion_window_in_days": 7})
    iac_stack.has_resource_properties("aws_s3_bucket", {"bucket": "orders-documents-test", "arn": Match.unknown()})
    iac_stack.has_resource_properties("aws_s3_bucket_server_side_encryption_configuration", {
        "bucket": Match.unknown(),
        "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms",
                                                               "kms_master_key_id": Match.unknown()}]}],
    })
    assert iac_stack.references_from("aws_s3_bucket_server_side_encryption_configuration.documents") == [
        "aws_kms_key.data", "aws_s3_bucket.documents"]


@pytest.mark.requirement("ORD-002")
def test_documents_bucket_blocks_public_access_and_keeps_versions(iac_stack):
    iac_stack.has_resource_properties("aws_s3_bucket_public_access_block", {
        "block_public_acls": True, "block_public_policy": True, "ignore_public_acls": True,
        "restrict_public_buckets": True,
    })
    iac_stack.has_resource_properties("aws_s3_bucket_versioning",
                                      {"versioning_configuration": [{"status": "Enabled"}]})
