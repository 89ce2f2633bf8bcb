"""Template and ResourceView over a hand-written but cdktf-faithful ``cdk.tf.json``."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pytest_iac import Capture, Match, Matcher, ResourceView, Template
from pytest_iac.assertions.index import Index
from pytest_iac.assertions.result import MatchResult

DATA = Path(__file__).parent / "data"
STACK = DATA / "small_stack.tf.json"
BUCKET_DATA = "aws_s3_bucket.storage_data_1C2D3E4F"
BUCKET_LOGS = "aws_s3_bucket.storage_logs_6F1A2B3C"
POLICY_DOC = "data.aws_iam_policy_document.storage_bucket-policy_5B9F0A12"


@pytest.fixture
def examined() -> list[str]:
    return []


@pytest.fixture
def template(examined: list[str]) -> Template:
    return Template.from_file(STACK, on_examine=examined.append)


def message(excinfo: pytest.ExceptionInfo[AssertionError]) -> str:
    return str(excinfo.value)


def tiny(**sections: Any) -> Template:
    return Template(sections, stack_name="tiny")


# -- loading ------------------------------------------------------------------------------


def test_from_file_takes_the_stack_name_from_metadata(template: Template) -> None:
    assert template.stack_name == "payments"
    assert Template.from_file(STACK, stack_name="other").stack_name == "other"
    assert "payments" in repr(template) and "13 resources" in repr(template)


def test_from_file_accepts_a_stack_directory(tmp_path: Path) -> None:
    stack_dir = tmp_path / "stacks" / "billing"
    stack_dir.mkdir(parents=True)
    (stack_dir / "cdk.tf.json").write_text(json.dumps({"resource": {"aws_vpc": {"v": {}}}}), encoding="utf-8")
    loaded = Template.from_file(stack_dir)
    assert loaded.stack_name == "billing"
    assert loaded.resource_addresses == ["aws_vpc.v"]


def test_defaults_and_bad_input() -> None:
    empty = Template({})
    assert empty.stack_name == "stack" and empty.on_examine is None
    assert empty.resource_types == [] and empty.backend is None and empty.find_outputs() == {}
    with pytest.raises(TypeError, match="Terraform JSON object"):
        Template([])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="resource.aws_vpc.v is not a JSON object"):
        Template({"resource": {"aws_vpc": {"v": "nope"}}})


def test_raw_is_a_copy_and_the_template_copies_its_input() -> None:
    config = {"resource": {"aws_vpc": {"v": {"cidr_block": "10.0.0.0/16"}}}}
    template = Template(config)
    config["resource"]["aws_vpc"]["v"]["cidr_block"] = "changed"
    raw = template.raw
    raw["resource"]["aws_vpc"]["v"]["cidr_block"] = "changed too"
    assert template.resource("aws_vpc.v")["cidr_block"] == "10.0.0.0/16"
    assert template.raw["resource"]["aws_vpc"]["v"]["cidr_block"] == "10.0.0.0/16"


# -- finding and asserting resources ------------------------------------------------------


def test_find_resources(template: Template) -> None:
    assert list(template.find_resources("aws_subnet")) == [
        "aws_subnet.subnet-private-0", "aws_subnet.subnet-private-1", "aws_subnet.subnet-public-0"]
    public = template.find_resources("aws_subnet", {"map_public_ip_on_launch": True})
    assert list(public) == ["aws_subnet.subnet-public-0"]
    assert isinstance(public["aws_subnet.subnet-public-0"], ResourceView)
    assert template.find_resources("aws_subnet", {"tags": {"Tier": "dmz"}}) == {}
    assert template.find_resources("aws_nothing") == {}


def test_find_resources_ignores_meta_arguments(template: Template) -> None:
    assert template.find_resources("aws_db_instance", {"depends_on": Match.any_value()}) == {}
    assert list(template.find_resources("aws_db_instance", {"depends_on": Match.absent()})) == ["aws_db_instance.db"]


def test_has_resource_properties_passes(template: Template) -> None:
    template.has_resource_properties("aws_vpc", {"cidr_block": "10.0.0.0/16", "tags": {"Name": "pay-vpc-dev"}})
    template.has_resource_properties("aws_security_group", {
        "vpc_id": "${aws_vpc.vpc.id}",
        "ingress": Match.array_with([{"from_port": 443, "cidr_blocks": ["10.0.0.0/8"]}]),
    })
    template.has_resource_properties("aws_iam_role", {
        "assume_role_policy": Match.serialized_json(
            {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]}),
    })


def test_has_resource_properties_failure_names_the_closest_candidate(template: Template) -> None:
    with pytest.raises(AssertionError) as excinfo:
        template.has_resource_properties("aws_s3_bucket", {"bucket": "payments-logs", "force_destroy": True})
    assert message(excinfo).splitlines() == [
        "Template has 2 resources of type aws_s3_bucket, but none match the expected properties.",
        'Expected (object_like): {"bucket": "payments-logs", "force_destroy": true}',
        f"Closest candidate: {BUCKET_LOGS} (payments/storage/logs)",
        '  at /bucket: expected "payments-logs", got "payments-logs-dev"',
        f"Other candidates: {BUCKET_DATA} (2 differences)",
    ]


def test_failure_shows_missing_keys_and_matcher_names(template: Template) -> None:
    with pytest.raises(AssertionError) as excinfo:
        template.has_resource_properties("aws_s3_bucket", {
            "bucket": Match.string_like_regexp("^billing-"), "force_destroy": False})
    text = message(excinfo)
    assert 'Expected (object_like): {"bucket": <string_like_regexp "^billing-">, "force_destroy": false}' in text
    assert ('at /bucket: expected a string matching regexp "^billing-", got "payments-data-dev"'
            " [string_like_regexp]") in text
    assert "at /force_destroy: missing (expected false)" in text


def test_failure_with_a_single_resource_and_a_top_level_matcher(template: Template) -> None:
    with pytest.raises(AssertionError) as excinfo:
        template.has_resource_properties("aws_vpc", Match.object_equals({"cidr_block": "10.0.0.0/16"}))
    text = message(excinfo)
    assert text.startswith("Template has 1 resource of type aws_vpc, but it does not match the expected properties.")
    assert 'Expected (object_equals): {"cidr_block": "10.0.0.0/16"}' in text
    assert "at /enable_dns_hostnames: unexpected key (value true)" in text
    assert "Other candidates" not in text


def test_many_candidates_are_listed_briefly() -> None:
    buckets = {f"b{i}": {"bucket": f"b-{i}", "acl": "private", "extra": i} for i in range(7)}
    with pytest.raises(AssertionError) as excinfo:
        Template({"resource": {"aws_s3_bucket": buckets}}).has_resource_properties(
            "aws_s3_bucket", {"bucket": "b-0", "acl": "public-read", "extra": 0})
    assert "Closest candidate: aws_s3_bucket.b0\n" in message(excinfo)
    assert re.search(r"Other candidates: aws_s3_bucket\.b1 \(3 differences\), .*, and 2 more$", message(excinfo))


def test_unknown_type_lists_the_closest_types(template: Template) -> None:
    with pytest.raises(AssertionError) as excinfo:
        template.has_resource_properties("aws_s3_buckett", {"bucket": "x"})
    assert message(excinfo).splitlines() == [
        "Template has no resources of type aws_s3_buckett.",
        "Closest types: aws_s3_bucket, aws_s3_bucket_policy, aws_s3_bucket_versioning",
    ]


def test_unknown_type_with_nothing_close_lists_existing_types() -> None:
    with pytest.raises(AssertionError, match=r"no resources of type google_x\.\nExisting types: aws_vpc$"):
        tiny(resource={"aws_vpc": {"v": {}}}).has_resource_properties("google_x", {})
    with pytest.raises(AssertionError, match="There are no types at all"):
        tiny().has_resource("aws_vpc", {})


def test_has_resource_sees_meta_arguments(template: Template) -> None:
    template.has_resource("aws_db_instance", {
        "depends_on": ["aws_kms_key.key"], "lifecycle": {"prevent_destroy": True}, "engine": "postgres"})
    with pytest.raises(AssertionError) as excinfo:
        template.has_resource_properties("aws_db_instance", {"depends_on": ["aws_kms_key.key"]})
    assert "at /depends_on: missing (expected [\"aws_kms_key.key\"])" in message(excinfo)
    with pytest.raises(AssertionError, match="none match|does not match the expected definition"):
        template.has_resource("aws_db_instance", {"lifecycle": {"prevent_destroy": False}})


def test_resource_count_is(template: Template) -> None:
    template.resource_count_is("aws_subnet", 3)
    template.resource_count_is("aws_lb", 0)
    with pytest.raises(AssertionError) as excinfo:
        template.resource_count_is("aws_subnet", 2)
    assert message(excinfo) == ("Expected 2 resources of type aws_subnet, found 3: aws_subnet.subnet-private-0, "
                                "aws_subnet.subnet-private-1, aws_subnet.subnet-public-0")
    with pytest.raises(AssertionError, match=r"Expected 1 resource of type aws_vpcs, found 0\.\nClosest types: aws_vpc"):
        template.resource_count_is("aws_vpcs", 1)


def test_resource_properties_count_is(template: Template) -> None:
    template.resource_properties_count_is("aws_subnet", {"tags": {"Tier": "private"}}, 2)
    template.resource_properties_count_is("aws_subnet", {"tags": {"Tier": "dmz"}}, 0)
    with pytest.raises(AssertionError) as excinfo:
        template.resource_properties_count_is("aws_subnet", {"map_public_ip_on_launch": True}, 2)
    text = message(excinfo)
    assert text.startswith("Expected 2 resources of type aws_subnet matching the expected properties, "
                           "found 1: aws_subnet.subnet-public-0\n")
    assert "Closest candidate: aws_subnet.subnet-private-0 (payments/subnet-private-0)" in text
    assert "at /map_public_ip_on_launch: expected true, got false" in text
    with pytest.raises(AssertionError) as excinfo:
        template.resource_properties_count_is("aws_subnet", {"map_public_ip_on_launch": False}, 1)
    assert "found 2: aws_subnet.subnet-private-0, aws_subnet.subnet-private-1" in message(excinfo)
    assert "Closest candidate" not in message(excinfo)
    with pytest.raises(AssertionError, match="found 0.\nExpected .*\nClosest types: aws_subnet"):
        template.resource_properties_count_is("aws_subnets", {}, 1)


def test_all_resources_properties(template: Template) -> None:
    template.all_resources_properties("aws_subnet", {
        "vpc_id": "${aws_vpc.vpc.id}", "tags": {"Name": Match.any_value()}})
    with pytest.raises(AssertionError) as excinfo:
        template.all_resources_properties("aws_subnet", {"map_public_ip_on_launch": False})
    assert message(excinfo).splitlines() == [
        "1 of 3 resources of type aws_subnet do not match the expected properties.",
        'Expected (object_like): {"map_public_ip_on_launch": false}',
        "aws_subnet.subnet-public-0 (payments/subnet-public-0):",
        "  at /map_public_ip_on_launch: expected false, got true",
    ]
    with pytest.raises(AssertionError, match="no resources of type aws_lb"):
        template.all_resources_properties("aws_lb", {})


def test_all_resources_lists_at_most_three_failures() -> None:
    buckets = {f"b{i}": {"acl": "public-read"} for i in range(5)}
    with pytest.raises(AssertionError) as excinfo:
        Template({"resource": {"aws_s3_bucket": buckets}}).all_resources_properties(
            "aws_s3_bucket", {"acl": "private"})
    assert message(excinfo).startswith("5 of 5 resources")
    assert message(excinfo).endswith("... and 2 more: aws_s3_bucket.b3, aws_s3_bucket.b4")


def test_all_resources_includes_meta_arguments(template: Template) -> None:
    template.all_resources("aws_db_instance", {"lifecycle": {"prevent_destroy": True}})
    with pytest.raises(AssertionError, match="do not match the expected definition"):
        template.all_resources("aws_subnet", {"depends_on": Match.any_value()})


# -- addressing ---------------------------------------------------------------------------


def test_resource_by_address(template: Template) -> None:
    vpc = template.resource("aws_vpc.vpc")
    assert (vpc.address, vpc.type, vpc.name, vpc.is_data) == ("aws_vpc.vpc", "aws_vpc", "vpc", False)
    assert (vpc.path, vpc.unique_id) == ("payments/vpc", "vpc")
    azs = template.resource("data.aws_availability_zones.azs")
    assert azs.is_data and azs.type == "aws_availability_zones" and azs.name == "azs"


def test_missing_address_suggests_the_closest(template: Template) -> None:
    with pytest.raises(AssertionError) as excinfo:
        template.resource("aws_vpc.vcp")
    assert message(excinfo) == "Template has no resource aws_vpc.vcp.\nClosest addresses: aws_vpc.vpc"


def test_resource_by_construct_path(template: Template) -> None:
    assert template.resource_by_path("payments/storage/logs").address == BUCKET_LOGS
    assert template.resource_by_path("storage/logs").address == BUCKET_LOGS
    assert template.resource_by_path("vpc").address == "aws_vpc.vpc"
    assert template.resource_by_path("azs").address == "data.aws_availability_zones.azs"
    with pytest.raises(AssertionError) as excinfo:
        template.resource_by_path("storage/log")
    assert message(excinfo).splitlines() == [
        "Template has no construct at path 'storage/log'.",
        "Closest paths: payments/storage/logs, payments/storage/data",
    ]


def test_resources_types_and_addresses(template: Template) -> None:
    assert [v.address for v in template.resources("aws_s3_bucket")] == [BUCKET_DATA, BUCKET_LOGS]
    assert len(template.resources()) == 13
    assert template.resource_types == sorted(template.resource_types)
    assert "aws_availability_zones" not in template.resource_types
    assert len(template.resource_addresses) == 13
    assert not any(a.startswith("data.") for a in template.resource_addresses)


# -- ResourceView -------------------------------------------------------------------------


def test_view_is_a_mapping_of_arguments_only(template: Template) -> None:
    db = template.resource("aws_db_instance.db")
    assert "depends_on" not in db and "//" not in db and "lifecycle" not in db
    assert "engine" in db and db["engine"] == "postgres"
    assert set(db) == set(db.keys())
    assert len(db) == 13
    assert db.get("missing") is None
    assert db.depends_on == ["aws_kms_key.key"]
    assert db.lifecycle == {"ignore_changes": ["password"], "prevent_destroy": True}
    assert db.body["//"]["metadata"]["uniqueId"] == "db"
    assert dict(template.resource("aws_kms_key.key")) == {
        "deletion_window_in_days": 7, "description": "payments data key", "enable_key_rotation": True}


def test_view_is_read_only_and_hands_out_copies(template: Template) -> None:
    vpc = template.resource("aws_vpc.vpc")
    with pytest.raises(TypeError):
        vpc["cidr_block"] = "x"  # type: ignore[index]
    vpc["tags"]["Name"] = "changed"
    vpc.body["tags"]["Name"] = "changed"
    list(vpc.values())[0] = "x"
    assert template.resource("aws_vpc.vpc")["tags"] == {"Name": "pay-vpc-dev"}


def test_view_ref_builds_terraform_references(template: Template) -> None:
    vpc = template.resource("aws_vpc.vpc")
    assert vpc.ref("id") == "${aws_vpc.vpc.id}"
    azs = template.resource("data.aws_availability_zones.azs")
    assert azs.ref("names") == "${data.aws_availability_zones.azs.names}"
    template.all_resources_properties("aws_subnet", {"vpc_id": vpc.ref("id")})
    assert "aws_vpc.vpc" in repr(vpc) and "payments/vpc" in repr(vpc)


def test_views_compare_like_dicts(template: Template) -> None:
    assert template.resource("aws_kms_key.key") == {
        "deletion_window_in_days": 7, "description": "payments data key", "enable_key_rotation": True}


# -- on_examine ---------------------------------------------------------------------------


def test_listing_counting_and_existence_do_not_record(template: Template, examined: list[str]) -> None:
    views = template.find_resources("aws_subnet", {"map_public_ip_on_launch": False})
    template.find_data_sources("aws_availability_zones")
    template.resource_count_is("aws_subnet", 3)
    vpc = template.resource("aws_vpc.vpc")
    _ = (len(vpc), "cidr_block" in vpc, list(vpc), list(vpc.keys()), vpc.ref("id"), repr(vpc), vpc.path)
    _ = (template.resource_types, template.resource_addresses, template.resources(), views)
    template.resource_by_path("vpc")
    template.references_to("aws_vpc.vpc")
    template.has_output("vpc_id")
    template.has_provider("aws")
    template.has_backend("s3")
    assert examined == []


def test_has_resource_properties_records_every_match(template: Template, examined: list[str]) -> None:
    template.has_resource_properties("aws_subnet", {"tags": {"Tier": "private"}})
    assert examined == ["aws_subnet.subnet-private-0", "aws_subnet.subnet-private-1"]
    examined.clear()
    template.has_resource("aws_db_instance", {"depends_on": Match.any_value()})
    assert examined == ["aws_db_instance.db"]


def test_failed_has_records_nothing(template: Template, examined: list[str]) -> None:
    with pytest.raises(AssertionError):
        template.has_resource_properties("aws_subnet", {"tags": {"Tier": "dmz"}})
    assert examined == []


def test_all_resources_records_everything_checked(template: Template, examined: list[str]) -> None:
    with pytest.raises(AssertionError):
        template.all_resources_properties("aws_subnet", {"map_public_ip_on_launch": False})
    assert examined == ["aws_subnet.subnet-private-0", "aws_subnet.subnet-private-1", "aws_subnet.subnet-public-0"]
    examined.clear()
    template.all_resources("aws_vpc", {"cidr_block": "10.0.0.0/16"})
    assert examined == ["aws_vpc.vpc"]
    examined.clear()
    template.all_resources("aws_vpc", {})
    assert examined == [], "an empty pattern examines no property, so no resource"


def test_count_with_properties_records_matches(template: Template, examined: list[str]) -> None:
    template.resource_properties_count_is("aws_subnet", {"map_public_ip_on_launch": True}, 1)
    assert examined == ["aws_subnet.subnet-public-0"]


def test_has_data_source_records_data_addresses(template: Template, examined: list[str]) -> None:
    template.has_data_source("aws_availability_zones", {"state": "available"})
    assert examined == ["data.aws_availability_zones.azs"]


@pytest.mark.parametrize(
    "read",
    [lambda v: v["cidr_block"], lambda v: v.get("cidr_block"), lambda v: v.get("nope"), lambda v: v.items(),
     lambda v: v.values(), lambda v: v.body, lambda v: v.depends_on, lambda v: v.lifecycle, lambda v: dict(v)],
    ids=["getitem", "get", "get-missing", "items", "values", "body", "depends_on", "lifecycle", "dict"],
)
def test_reading_a_value_records(template: Template, examined: list[str], read: Any) -> None:
    read(template.resource("aws_vpc.vpc"))
    assert set(examined) == {"aws_vpc.vpc"}


def test_on_examine_is_looked_up_at_call_time(template: Template, examined: list[str]) -> None:
    vpc = template.resource("aws_vpc.vpc")
    later: list[str] = []
    template.on_examine = later.append
    _ = vpc["cidr_block"]
    template.has_resource_properties("aws_kms_key", {"enable_key_rotation": True})
    template.on_examine = None
    _ = vpc["tags"]
    template.has_resource_properties("aws_vpc", {})
    assert examined == [] and later == ["aws_vpc.vpc", "aws_kms_key.key"]


# -- masking & determinism ----------------------------------------------------------------


def test_sensitive_values_never_appear_in_failures(template: Template) -> None:
    with pytest.raises(AssertionError) as excinfo:
        template.has_resource_properties("aws_db_instance", {"password": "guess", "engine": "mysql"})
    text = message(excinfo)
    assert "hunter2" not in text and "guess" not in text
    assert 'Expected (object_like): {"password": "***", "engine": "mysql"}' in text
    assert 'at /password: expected "***", got "***"' in text
    assert 'at /engine: expected "mysql", got "postgres"' in text


def test_sensitive_values_nested_in_shown_bodies_are_masked() -> None:
    template = tiny(resource={"aws_db_instance": {"db": {"engine": "postgres", "master_password": "hunter2"}}})
    with pytest.raises(AssertionError) as excinfo:
        template.has_resource_properties("aws_db_instance", Match.not_({"engine": "postgres"}))
    assert '"master_password": "***"' in message(excinfo) and "hunter2" not in message(excinfo)


def test_failure_messages_are_deterministic() -> None:
    def failure() -> str:
        with pytest.raises(AssertionError) as excinfo:
            Template.from_file(STACK).has_resource_properties(
                "aws_security_group", {"ingress": Match.array_with([{"from_port": 22}]), "name": "x"})
        return message(excinfo)

    assert failure() == failure()
    assert "at /ingress/0/from_port: expected 22, got 5432 [array_with]" in failure()


# -- data sources -------------------------------------------------------------------------


def test_find_data_sources(template: Template) -> None:
    assert list(template.find_data_sources("aws_availability_zones")) == ["data.aws_availability_zones.azs"]
    assert template.find_data_sources("aws_availability_zones", {"state": "unavailable"}) == {}
    assert template.find_data_sources("aws_vpc") == {}


def test_has_data_source(template: Template) -> None:
    template.has_data_source("aws_iam_policy_document", {
        "statement": Match.array_with([{"effect": "Deny", "condition": [{"variable": "aws:SecureTransport"}]}])})
    with pytest.raises(AssertionError) as excinfo:
        template.has_data_source("aws_iam_policy_document", {"statement": [{"effect": "Allow"}]})
    text = message(excinfo)
    assert text.startswith("Template has 1 data source of type aws_iam_policy_document, but it does not match")
    assert f"Closest candidate: {POLICY_DOC} (payments/storage/bucket-policy)" in text
    assert 'at /statement/0/effect: expected "Allow", got "Deny"' in text
    with pytest.raises(AssertionError, match=r"no data sources of type aws_availability_zone\.\nClosest types"):
        template.has_data_source("aws_availability_zone", {})


# -- outputs, providers, backend ----------------------------------------------------------


def test_find_outputs(template: Template) -> None:
    assert list(template.find_outputs()) == ["db_endpoint", "db_password", "vpc_id"]
    assert list(template.find_outputs("db_*")) == ["db_endpoint", "db_password"]
    assert template.find_outputs("vpc_id") == {
        "vpc_id": {"description": "ID of the payments VPC", "value": "${aws_vpc.vpc.id}"}}
    assert list(template.find_outputs(props={"sensitive": True})) == ["db_password"]


def test_has_output(template: Template) -> None:
    template.has_output("vpc_id")
    template.has_output("vpc_id", {"value": template.resource("aws_vpc.vpc").ref("id")})
    template.has_output("db_*", {"value": Match.string_like_regexp("endpoint")})
    with pytest.raises(AssertionError) as excinfo:
        template.has_output("vpc_id", {"value": "${aws_vpc.other.id}"})
    assert message(excinfo).splitlines() == [
        "Template has 1 output matching 'vpc_id', but none match the expected properties.",
        'Expected (object_like): {"value": "${aws_vpc.other.id}"}',
        "Closest candidate: vpc_id",
        '  at /value: expected "${aws_vpc.other.id}", got "${aws_vpc.vpc.id}"',
    ]
    with pytest.raises(AssertionError, match=r"no output matching 'vpcid'\.\nClosest outputs: vpc_id"):
        template.has_output("vpcid")


def test_sensitive_output_values_are_masked(template: Template) -> None:
    with pytest.raises(AssertionError) as excinfo:
        template.has_output("db_password", {"value": "plain"})
    assert 'at /value: expected "***", got "***"' in message(excinfo)
    assert "aws_db_instance.db.password" not in message(excinfo)


def test_find_providers(template: Template) -> None:
    providers = template.find_providers()
    assert list(providers) == ["aws"] and len(providers["aws"]) == 2
    assert template.find_providers("aws")["aws"][1] == {"alias": "replica", "region": "us-west-2"}
    assert template.find_providers("google") == {}
    assert tiny(provider={"aws": {"region": "x"}}).find_providers() == {"aws": [{"region": "x"}]}


def test_has_provider(template: Template) -> None:
    template.has_provider("aws")
    template.has_provider("aws", {"alias": "replica", "region": "us-west-2"})
    template.has_provider("aws", {"default_tags": [{"tags": {"ManagedBy": "cdktf"}}]})
    with pytest.raises(AssertionError) as excinfo:
        template.has_provider("aws", {"region": "eu-west-1"})
    assert message(excinfo).splitlines() == [
        "Template has 2 configurations of provider 'aws', but none match the expected properties.",
        'Expected (object_like): {"region": "eu-west-1"}',
        "Closest candidate: provider aws [0]",
        '  at /region: expected "eu-west-1", got "us-east-1"',
        "Other candidates: provider aws (alias replica) (1 difference)",
    ]
    with pytest.raises(AssertionError, match=r"no provider 'awz'\.\nClosest providers: aws"):
        template.has_provider("awz")


def test_provider_credentials_are_masked() -> None:
    config = {"region": "us-east-1", "access_key": "AKIAEXAMPLE", "secret_key": "s3cr3t"}
    template = tiny(provider={"aws": [config]})
    with pytest.raises(AssertionError) as excinfo:
        template.has_provider("aws", {"access_key": "other", "region": "x"})
    assert "AKIAEXAMPLE" not in message(excinfo) and "s3cr3t" not in message(excinfo)
    assert 'at /access_key: expected "***", got "***"' in message(excinfo)


def test_backend(template: Template) -> None:
    assert template.backend == ("s3", {"bucket": "payments-tfstate", "encrypt": True, "key": "payments/dev.tfstate",
                                       "region": "us-east-1", "use_lockfile": True})
    assert tiny(terraform={"cloud": {"organization": "acme"}}).backend == ("cloud", {"organization": "acme"})
    assert tiny(terraform={"required_providers": {}}).backend is None


def test_has_backend(template: Template) -> None:
    template.has_backend("s3")
    template.has_backend("s3", {"encrypt": True, "use_lockfile": True})
    with pytest.raises(AssertionError) as excinfo:
        template.has_backend("s3", {"encrypt": False})
    assert message(excinfo).splitlines() == [
        "Backend 's3' does not match the expected properties.",
        'Expected (object_like): {"encrypt": false}',
        "  at /encrypt: expected false, got true",
    ]
    with pytest.raises(AssertionError, match="uses backend 's3', expected 'gcs'"):
        template.has_backend("gcs")
    with pytest.raises(AssertionError, match="no backend configured .* local state"):
        tiny().has_backend("s3")


def test_backend_secrets_are_masked() -> None:
    template = tiny(terraform={"backend": {"s3": {"bucket": "b", "secret_key": "s3cr3t"}}})
    with pytest.raises(AssertionError) as excinfo:
        template.has_backend("s3", {"secret_key": "x"})
    assert "s3cr3t" not in message(excinfo) and '"***"' in message(excinfo)


# -- references ---------------------------------------------------------------------------


def test_references_to(template: Template) -> None:
    assert template.references_to("aws_vpc.vpc") == [
        "aws_security_group.db-sg", "aws_subnet.subnet-private-0", "aws_subnet.subnet-private-1",
        "aws_subnet.subnet-public-0"]
    assert template.references_to(BUCKET_DATA) == [
        "aws_s3_bucket_policy.storage_data-policy_8D7E6F5A",
        "aws_s3_bucket_versioning.storage_data-versioning_0A9B8C7D",
        POLICY_DOC]
    assert template.references_to("data.aws_availability_zones.azs") == [
        "aws_subnet.subnet-private-0", "aws_subnet.subnet-private-1"]
    assert template.references_to("aws_kms_key.key") == ["aws_db_instance.db"]
    assert template.references_to("aws_db_instance.db") == []


def test_references_from(template: Template) -> None:
    assert template.references_from("aws_db_instance.db") == [
        "aws_db_subnet_group.db-subnets", "aws_kms_key.key", "aws_security_group.db-sg"]
    assert template.references_from("aws_s3_bucket_policy.storage_data-policy_8D7E6F5A") == [BUCKET_DATA, POLICY_DOC]
    assert template.references_from("aws_subnet.subnet-private-0") == ["aws_vpc.vpc", "data.aws_availability_zones.azs"]
    assert template.references_from("aws_vpc.vpc") == []


def test_reference_scanning_edge_cases() -> None:
    template = tiny(resource={
        "aws_vpc": {"v": {}},
        "aws_subnet": {"s": {"note": "aws_vpc.v is mentioned but not interpolated", "escaped": "$${aws_vpc.v.id}",
                             "other": "${var.x} ${local.aws_vpc} ${module.m.aws_vpc.v}"}},
        "aws_instance": {"i": {"user_data": "#!/bin/sh\necho ${jsonencode({a = aws_vpc.v.id})}",
                               "self": "${aws_instance.i.id}",
                               "//": {"metadata": {"path": "${aws_vpc.v.id}"}}}},
    })
    assert template.references_from("aws_subnet.s") == []
    assert template.references_from("aws_instance.i") == ["aws_vpc.v"]
    with pytest.raises(AssertionError, match="Closest addresses: aws_vpc.v"):
        template.references_to("aws_vpc.w")


# -- captures through the template --------------------------------------------------------


def test_capture_collects_from_every_matching_resource(template: Template) -> None:
    cidr = Capture()
    template.has_resource_properties("aws_subnet", {"cidr_block": cidr, "map_public_ip_on_launch": False})
    assert cidr.values == ["10.0.10.0/24", "10.0.11.0/24"]
    assert cidr.as_string() == "10.0.10.0/24" and cidr.next() and cidr.as_string() == "10.0.11.0/24"


def test_capture_then_assert_on_the_captured_reference(template: Template) -> None:
    group = Capture()
    template.has_resource_properties("aws_db_instance", {"vpc_security_group_ids": [group]})
    template.has_resource_properties("aws_security_group", {"name": "payments-db-dev"})
    assert group.as_string() == template.resource("aws_security_group.db-sg").ref("id")


# -- package ------------------------------------------------------------------------------


def test_package_import_is_lazy() -> None:
    code = ("import sys, pytest_iac; assert 'pytest_iac.assertions.template' not in sys.modules, 1; "
            "assert 'pytest_iac.assertions.matchers' not in sys.modules, 2; pytest_iac.Template; "
            "assert 'pytest_iac.assertions.template' in sys.modules; print(sorted(pytest_iac.__all__))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent)
    assert {"Capture", "Match", "Matcher", "ResourceView", "Template"} <= set(eval(out.stdout))
    import pytest_iac

    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        pytest_iac.Nope  # noqa: B018


# -- indexes and screening agree with testing every resource -------------------------------


def _random_stack(seed: int) -> dict[str, Any]:
    """Resources and data sources over a few types; some construct paths repeat or are missing."""
    rng = random.Random(seed)
    config: dict[str, Any] = {"resource": {}, "data": {}}
    for section, count in (("resource", 300), ("data", 40)):
        for i in range(count):
            rtype = rng.choice(["aws_vpc", "aws_subnet", "aws_s3_bucket", "aws_kms_key", "aws_iam_role"])
            body: dict[str, Any] = {"name": f"n{rng.randrange(20)}", "tags": {"Tier": rng.choice("abc")},
                                    "size": rng.choice([1, 2, True, None]), "depends_on": ["aws_vpc.r0"]}
            if rng.random() < 0.9:
                path = f"{rng.choice(['payments', 'other'])}/{rtype}/{rng.randrange(60)}"
                body["//"] = {"metadata": {"path": path, "uniqueId": f"u{i}"}}
            config[section].setdefault(rtype, {})[f"r{i}"] = body
    return config


def _linear_by_path(config: dict[str, Any], path: str) -> str | None:
    """resource_by_path as a scan over every entry in template order (the last duplicate wins an exact
    path; the first path whose tail matches wins otherwise)."""
    entries = [(f"{prefix}{t}.{n}", b) for section, prefix in (("resource", ""), ("data", "data."))
               for t, named in sorted(config[section].items()) for n, b in sorted(named.items())]
    by_path = {b.get("//", {}).get("metadata", {}).get("path"): a for a, b in entries}
    by_path.pop(None, None)
    path = path.strip("/")
    if path in by_path:
        return by_path[path]
    return next((a for full, a in by_path.items() if full.partition("/")[2] == path), None)


def test_indexes_agree_with_a_linear_scan_on_a_random_stack() -> None:
    config = _random_stack(6)
    template = Template(config)
    index = Index(config)
    for data, section, prefix in ((False, "resource", ""), (True, "data", "data.")):
        types = sorted(config[section])
        assert index.types(data) == types
        for rtype in [*types, "aws_nothing"]:
            expected = [f"{prefix}{rtype}.{n}" for n in sorted(config[section].get(rtype, {}))]
            found = template.find_data_sources(rtype) if data else template.find_resources(rtype)
            assert list(found) == expected
            if not data:
                assert [v.address for v in template.resources(rtype)] == expected
    assert [v.address for v in template.resources()] == template.resource_addresses
    paths = {b["//"]["metadata"]["path"] for s in ("resource", "data") for named in config[s].values()
             for b in named.values() if "//" in b}
    for path in sorted(paths) + [p.partition("/")[2] for p in sorted(paths)] + ["nowhere", "/payments/aws_vpc/1/"]:
        expected = _linear_by_path(config, path)
        if expected is None:
            with pytest.raises(AssertionError, match="no construct at path"):
                template.resource_by_path(path)
        else:
            assert template.resource_by_path(path).address == expected, path


def test_screened_queries_agree_with_testing_every_resource() -> None:
    from pytest_iac.assertions.messages import Candidate, mismatch

    examined: list[str] = []
    template = Template(_random_stack(7), on_examine=examined.append)
    rng = random.Random(7)
    outcomes = set()
    for _ in range(150):
        rtype = rng.choice(["aws_vpc", "aws_subnet", "aws_s3_bucket"])
        props = {"name": f"n{rng.randrange(25)}", "tags": {"Tier": rng.choice("abcd")}}
        if rng.random() < 0.5:
            props["size"] = rng.choice([1, 2, True, Match.absent(), Match.any_value(), Match.not_(1)])
        views = template.resources(rtype)
        root = Match.as_matcher(props)
        results = [(v, root.test(dict(v))) for v in views]
        matching = [v.address for v, r in results if r.is_success]
        examined.clear()
        assert list(template.find_resources(rtype, props)) == matching
        assert examined == []
        try:
            template.has_resource_properties(rtype, props)
            outcomes.add("pass")
            assert examined == matching
        except AssertionError as error:
            outcomes.add("fail")
            assert not matching and examined == []
            header = (f"Template has {len(views)} resources of type {rtype}, "
                      "but none match the expected properties.")
            assert str(error) == str(mismatch(header, root, [Candidate(v.address, r, v.path) for v, r in results]))
    assert outcomes == {"pass", "fail"}


def test_captures_get_one_value_per_matching_resource_from_every_query(template: Template) -> None:
    private = {"map_public_ip_on_launch": False}
    found, has, counted, every = Capture(), Capture(), Capture(), Capture()
    template.find_resources("aws_subnet", {**private, "cidr_block": found})
    template.has_resource_properties("aws_subnet", {**private, "cidr_block": has})
    template.resource_properties_count_is("aws_subnet", {**private, "cidr_block": counted}, 2)
    with pytest.raises(AssertionError, match="1 of 3 resources"):
        template.all_resources_properties("aws_subnet", {**private, "cidr_block": every})
    for cap in (found, has, counted, every):
        assert cap.values == ["10.0.10.0/24", "10.0.11.0/24"]
    missed = Capture()
    with pytest.raises(AssertionError):
        template.has_resource_properties("aws_subnet", {"cidr_block": missed, "tags": {"Tier": "dmz"}})
    assert missed.values == []


def test_a_matcher_gets_a_fresh_top_level_dict(template: Template) -> None:
    class Greedy(Matcher):
        name = "greedy"

        def test(self, actual: Any) -> MatchResult:
            actual.clear()
            return MatchResult(actual, self.name)

    template.has_resource_properties("aws_vpc", Greedy())
    template.has_resource("aws_vpc", Greedy())
    template.has_resource_properties("aws_vpc", Capture(Greedy()))
    with pytest.raises(AssertionError, match="none match|does not match"):
        template.has_resource_properties("aws_vpc", Match.not_(Greedy()))
    assert template.resource("aws_vpc.vpc")["cidr_block"] == "10.0.0.0/16"
    template.has_resource_properties("aws_vpc", {"cidr_block": "10.0.0.0/16"})
    template.has_resource("aws_vpc", {"//": Match.any_value()})
