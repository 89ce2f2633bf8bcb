"""The literal parts of ``jsonencode({...})`` read from a module's source, in both parsers' shapes."""

from __future__ import annotations

import json

import pytest

from pytest_iac.terraform.hcl_literal import jsonencode_literal

POLICY = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": ["s3:*", "sqs:SendMessage"],
    "Resource": ["${aws_s3_bucket.x.arn}", "${aws_s3_bucket.x.arn}/*"],
    "Condition": {"StringEquals": {"aws:SourceAccount": "${var.account}"}}}]}


def test_python_hcl2_keeps_hcl_and_references_become_interpolations():
    source = ('${jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = ["s3:*", '
              '"sqs:SendMessage"], Resource = [aws_s3_bucket.x.arn, "${aws_s3_bucket.x.arn}/*"], '
              'Condition = {StringEquals = {"aws:SourceAccount" = var.account}}}]})}')
    assert json.loads(jsonencode_literal(source) or "null") == POLICY


def test_checkovs_parser_writes_a_python_literal_in_a_list():
    source = [f"${{jsonencode({POLICY!r})}}"]
    assert json.loads(jsonencode_literal(source) or "null") == POLICY


def test_multiline_hcl_with_functions_conditionals_and_escapes():
    source = """${jsonencode({
      a = var.on ? "y" : "z"
      b = 3
      c = null
      d = format("%s-%s", var.a, "}")
      "e" = "q \\"x\\""
      f = [true, 1.5]
    })}"""
    assert json.loads(jsonencode_literal(source) or "null") == {
        "a": '${var.on ? "y" : "z"}', "b": 3, "c": None, "d": '${format("%s-%s", var.a, "}")}',
        "e": 'q "x"', "f": [True, 1.5]}


@pytest.mark.parametrize("source", [
    "${jsonencode(var.policy)}",  # not a literal: nothing to read
    "${jsonencode({a = })}",  # unreadable: stays unknown
    '${jsonencode({for k, v in var.m : k => v})}',
    '${jsonencode({a = "unclosed})}',
    "${merge({a = 1})}",
    "plain text",
    None,
    ["${jsonencode({a = 1})}", "two values"],
])
def test_what_it_cannot_follow_is_none_never_half_read(source):
    assert jsonencode_literal(source) is None
