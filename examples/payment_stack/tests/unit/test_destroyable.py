"""Every environment can be torn down by ``terraform destroy`` without manual steps."""

import pytest

from pytest_iac import Match

pytestmark = pytest.mark.requirement("PAY-007")


def test_database_needs_no_final_snapshot_and_has_no_deletion_protection(iac_stack):
    iac_stack.all_resources_properties(
        "aws_db_instance",
        {"skip_final_snapshot": True, "deletion_protection": False, "final_snapshot_identifier": Match.absent()},
    )


def test_buckets_are_emptied_on_destroy(iac_stack):
    iac_stack.all_resources_properties("aws_s3_bucket", {"force_destroy": True})


def test_table_has_no_deletion_protection(iac_stack):
    iac_stack.all_resources_properties("aws_dynamodb_table", {"deletion_protection_enabled": Match.not_(True)})


def test_key_is_scheduled_for_deletion_after_the_shortest_window(iac_stack):
    iac_stack.all_resources_properties("aws_kms_key", {"deletion_window_in_days": 7})


def test_no_resource_prevents_its_destruction(iac_stack):
    protected = [r.address for r in iac_stack.resources() if r.lifecycle.get("prevent_destroy")]
    assert protected == []
