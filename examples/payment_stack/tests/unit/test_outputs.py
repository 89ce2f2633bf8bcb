"""Outputs that integration tests and operators read after deployment."""

import pytest

pytestmark = pytest.mark.requirement("PAY-014")

# output name -> (construct path, attribute)
SINGLE = {
    "vpc_id": ("network/vpc", "id"),
    "api_endpoint": ("api/api", "api_endpoint"),
    "records_bucket_name": ("data/records", "bucket"),
    "transactions_table_name": ("data/transactions", "name"),
    "processing_queue_url": ("messaging/queue", "url"),
    "dead_letter_queue_url": ("messaging/dlq", "url"),
    "payments_topic_arn": ("messaging/events", "arn"),
    "alerts_topic_arn": ("messaging/alerts", "arn"),
    "database_endpoint": ("data/ledger", "endpoint"),
    "database_secret_arn": ("data/ledger", "master_user_secret[0].secret_arn"),
    "kms_key_arn": ("encryption/key", "arn"),
}


@pytest.mark.parametrize("name", sorted(SINGLE))
def test_output_points_at_its_resource(iac_stack, node, name):
    path, attribute = SINGLE[name]
    iac_stack.has_output(name, {"value": node(path).ref(attribute)})


@pytest.mark.parametrize("tier", ["public", "private", "database"])
def test_subnet_ids_are_exported_per_tier(iac_stack, subnets, tier):
    iac_stack.has_output(f"{tier}_subnet_ids", {"value": [subnet.ref("id") for subnet in subnets[tier]]})


def test_function_names_are_exported_by_role(iac_stack, functions):
    iac_stack.has_output(
        "lambda_function_names", {"value": {key: f.ref("function_name") for key, f in functions.items()}}
    )


def test_no_output_is_sensitive_or_unexpected(iac_stack):
    outputs = iac_stack.find_outputs()
    subnet_lists = {f"{tier}_subnet_ids" for tier in ("public", "private", "database")}
    expected = set(SINGLE) | subnet_lists | {"lambda_function_names"}
    assert set(outputs) == expected
    assert [name for name, output in outputs.items() if output.get("sensitive")] == []
