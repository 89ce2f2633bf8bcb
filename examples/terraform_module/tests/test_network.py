import pytest


@pytest.mark.requirement("ORD-001")
def test_vpc_has_dns_and_the_module_cidr(iac_stack):
    iac_stack.has_resource_properties("aws_vpc", {
        "cidr_block": "10.20.0.0/16", "enable_dns_support": True, "enable_dns_hostnames": True,
        "tags": {"Name": "orders-test"},
    })


@pytest.mark.requirement("ORD-001")
def test_one_private_subnet_per_zone(iac_stack):
    iac_stack.resource_count_is("aws_subnet", 3)
    zones = [iac_stack.resource(f"aws_subnet.private[{i}]")["availability_zone"] for i in range(3)]
    assert zones == ["us-east-1a", "us-east-1b", "us-east-1c"]
    iac_stack.all_resources_properties("aws_subnet", {"map_public_ip_on_launch": False})
    assert iac_stack.references_from("aws_subnet.private[2]") == ["aws_vpc.main"]
