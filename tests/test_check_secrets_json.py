"""``plaintext-secrets`` inside JSON strings: a literal password written with ``json.dumps`` next to
a ``${...}`` reference is caught; references, ``random_password`` results and non-secret keys are
not; the value never appears in the message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_iac.assertions.template import Template
from pytest_iac.checks import secrets
from pytest_iac.checks.base import CheckContext, Finding
from pytest_iac.checks.embedded_json import Computed, parse
from pytest_iac.config.requirements import CheckSettings

SECRET = "hunter2-Sup3r-secret"
HOST = "${aws_db_instance.db.address}"


def run(resources: dict[str, Any], tmp_path: Path) -> list[Finding]:
    config: dict[str, Any] = {}
    for address, body in resources.items():
        rtype, name = address.split(".")
        config.setdefault("resource", {}).setdefault(rtype, {})[name] = body
    ctx = CheckContext(Template(config, stack_name="s"), "s", tmp_path, tmp_path, CheckSettings())
    return list(secrets.run(ctx))


def where(findings: list[Finding]) -> list[tuple[str | None, str]]:
    return [(f.address, f.message.split(" is ")[0]) for f in findings]


@pytest.mark.parametrize("text, expected", [
    (json.dumps({"password": "p", "host": HOST}), {"password": "p", "host": HOST}),
    ('{"port": ${aws_db_instance.db.port}, "user": "u"}', {"port": "${aws_db_instance.db.port}", "user": "u"}),
    ('{"dsn": "postgres://${var.user}@${lookup(var.m, "h")}/db"}', {"dsn": 'postgres://${var.user}@${lookup(var.m, "h")}/db'}),
    ('[{"name": "A", "value": "$${literal}"}]', [{"name": "A", "value": "${literal}"}]),
    ('{"escaped \\" quote ${x.y}": 1}', {'escaped " quote ${x.y}': 1}),
])
def test_parse_sets_sequences_aside(text: str, expected: Any) -> None:
    document = parse(text)
    assert document == expected


def test_parse_marks_computed_values_and_rejects_non_json() -> None:
    document = parse(json.dumps({"password": "${random_password.db.result}", "user": "admin"}))
    assert isinstance(document["password"], Computed) and not isinstance(document["user"], Computed)
    assert parse("${jsonencode({password = var.p})}") is None
    assert parse("plain") is None and parse("{not json") is None and parse("") is None


def test_literal_password_next_to_a_reference_is_caught(tmp_path: Path) -> None:
    findings = run({"aws_secretsmanager_secret_version.db": {
        "secret_id": "${aws_secretsmanager_secret.db.id}",
        "secret_string": json.dumps({"username": "admin", "password": SECRET, "host": HOST,
                                     "nested": {"apiKey": SECRET, "clientSecret": SECRET}}),
    }}, tmp_path)
    assert where(findings) == [
        ("aws_secretsmanager_secret_version.db", "secret_string.password"),
        ("aws_secretsmanager_secret_version.db", "secret_string.nested.apiKey"),
        ("aws_secretsmanager_secret_version.db", "secret_string.nested.clientSecret"),
    ]
    assert all("(inside a JSON string) (value masked)" in f.message for f in findings)
    assert all(SECRET not in f.message for f in findings)


def test_container_definitions_environment_pairs(tmp_path: Path) -> None:
    definitions = [{"name": "api", "image": "${aws_ecr_repository.api.repository_url}:latest", "environment": [
        {"name": "DB_HOST", "value": HOST}, {"name": "STRIPE_API_KEY", "value": SECRET},
        {"name": "DB_PASSWORD", "value": "${random_password.db.result}"}],
        "secrets": [{"name": "TOKEN", "valueFrom": "${aws_ssm_parameter.token.arn}"}]}]
    findings = run({"aws_ecs_task_definition.api": {"family": "api", "container_definitions": json.dumps(definitions)}},
                   tmp_path)
    assert where(findings) == [("aws_ecs_task_definition.api",
                                "container_definitions[0].environment[1].value (STRIPE_API_KEY)")]


def test_references_random_passwords_and_other_json_pass(tmp_path: Path) -> None:
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                                                      "Resource": "${aws_secretsmanager_secret.db.arn}"}]}
    findings = run({
        "aws_secretsmanager_secret_version.db": {"secret_id": "s", "secret_string": json.dumps(
            {"username": "admin", "password": "${random_password.db.result}", "host": HOST, "token": "",
             "secretArn": "${aws_secretsmanager_secret.db.arn}"})},
        "aws_iam_role_policy.read": {"role": "r", "policy": json.dumps(policy)},
        "aws_cloudwatch_dashboard.d": {"dashboard_name": "d", "dashboard_body": json.dumps(
            {"widgets": [{"type": "text", "properties": {"markdown": "rotate the token weekly"}}]})},
        "aws_ssm_parameter.cfg": {"name": "/cfg", "type": "String", "value": '{"password": ${jsonencode(var.p)}}'},
    }, tmp_path)
    assert findings == []


def test_a_secret_named_argument_holding_literal_json_is_one_finding(tmp_path: Path) -> None:
    findings = run({"aws_secretsmanager_secret_version.v": {"secret_id": "s",
                                                            "secret_string": json.dumps({"password": SECRET})}},
                   tmp_path)
    assert where(findings) == [("aws_secretsmanager_secret_version.v", "secret_string")]
    assert "(inside a JSON string)" not in findings[0].message


def test_the_check_item_names_the_key_inside_the_json(pytester: pytest.Pytester, write_requirements) -> None:
    stack = pytester.path / "cdktf.out" / "stacks" / "db"
    stack.mkdir(parents=True)
    version = {"//": {"metadata": {"path": "db/credentials", "uniqueId": "credentials"}},
               "secret_id": "${aws_secretsmanager_secret.db.id}",
               "secret_string": json.dumps({"password": SECRET, "host": HOST})}
    generated = {"//": {"metadata": {"path": "db/generated", "uniqueId": "generated"}}, "secret_id": "s",
                 "secret_string": json.dumps({"password": "${random_password.db.result}", "host": HOST})}
    config = {"resource": {"aws_secretsmanager_secret_version": {"credentials": version, "generated": generated}}}
    (stack / "cdk.tf.json").write_text(json.dumps(config))
    pytester.makepyfile(test_unit="def test_unit():\n    assert True\n")
    pytester.makeini("[pytest]\niac_app = cdktf.out\niac_requirements = requirements.yaml\n")
    write_requirements({"R-1": "no plaintext secrets"}, checks={"select": ["plaintext-secrets"]})
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "check plaintext-secrets in stack db: 1 finding(s)",
        "  [[]error] aws_secretsmanager_secret_version.credentials (db/credentials): secret_string.password is a "
        "literal string in the configuration (inside a JSON string) (value masked)*",
    ])
    result.stdout.no_fnmatch_line(f"*{SECRET}*")
    result.stdout.no_fnmatch_line("*generated (db/generated)*")
