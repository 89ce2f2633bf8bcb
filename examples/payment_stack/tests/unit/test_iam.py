"""Least privilege for the Lambdas' role."""

import json

import pytest

from pytest_iac import Match

pytestmark = pytest.mark.requirement("PAY-010")

VPC_ACCESS = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"


@pytest.fixture(scope="module")
def statements(node):
    return json.loads(node("compute/data-access")["policy"])["Statement"]


def _as_list(value):
    return value if isinstance(value, list) else [value]


def test_role_trusts_only_the_lambda_service(iac_stack):
    iac_stack.resource_count_is("aws_iam_role", 1)
    iac_stack.has_resource_properties(
        "aws_iam_role",
        {
            "assume_role_policy": Match.serialized_json(
                {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ]
                }
            )
        },
    )


def test_role_name_fits_the_iam_limit(iac_stack):
    for role in iac_stack.resources("aws_iam_role"):
        assert len(role["name"]) <= 64


def test_inline_policy_is_attached_to_the_role(iac_stack, node):
    iac_stack.resource_count_is("aws_iam_role_policy", 1)
    iac_stack.has_resource_properties("aws_iam_role_policy", {"role": node("compute/role").ref("id")})


def test_no_statement_uses_a_wildcard_action(statements):
    actions = [action for statement in statements for action in _as_list(statement["Action"])]
    assert [action for action in actions if "*" in action] == []


def test_every_statement_allows_and_is_scoped_to_stack_resources(statements):
    for statement in statements:
        assert statement["Effect"] == "Allow"
        for resource in _as_list(statement["Resource"]):
            assert resource.startswith("${aws_"), (statement["Sid"], resource)


def test_policy_grants_exactly_what_the_handlers_call(statements):
    granted = {action for statement in statements for action in _as_list(statement["Action"])}
    assert granted == {
        "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query",
        "s3:PutObject",
        "sns:Publish",
        "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
        "kms:Decrypt", "kms:GenerateDataKey",
    }


def test_each_service_is_scoped_to_its_own_resources(iac_stack, node, key_arn):
    table = node("data/transactions").ref("arn")
    queue, dlq = node("messaging/queue").ref("arn"), node("messaging/dlq").ref("arn")
    events, alerts = node("messaging/events").ref("arn"), node("messaging/alerts").ref("arn")
    bucket = node("data/records").ref("arn")
    iac_stack.has_resource_properties(
        "aws_iam_role_policy",
        {
            "policy": Match.serialized_json(
                {
                    "Statement": [
                        {"Sid": "Transactions", "Resource": [table, f"{table}/index/*"]},
                        {"Sid": "Records", "Resource": [f"{bucket}/*"]},
                        {"Sid": "Publish", "Resource": [events, alerts]},
                        {"Sid": "Consume", "Resource": [queue, dlq]},
                        {"Sid": "Encryption", "Resource": [key_arn]},
                    ]
                }
            )
        },
    )


def test_only_the_aws_vpc_access_policy_is_attached(iac_stack, node):
    iac_stack.resource_count_is("aws_iam_role_policy_attachment", 1)
    iac_stack.has_resource_properties(
        "aws_iam_role_policy_attachment", {"role": node("compute/role").ref("name"), "policy_arn": VPC_ACCESS}
    )
