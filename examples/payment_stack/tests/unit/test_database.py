"""The PostgreSQL ledger database."""

import pytest

from pytest_iac import Capture, Match

pytestmark = pytest.mark.requirement("PAY-006")


def test_engine_is_postgres_16(iac_stack):
    iac_stack.resource_count_is("aws_db_instance", 1)
    iac_stack.has_resource_properties(
        "aws_db_instance", {"engine": "postgres", "engine_version": Match.string_like_regexp(r"^16(\.\d+)?$")}
    )


def test_storage_is_encrypted_with_the_customer_key(iac_stack, key_arn):
    iac_stack.has_resource_properties("aws_db_instance", {"storage_encrypted": True, "kms_key_id": key_arn})


def test_no_password_in_the_configuration(iac_stack, key_arn):
    iac_stack.has_resource_properties(
        "aws_db_instance",
        {
            "password": Match.absent(),
            "password_wo": Match.absent(),
            "manage_master_user_password": True,
            "master_user_secret_kms_key_id": key_arn,
        },
    )


def test_database_is_private_behind_its_security_group(iac_stack, node):
    iac_stack.has_resource_properties(
        "aws_db_instance",
        {"publicly_accessible": False, "vpc_security_group_ids": [node("network/db-sg").ref("id")]},
    )


def test_database_lives_in_the_three_database_subnets(iac_stack, node, subnets):
    group = node("data/db-subnets")
    iac_stack.has_resource_properties(
        "aws_db_subnet_group", {"subnet_ids": [subnet.ref("id") for subnet in subnets["database"]]}
    )
    iac_stack.has_resource_properties("aws_db_instance", {"db_subnet_group_name": group.ref("name")})


def test_automated_backups_are_kept(iac_stack):
    retention = Capture()
    iac_stack.has_resource_properties("aws_db_instance", {"backup_retention_period": retention})
    assert retention.as_number() >= 7
