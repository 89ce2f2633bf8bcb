"""VPC with public, private and database subnets in three AZs, and the stack's security groups."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.eip import Eip
from cdktf_cdktf_provider_aws.internet_gateway import InternetGateway
from cdktf_cdktf_provider_aws.nat_gateway import NatGateway
from cdktf_cdktf_provider_aws.route import Route
from cdktf_cdktf_provider_aws.route_table import RouteTable
from cdktf_cdktf_provider_aws.route_table_association import RouteTableAssociation
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.vpc import Vpc
from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

VPC_CIDR = "10.0.0.0/16"
AZ_LETTERS = ("a", "b", "c")
# tier -> third octet of its first /24; each tier gets one /24 per AZ.
TIERS = {"public": 0, "private": 10, "database": 20}
POSTGRES_PORT = 5432


class Network(Construct):
    """Public subnets reach the internet through an internet gateway, private subnets through one
    NAT gateway; database subnets keep the VPC's main route table (local traffic only)."""

    def __init__(self, scope: Construct, construct_id: str, *, suffix: str, region: str) -> None:
        super().__init__(scope, construct_id)
        self.vpc = Vpc(
            self,
            "vpc",
            cidr_block=VPC_CIDR,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={"Name": f"payments-vpc-{suffix}"},
        )
        self.subnets: dict[str, list[Subnet]] = {
            tier: [
                Subnet(
                    self,
                    f"{tier}-{letter}",
                    vpc_id=self.vpc.id,
                    cidr_block=f"10.0.{octet + index}.0/24",
                    availability_zone=f"{region}{letter}",
                    tags={"Name": f"payments-{tier}-{letter}-{suffix}", "Tier": tier},
                )
                for index, letter in enumerate(AZ_LETTERS)
            ]
            for tier, octet in TIERS.items()
        }
        igw = InternetGateway(self, "igw", vpc_id=self.vpc.id, tags={"Name": f"payments-igw-{suffix}"})
        nat_ip = Eip(self, "nat-ip", domain="vpc", depends_on=[igw], tags={"Name": f"payments-nat-{suffix}"})
        nat = NatGateway(
            self,
            "nat",
            allocation_id=nat_ip.id,
            subnet_id=self.subnets["public"][0].id,
            depends_on=[igw],
            tags={"Name": f"payments-nat-{suffix}"},
        )
        self._route_tier("public", suffix, gateway_id=igw.id)
        self._route_tier("private", suffix, nat_gateway_id=nat.id)
        self._security_groups(suffix)

    def _route_tier(self, tier: str, suffix: str, **target: str) -> None:
        table = RouteTable(
            self, f"{tier}-rt", vpc_id=self.vpc.id, tags={"Name": f"payments-{tier}-rt-{suffix}"}
        )
        Route(
            self,
            f"{tier}-default-route",
            route_table_id=table.id,
            destination_cidr_block="0.0.0.0/0",
            **target,
        )
        for letter, subnet in zip(AZ_LETTERS, self.subnets[tier]):
            RouteTableAssociation(self, f"{tier}-rta-{letter}", subnet_id=subnet.id, route_table_id=table.id)

    def _security_groups(self, suffix: str) -> None:
        self.lambda_sg = SecurityGroup(
            self,
            "lambda-sg",
            name=f"payments-lambda-{suffix}",
            description="Payment Lambdas: HTTPS to AWS APIs, PostgreSQL to the ledger",
            vpc_id=self.vpc.id,
            tags={"Name": f"payments-lambda-{suffix}"},
        )
        self.db_sg = SecurityGroup(
            self,
            "db-sg",
            name=f"payments-db-{suffix}",
            description="Ledger database: PostgreSQL from the payment Lambdas only",
            vpc_id=self.vpc.id,
            tags={"Name": f"payments-db-{suffix}"},
        )
        VpcSecurityGroupEgressRule(
            self,
            "lambda-https-out",
            security_group_id=self.lambda_sg.id,
            description="HTTPS to AWS service endpoints",
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4="0.0.0.0/0",
            tags={"Name": f"payments-lambda-https-{suffix}"},
        )
        VpcSecurityGroupEgressRule(
            self,
            "lambda-db-out",
            security_group_id=self.lambda_sg.id,
            description="PostgreSQL to the ledger database",
            ip_protocol="tcp",
            from_port=POSTGRES_PORT,
            to_port=POSTGRES_PORT,
            referenced_security_group_id=self.db_sg.id,
            tags={"Name": f"payments-lambda-db-{suffix}"},
        )
        VpcSecurityGroupIngressRule(
            self,
            "db-from-lambda",
            security_group_id=self.db_sg.id,
            description="PostgreSQL from the payment Lambdas",
            ip_protocol="tcp",
            from_port=POSTGRES_PORT,
            to_port=POSTGRES_PORT,
            referenced_security_group_id=self.lambda_sg.id,
            tags={"Name": f"payments-db-ingress-{suffix}"},
        )
