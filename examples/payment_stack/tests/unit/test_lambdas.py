"""The four payment Lambdas: runtime, package, network placement, environment and logs."""

import ast
import re

import pytest

from pytest_iac import Match

pytestmark = pytest.mark.requirement("PAY-009")

# Environment variables the Lambda runtime reserves; setting one fails at deploy time.
RESERVED = {
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
}
KEYS = ["validation", "processing", "notification", "reconciliation"]


def test_there_are_exactly_four_functions(iac_stack):
    iac_stack.resource_count_is("aws_lambda_function", 4)


@pytest.mark.parametrize("key", KEYS)
def test_function_name_handler_and_runtime(iac_stack, suffix, key):
    iac_stack.has_resource_properties(
        "aws_lambda_function",
        {"function_name": f"payments-{key}-{suffix}", "handler": f"{key}.handler", "runtime": "python3.12"},
    )


def test_deployment_package_exists_in_the_synthesized_output(functions, stack_dir):
    for function in functions.values():
        assert (stack_dir / function["filename"]).is_file(), function["filename"]


def test_package_is_the_synthesized_asset_and_its_hash_triggers_updates(iac_stack):
    hash_ = r"([0-9A-F]{32})"
    iac_stack.all_resources_properties(
        "aws_lambda_function", {"filename": Match.string_like_regexp(rf"^assets/[^/]+/{hash_}/archive\.zip$")}
    )
    for function in iac_stack.resources("aws_lambda_function"):
        assert function["filename"].split("/")[2] == function["source_code_hash"]


@pytest.mark.parametrize("key", KEYS)
def test_handler_is_a_function_of_a_module_in_the_package(functions, package_files, key):
    module, _, name = functions[key]["handler"].rpartition(".")
    source = package_files[f"{module.replace('.', '/')}.py"]
    defined = {n.name for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)}
    assert name in defined


def test_every_environment_variable_a_handler_reads_is_set(functions, package_files):
    for key, function in functions.items():
        read = set(re.findall(r"os\.environ\[\"(\w+)\"\]", package_files[f"{key}.py"]))
        assert read <= set(function["environment"]["variables"]), key


def test_no_reserved_environment_variable_is_set(iac_stack):
    for function in iac_stack.resources("aws_lambda_function"):
        assert not RESERVED & set(function["environment"]["variables"]), function.address


def test_functions_run_in_the_private_subnets_with_the_lambda_group(iac_stack, node, subnets):
    iac_stack.all_resources_properties(
        "aws_lambda_function",
        {
            "vpc_config": {
                "subnet_ids": [subnet.ref("id") for subnet in subnets["private"]],
                "security_group_ids": [node("network/lambda-sg").ref("id")],
            }
        },
    )


def test_functions_share_the_stack_role(iac_stack, node):
    iac_stack.all_resources_properties("aws_lambda_function", {"role": node("compute/role").ref("arn")})


def test_functions_are_created_after_their_role_may_create_network_interfaces(iac_stack, node):
    iac_stack.all_resources(
        "aws_lambda_function",
        {
            "depends_on": Match.array_with(
                [node("compute/vpc-access").address, node("compute/data-access").address]
            )
        },
    )


@pytest.mark.parametrize("key", KEYS)
def test_each_function_logs_to_its_own_encrypted_log_group(iac_stack, node, functions, key_arn, key):
    log_group = node(f"compute/{key}-logs")
    iac_stack.has_resource_properties(
        "aws_cloudwatch_log_group",
        {
            "name": f"/aws/lambda/{functions[key]['function_name']}",
            "retention_in_days": 30,
            "kms_key_id": key_arn,
        },
    )
    iac_stack.has_resource_properties(
        "aws_lambda_function",
        {
            "function_name": functions[key]["function_name"],
            "logging_config": {"log_format": "JSON", "log_group": log_group.ref("name")},
        },
    )


def test_api_handler_answers_within_the_http_api_integration_timeout(functions):
    # An HTTP API waits at most 30 s for its Lambda integration.
    assert 0 < functions["validation"]["timeout"] <= 30
