"""Routing: public subnets via the internet gateway, private via NAT, database subnets isolated."""

import pytest

pytestmark = pytest.mark.routing


@pytest.fixture(scope="module")
def igw(node):
    return node("network/igw")


def test_internet_gateway_is_attached_to_the_vpc(iac_stack, node):
    iac_stack.has_resource_properties("aws_internet_gateway", {"vpc_id": node("network/vpc").ref("id")})


def test_one_public_and_one_private_route_table_in_the_vpc(iac_stack, node):
    iac_stack.resource_count_is("aws_route_table", 2)
    iac_stack.all_resources_properties("aws_route_table", {"vpc_id": node("network/vpc").ref("id")})


def test_public_default_route_goes_to_the_internet_gateway(iac_stack, node, igw):
    iac_stack.has_resource_properties(
        "aws_route",
        {
            "route_table_id": node("network/public-rt").ref("id"),
            "destination_cidr_block": "0.0.0.0/0",
            "gateway_id": igw.ref("id"),
        },
    )


def test_private_default_route_goes_through_the_nat_gateway(iac_stack, node):
    iac_stack.has_resource_properties(
        "aws_route",
        {
            "route_table_id": node("network/private-rt").ref("id"),
            "destination_cidr_block": "0.0.0.0/0",
            "nat_gateway_id": node("network/nat").ref("id"),
        },
    )


def test_nat_gateway_sits_in_a_public_subnet_with_an_elastic_ip(iac_stack, node, subnets, igw):
    iac_stack.has_resource(
        "aws_nat_gateway",
        {
            "allocation_id": node("network/nat-ip").ref("id"),
            "subnet_id": subnets["public"][0].ref("id"),
            "depends_on": [igw.address],
        },
    )


def test_elastic_ip_is_for_the_vpc_and_waits_for_the_internet_gateway(iac_stack, igw):
    iac_stack.has_resource("aws_eip", {"domain": "vpc", "depends_on": [igw.address]})


def test_only_the_public_route_and_the_nat_path_use_the_internet_gateway(iac_stack, node, igw):
    assert iac_stack.references_to(igw.address) == sorted(
        [node("network/public-default-route").address, node("network/nat-ip").address, node("network/nat").address]
    )


@pytest.mark.parametrize("tier", ["public", "private"])
def test_subnets_use_their_tier_route_table(iac_stack, node, subnets, tier):
    table = node(f"network/{tier}-rt").ref("id")
    for subnet in subnets[tier]:
        iac_stack.resource_properties_count_is(
            "aws_route_table_association", {"subnet_id": subnet.ref("id"), "route_table_id": table}, 1
        )


def test_database_subnets_keep_the_local_only_main_route_table(iac_stack, subnets):
    iac_stack.resource_count_is("aws_route_table_association", 6)
    for subnet in subnets["database"]:
        iac_stack.resource_properties_count_is("aws_route_table_association", {"subnet_id": subnet.ref("id")}, 0)
