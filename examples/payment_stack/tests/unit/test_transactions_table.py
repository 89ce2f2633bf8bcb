"""The DynamoDB transactions table."""

import pytest

from pytest_iac import Match

pytestmark = pytest.mark.requirement("PAY-008")

STATUS_INDEX = {
    "name": "status-created-index",
    "hash_key": "status",
    "range_key": "created_at",
    "projection_type": "ALL",
}


def test_table_is_on_demand_and_keyed_by_transaction(iac_stack, suffix):
    iac_stack.resource_count_is("aws_dynamodb_table", 1)
    iac_stack.has_resource_properties(
        "aws_dynamodb_table",
        {
            "name": f"payments-transactions-{suffix}",
            "billing_mode": "PAY_PER_REQUEST",
            "hash_key": "transaction_id",
            "read_capacity": Match.absent(),
            "write_capacity": Match.absent(),
        },
    )


def test_table_is_encrypted_with_the_customer_key(iac_stack, key_arn):
    iac_stack.has_resource_properties(
        "aws_dynamodb_table", {"server_side_encryption": {"enabled": True, "kms_key_arn": key_arn}}
    )


def test_point_in_time_recovery_is_on(iac_stack):
    iac_stack.has_resource_properties("aws_dynamodb_table", {"point_in_time_recovery": {"enabled": True}})


def test_status_index_serves_reconciliation(iac_stack):
    iac_stack.has_resource_properties("aws_dynamodb_table", {"global_secondary_index": [STATUS_INDEX]})


def test_reconciliation_handler_queries_the_index_the_table_has(package_files):
    assert f'STATUS_INDEX = "{STATUS_INDEX["name"]}"' in package_files["reconciliation.py"]


def test_declared_attributes_are_exactly_the_key_attributes(node):
    # DynamoDB rejects attribute definitions that no key or index uses, and keys that are not defined.
    table = node("data/transactions")
    keys = {table["hash_key"]} | {
        index[part] for index in table["global_secondary_index"] for part in ("hash_key", "range_key")
    }
    assert {attribute["name"]: attribute["type"] for attribute in table["attribute"]} == dict.fromkeys(keys, "S")
