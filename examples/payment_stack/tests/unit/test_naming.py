"""Every resource name carries the environment suffix, so environments can share an account."""

import re
from collections import Counter

import pytest

pytestmark = pytest.mark.naming

NAME_ARGUMENTS = ("name", "function_name", "identifier", "alarm_name", "bucket_prefix")
# Types whose AWS objects have no name of their own (they hang off a named resource).
NAMELESS = {
    "aws_route",
    "aws_route_table_association",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_versioning",
    "aws_sqs_queue_policy",
    "aws_sns_topic_subscription",
    "aws_iam_role_policy_attachment",
    "aws_lambda_event_source_mapping",
    "aws_lambda_permission",
    "aws_cloudwatch_event_target",
    "aws_apigatewayv2_integration",
    "aws_apigatewayv2_route",
    "aws_kms_key",  # named by its alias
}


def _names(resource):
    names = [resource[key] for key in NAME_ARGUMENTS if key in resource]
    tags = resource["tags"] if "tags" in resource else {}
    return names + ([tags["Name"]] if "Name" in tags else [])


def test_every_name_includes_the_environment_suffix(iac_stack, suffix):
    with_suffix = re.compile(rf"-{re.escape(suffix)}(-|$)")
    wrong = [
        (resource.address, name)
        for resource in iac_stack.resources()
        for name in _names(resource)
        if not name.startswith("$") and not with_suffix.search(name)  # "$default": API Gateway's own stage
    ]
    assert wrong == []


def test_only_objects_without_a_name_of_their_own_are_unnamed(iac_stack):
    unnamed = {r.type for r in iac_stack.resources() if not _names(r)}
    assert unnamed <= NAMELESS


def test_names_are_unique_within_each_type(iac_stack):
    counts = Counter((r.type, name) for r in iac_stack.resources() for name in set(_names(r)))
    assert [key for key, count in counts.items() if count > 1] == []


def test_provider_tags_every_resource_with_its_environment(iac_stack, suffix):
    iac_stack.has_provider("aws", {"default_tags": [{"tags": {"Environment": suffix}}]})
