"""The VPC and its nine subnets."""

import ipaddress

import pytest

from pytest_iac import Match

pytestmark = pytest.mark.network

TIERS = ("public", "private", "database")


def test_vpc_has_cidr_and_dns(iac_stack):
    iac_stack.has_resource_properties(
        "aws_vpc", {"cidr_block": "10.0.0.0/16", "enable_dns_hostnames": True, "enable_dns_support": True}
    )


def test_there_is_one_vpc_and_nine_subnets(iac_stack):
    iac_stack.resource_count_is("aws_vpc", 1)
    iac_stack.resource_count_is("aws_subnet", 9)


@pytest.mark.parametrize("tier", TIERS)
def test_each_tier_has_three_subnets(iac_stack, tier):
    iac_stack.resource_properties_count_is("aws_subnet", {"tags": {"Tier": tier}}, 3)


@pytest.mark.parametrize("tier", TIERS)
def test_each_tier_spans_three_availability_zones(subnets, region, tier):
    zones = [subnet["availability_zone"] for subnet in subnets[tier]]
    assert zones == [f"{region}a", f"{region}b", f"{region}c"]


def test_all_subnets_belong_to_the_vpc(iac_stack, node):
    iac_stack.all_resources_properties("aws_subnet", {"vpc_id": node("network/vpc").ref("id")})


def test_subnet_ranges_lie_inside_the_vpc_and_do_not_overlap(iac_stack):
    vpc = ipaddress.ip_network("10.0.0.0/16")
    ranges = [ipaddress.ip_network(s["cidr_block"]) for s in iac_stack.resources("aws_subnet")]
    assert all(r.subnet_of(vpc) for r in ranges)
    assert not [(a, b) for i, a in enumerate(ranges) for b in ranges[i + 1:] if a.overlaps(b)]


def test_no_subnet_gives_instances_public_addresses(iac_stack):
    iac_stack.all_resources_properties("aws_subnet", {"map_public_ip_on_launch": Match.not_(True)})
