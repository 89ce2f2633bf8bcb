"""The one ``${...}`` scanner and the places that ask it whether a value is a literal."""

from __future__ import annotations

import pytest

from pytest_iac.assertions.template import Template
from pytest_iac.checks._common import literal
from pytest_iac.checks.terraform_checks import backend_findings
from pytest_iac.deploy.lifecycle import _region
from pytest_iac.terraform.expressions import directives, interpolations, is_expression, references, split, unescape


@pytest.mark.parametrize("text, inner", [
    ("${aws_vpc.main.id}", ["aws_vpc.main.id"]),
    ("arn:${var.partition}:s3:::${var.bucket}/*", ["var.partition", "var.bucket"]),
    ("$${not.this}", []),
    ("$${literal} and ${real.one}", ["real.one"]),
    ("$$${x}", []),
    ("${jsonencode({a = {b = 1}})}", ["jsonencode({a = {b = 1}})"]),
    ('${lookup(var.m, "}")} ${b.c}', ['lookup(var.m, "}")', "b.c"]),
    ('${format("%s-${var.x}", "\\"}")}', ['format("%s-${var.x}", "\\"}")']),
    ("${unclosed.ref", ["unclosed.ref"]),
    ("%{ if var.on }on%{ endif }", []),
    ("plain text { with braces }", []),
])
def test_interpolations_are_balanced_and_skip_escapes(text, inner):
    assert list(interpolations(text)) == inner


def test_directives_are_expressions_and_hold_references():
    text = "%{ for name in var.names }${name}%{ endfor }%%{ not }"
    assert list(directives(text)) == [" for name in var.names ", " endfor "]
    assert is_expression(text) and not is_expression("%%{ if x }")
    assert list(references(text)) == ["var.names"]


@pytest.mark.parametrize("value, expected", [
    ("${a.b}", True), ("x-${a.b}", True), ("$${a.b}", False), ("%{if a}x%{endif}", True), ("plain", False),
    ("$", False), ("${", True), (None, False), (3, False), (["${a.b}"], False),
])
def test_is_expression(value, expected):
    assert is_expression(value) is expected


def test_references_find_addresses_inside_nested_calls():
    text = '${element(concat(aws_subnet.a.*.id, [data.aws_vpc.v.id]), 0)}-$${aws_vpc.escaped.id}'
    assert list(references(text)) == ["aws_subnet.a", "data.aws_vpc.v"]
    assert unescape("$${x} %%{y}") == "${x} %{y}"


def test_checks_treat_an_escape_as_a_literal():
    assert literal("$${HOME}/x") == "${HOME}/x"
    assert literal("${var.home}/x") is None
    good = {"bucket": "b", "key": "k", "region": "us-east-1", "encrypt": True, "use_lockfile": True}
    assert backend_findings(("s3", {**good, "key": "$${literal}"}), (1, 11, 4), env={}) == []
    [taken] = backend_findings(("s3", {**good, "key": "${var.key}"}), (1, 11, 4), env={})
    assert "taken literally" in taken.message
    assert _region({"provider": {"aws": [{"region": "${var.region}"}]}}, "us-east-1") == "us-east-1"
    assert _region({"provider": {"aws": [{"region": "eu-west-1"}]}}, "us-east-1") == "eu-west-1"


def test_template_references_skip_escaped_text():
    template = Template({"resource": {
        "aws_vpc": {"main": {"cidr_block": "10.0.0.0/16"}, "other": {"cidr_block": "10.1.0.0/16"}},
        "aws_subnet": {"s": {"vpc_id": "${aws_vpc.main.id}", "tags": {"note": "$${aws_vpc.other.id}"}}},
    }})
    assert template.references_from("aws_subnet.s") == ["aws_vpc.main"]


@pytest.mark.parametrize("text, pieces", [
    ("plain", [("plain", False)]),
    ("${a.b}", [("${a.b}", True)]),
    ('{"h": "${a.b}", "p": $${x} %{ if c }y%{ endif }}',
     [('{"h": "', False), ("${a.b}", True), ('", "p": $${x} ', False), ("%{ if c }", True), ("y", False),
      ("%{ endif }", True), ("}", False)]),
    ("x${unclosed", [("x", False), ("${unclosed", True)]),
])
def test_split_cuts_literal_text_and_sequences(text, pieces):
    assert list(split(text)) == pieces
    assert "".join(piece for piece, _ in split(text)) == text
