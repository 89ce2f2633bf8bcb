"""The parts of AWS CDK's ``Template`` the query API adds for parity: ``to_json``,
``from_json`` (text or object) and ``template_matches`` (``from_stack`` needs cdktf: see
test_snapshot_synth.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_iac import Match, Template

STACK = Path(__file__).parent / "data" / "small_stack.tf.json"


@pytest.fixture
def examined() -> list[str]:
    return []


@pytest.fixture
def template(examined: list[str]) -> Template:
    return Template.from_json(STACK.read_text(), on_examine=examined.append)


def test_from_json_takes_text_or_an_object_and_the_stack_name_from_metadata() -> None:
    text = STACK.read_text()
    from_text, from_object = Template.from_json(text), Template.from_json(Template.from_file(STACK).to_json())
    assert from_text.stack_name == from_object.stack_name == "payments"
    assert from_text.to_json() == from_object.to_json() == Template.from_file(STACK).raw
    assert Template.from_json({"resource": {}}, stack_name="x").stack_name == "x"
    with pytest.raises(ValueError):
        Template.from_json("{not json")


def test_to_json_is_a_copy_and_reads_nothing(template: Template, examined: list[str]) -> None:
    config = template.to_json()
    config["resource"]["aws_vpc"]["vpc"]["cidr_block"] = "0.0.0.0/0"
    assert template.to_json()["resource"]["aws_vpc"]["vpc"]["cidr_block"] == "10.0.0.0/16"
    assert examined == []


def test_template_matches_partially_and_records_the_resources_it_names(template: Template,
                                                                       examined: list[str]) -> None:
    template.template_matches({"resource": {"aws_vpc": {"vpc": {"cidr_block": "10.0.0.0/16"}}},
                               "terraform": {"backend": {"s3": Match.any_value()}}})
    assert examined == ["aws_vpc.vpc"]
    template.template_matches(Match.object_like({"data": Match.object_like({
        "aws_availability_zones": {"azs": {"state": "available"}}})}))
    assert examined == ["aws_vpc.vpc", "data.aws_availability_zones.azs"]


def test_template_matches_failure_names_the_path(template: Template, examined: list[str]) -> None:
    with pytest.raises(AssertionError) as excinfo:
        template.template_matches({"resource": {"aws_vpc": {"vpc": {"cidr_block": "10.9.0.0/16"}}}})
    assert str(excinfo.value).splitlines() == [
        "Template 'payments' does not match the expected pattern.",
        'Expected (object_like): {"resource": {"aws_vpc": {"vpc": {"cidr_block": "10.9.0.0/16"}}}}',
        '  at /resource/aws_vpc/vpc/cidr_block: expected "10.9.0.0/16", got "10.0.0.0/16"',
    ]
    with pytest.raises(AssertionError, match="at /output: unexpected key"):
        Template.from_json({"output": {}}).template_matches(Match.object_equals({}))
    assert examined == []
