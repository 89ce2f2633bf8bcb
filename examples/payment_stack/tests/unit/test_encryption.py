"""One customer-managed KMS key encrypts every store of payment data."""

import pytest

from pytest_iac import Match

pytestmark = pytest.mark.requirement("PAY-004")


def test_there_is_one_customer_key_and_it_rotates(iac_stack):
    iac_stack.resource_count_is("aws_kms_key", 1)
    iac_stack.has_resource_properties("aws_kms_key", {"enable_key_rotation": True})


def test_alias_names_the_key_per_environment(iac_stack, node, suffix):
    iac_stack.has_resource_properties(
        "aws_kms_alias",
        {"name": f"alias/payments-{suffix}", "target_key_id": node("encryption/key").ref("key_id")},
    )


def test_key_administration_stays_with_the_account_found_at_plan_time(iac_stack):
    account = iac_stack.find_data_sources("aws_caller_identity")
    assert len(account) == 1
    (address,) = account
    iac_stack.has_resource_properties(
        "aws_kms_key",
        {
            "policy": Match.serialized_json(
                {
                    "Statement": Match.array_with(
                        [
                            {
                                "Sid": "AccountAdministration",
                                "Principal": {"AWS": "arn:aws:iam::${" + address + ".account_id}:root"},
                            }
                        ]
                    )
                }
            )
        },
    )


def test_key_policy_lets_logs_topics_and_alarms_use_the_key(iac_stack, region):
    iac_stack.has_resource_properties(
        "aws_kms_key",
        {
            "policy": Match.serialized_json(
                {
                    "Statement": Match.array_with(
                        [
                            {
                                "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                                "Action": Match.array_with(["kms:Decrypt", "kms:GenerateDataKey"]),
                                "Condition": {
                                    "ArnLike": {"kms:EncryptionContext:aws:logs:arn": Match.any_value()}
                                },
                            },
                            {
                                "Principal": {"Service": ["sns.amazonaws.com", "cloudwatch.amazonaws.com"]},
                                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                            },
                        ]
                    )
                }
            )
        },
    )


ENCRYPTED_WITH_KEY = [
    ("aws_db_instance", "kms_key_id"),
    ("aws_db_instance", "master_user_secret_kms_key_id"),
    ("aws_sns_topic", "kms_master_key_id"),
    ("aws_sqs_queue", "kms_master_key_id"),
    ("aws_cloudwatch_log_group", "kms_key_id"),
    ("aws_lambda_function", "kms_key_arn"),
]


@pytest.mark.parametrize(("rtype", "argument"), ENCRYPTED_WITH_KEY)
def test_every_store_of_this_type_uses_the_customer_key(iac_stack, key_arn, rtype, argument):
    iac_stack.all_resources_properties(rtype, {argument: key_arn})


def test_transactions_table_uses_the_customer_key(iac_stack, key_arn):
    iac_stack.all_resources_properties(
        "aws_dynamodb_table", {"server_side_encryption": {"enabled": True, "kms_key_arn": key_arn}}
    )


def test_bucket_encryption_uses_the_customer_key(iac_stack, key_arn):
    iac_stack.all_resources_properties(
        "aws_s3_bucket_server_side_encryption_configuration",
        {"rule": [{"apply_server_side_encryption_by_default": {"kms_master_key_id": key_arn}}]},
    )


def test_no_aws_managed_key_is_used_anywhere(iac_stack):
    assert "alias/aws/" not in str(iac_stack.raw)
