"""State backend and provider configuration."""

import pytest

from pytest_iac import Match

pytestmark = pytest.mark.requirement("PAY-016")

# S3 backend arguments this stack uses, all accepted by Terraform 1.11.
KNOWN_BACKEND_ARGUMENTS = {"bucket", "key", "region", "encrypt", "use_lockfile"}


def test_state_lives_in_s3_encrypted_and_locked_with_a_lock_file(iac_stack, suffix, region):
    iac_stack.has_backend(
        "s3",
        {
            "bucket": "payments-tfstate",
            "key": f"payments/{suffix}/terraform.tfstate",
            "region": region,
            "encrypt": True,
            "use_lockfile": True,
            "dynamodb_table": Match.absent(),
        },
    )


def test_backend_uses_only_arguments_terraform_accepts(iac_stack):
    backend_type, settings = iac_stack.backend
    assert backend_type == "s3"
    assert set(settings) <= KNOWN_BACKEND_ARGUMENTS


def test_provider_region_and_default_tags(iac_stack, suffix, region):
    iac_stack.has_provider(
        "aws",
        {
            "region": region,
            "default_tags": [
                {"tags": Match.object_equals({"Project": "payments", "Environment": suffix, "ManagedBy": "cdktf"})}
            ],
        },
    )


def test_one_aws_provider_configuration(iac_stack):
    assert list(iac_stack.find_providers()) == ["aws"]
    assert len(iac_stack.find_providers("aws")["aws"]) == 1
