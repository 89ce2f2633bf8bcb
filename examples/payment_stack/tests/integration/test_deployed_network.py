"""The deployed VPC: 9 subnets, one per tier in each of 3 availability zones."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.requirement("PAY-101")


def test_vpc_is_live_with_dns(aws, outputs):
    ec2 = aws("ec2")
    (vpc,) = ec2.describe_vpcs(VpcIds=[outputs["vpc_id"]])["Vpcs"]
    assert vpc["CidrBlock"] == "10.0.0.0/16"
    for attribute, key in (("enableDnsSupport", "EnableDnsSupport"), ("enableDnsHostnames", "EnableDnsHostnames")):
        answer = ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute=attribute)
        assert answer[key]["Value"] is True, attribute


def test_nine_subnets_in_three_azs(aws, outputs):
    subnets = aws("ec2").describe_subnets(Filters=[{"Name": "vpc-id", "Values": [outputs["vpc_id"]]}])["Subnets"]
    assert len(subnets) == 9
    assert len({s["AvailabilityZone"] for s in subnets}) == 3
    by_id = {s["SubnetId"]: s for s in subnets}
    for tier in ("public", "private", "database"):
        ids = outputs[f"{tier}_subnet_ids"]
        assert len(ids) == 3 and set(ids) <= set(by_id), tier
        assert len({by_id[i]["AvailabilityZone"] for i in ids}) == 3, f"{tier} subnets share an AZ"
