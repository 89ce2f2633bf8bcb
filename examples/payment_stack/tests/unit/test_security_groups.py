"""Security groups: nothing reaches in from the internet; the database only from the Lambdas."""

import pytest

from pytest_iac import Match

pytestmark = pytest.mark.requirement("PAY-003")

INGRESS = "aws_vpc_security_group_ingress_rule"
EGRESS = "aws_vpc_security_group_egress_rule"


@pytest.fixture(scope="module")
def lambda_sg(node):
    return node("network/lambda-sg")


@pytest.fixture(scope="module")
def db_sg(node):
    return node("network/db-sg")


def test_security_groups_live_in_the_vpc_and_keep_rules_as_separate_resources(iac_stack, node):
    iac_stack.resource_count_is("aws_security_group", 2)
    iac_stack.all_resources_properties(
        "aws_security_group",
        {"vpc_id": node("network/vpc").ref("id"), "ingress": Match.absent(), "egress": Match.absent()},
    )


def test_no_ingress_rule_opens_an_address_range(iac_stack):
    iac_stack.all_resources_properties(
        INGRESS, {"cidr_ipv4": Match.absent(), "cidr_ipv6": Match.absent(), "prefix_list_id": Match.absent()}
    )


def test_database_accepts_postgres_from_the_lambda_group_only(iac_stack, lambda_sg, db_sg):
    iac_stack.resource_count_is(INGRESS, 1)
    iac_stack.has_resource_properties(
        INGRESS,
        {
            "security_group_id": db_sg.ref("id"),
            "referenced_security_group_id": lambda_sg.ref("id"),
            "ip_protocol": "tcp",
            "from_port": 5432,
            "to_port": 5432,
        },
    )


def test_lambdas_may_call_https_endpoints(iac_stack, lambda_sg):
    iac_stack.has_resource_properties(
        EGRESS,
        {
            "security_group_id": lambda_sg.ref("id"),
            "ip_protocol": "tcp",
            "from_port": 443,
            "to_port": 443,
            "cidr_ipv4": "0.0.0.0/0",
        },
    )


def test_lambdas_may_reach_the_database_group_on_postgres_only(iac_stack, lambda_sg, db_sg):
    iac_stack.has_resource_properties(
        EGRESS,
        {
            "security_group_id": lambda_sg.ref("id"),
            "referenced_security_group_id": db_sg.ref("id"),
            "from_port": 5432,
            "to_port": 5432,
        },
    )
    iac_stack.resource_properties_count_is(EGRESS, {"security_group_id": lambda_sg.ref("id")}, 2)


def test_no_rule_allows_all_protocols(iac_stack):
    iac_stack.all_resources_properties(INGRESS, {"ip_protocol": Match.not_("-1")})
    iac_stack.all_resources_properties(EGRESS, {"ip_protocol": Match.not_("-1")})


def test_database_group_has_no_outbound_rules(iac_stack, db_sg):
    iac_stack.resource_properties_count_is(EGRESS, {"security_group_id": db_sg.ref("id")}, 0)
