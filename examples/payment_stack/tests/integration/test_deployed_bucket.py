"""The records bucket as S3 reports it: no public access of any kind, versions kept."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.requirement("PAY-104")


def test_all_public_access_is_blocked(aws, outputs):
    block = aws("s3").get_public_access_block(Bucket=outputs["records_bucket_name"])["PublicAccessBlockConfiguration"]
    assert block == {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
                     "RestrictPublicBuckets": True}


def test_versioning_is_enabled(aws, outputs):
    assert aws("s3").get_bucket_versioning(Bucket=outputs["records_bucket_name"])["Status"] == "Enabled"
