"""The static rule pack: for every check at least one catch and one non-catch, built from small
hand-written Terraform JSON; the seed project's failures; and no finding at all on the example
stack (``tests/data/payment_stack`` is ``examples/payment_stack`` synthesized with
``environment_suffix='test'``: its ``stacks/payments`` directory, asset zip included)."""

from __future__ import annotations

import dataclasses
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from pytest_iac.checks.base import CheckContext, Finding
from pytest_iac.checks.catalog import BUILTIN_CHECKS
from pytest_iac.config.requirements import CheckSettings
from pytest_iac.assertions.template import Template

DATA = Path(__file__).parent / "data"
STATIC_IDS = ["assets", "cloudwatch-statistic", "lambda-reserved-env", "plaintext-secrets", "iam-wildcards",
              "public-ingress", "encryption-at-rest", "name-length", "env-suffix", "outputs", "destroyable", "docs"]
BY_ID = {c.id: c for c in BUILTIN_CHECKS}
STORES = ("aws_s3_bucket", "aws_dynamodb_table", "aws_db_instance", "aws_sns_topic", "aws_sqs_queue",
          "aws_cloudwatch_log_group", "aws_lambda_function")


def tf(resources: dict[str, Any] | None = None, *, data: dict[str, Any] | None = None,
       outputs: dict[str, Any] | None = None, **sections: Any) -> dict[str, Any]:
    """Terraform JSON from ``{"aws_x.name": body}`` (data sources without the ``data.`` prefix)."""
    config: dict[str, Any] = {"output": dict(outputs or {}), **sections}
    for section, entries in (("resource", resources or {}), ("data", data or {})):
        for address, body in entries.items():
            rtype, name = address.split(".")
            config.setdefault(section, {}).setdefault(rtype, {})[name] = body
    return config


def run(check_id: str, config: dict[str, Any], project: Path, **options: Any) -> list[Finding]:
    stack_dir = project / "cdktf.out" / "stacks" / "s"
    stack_dir.mkdir(parents=True, exist_ok=True)
    ctx = CheckContext(Template(config, stack_name="s"), "s", stack_dir, project, CheckSettings(**options))
    return list(BY_ID[check_id].run(ctx))


def only(findings: list[Finding], address: str | None) -> Finding:
    assert [f.address for f in findings] == [address], findings
    return findings[0]


def stack_dir(project: Path) -> Path:
    path = project / "cdktf.out" / "stacks" / "s"
    path.mkdir(parents=True, exist_ok=True)
    return path


def make_zip(path: Path, *names: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        for name in names:
            zf.writestr(name, "def handler(event, context):\n    return event\n")
    return path


def fn(**args: Any) -> dict[str, Any]:
    return {"function_name": "pay-test", "role": "${aws_iam_role.r.arn}", "runtime": "python3.12",
            "handler": "validation.handler", **args}


# --- catalog -------------------------------------------------------------------------------


def test_catalog_holds_the_static_checks_in_a_stable_order() -> None:
    ids = [c.id for c in BUILTIN_CHECKS]
    assert [i for i in ids if i in STATIC_IDS] == STATIC_IDS
    assert len(set(ids)) == len(ids)
    for check in BUILTIN_CHECKS:
        assert re.fullmatch(r"[a-z][a-z0-9-]*", check.id)
        assert check.description and "\n" not in check.description
        assert check.severity in ("error", "warning")
    assert BY_ID["docs"].scope == "project"
    assert {c.scope for c in BUILTIN_CHECKS if c.id in STATIC_IDS and c.id != "docs"} == {"stack"}


# --- assets --------------------------------------------------------------------------------


def test_assets_seed_missing_zip_by_filename(tmp_path: Path) -> None:
    config = tf({"aws_lambda_function.validation": fn(filename="lambda_functions.zip")})
    finding = only(run("assets", config, tmp_path), "aws_lambda_function.validation")
    assert finding.message.startswith("filename 'lambda_functions.zip' does not exist "
                                      "(looked in cdktf.out/stacks/s/lambda_functions.zip).")
    assert "Build the package before synthesis, or use TerraformAsset" in finding.message


def test_assets_seed_missing_zip_by_filebase64sha256(tmp_path: Path) -> None:
    config = tf({"aws_lambda_function.validation": fn(
        filename="${data.archive_file.pkg.output_path}",
        source_code_hash='${filebase64sha256("lambda_functions.zip")}')})
    finding = only(run("assets", config, tmp_path), "aws_lambda_function.validation")
    assert finding.message.startswith('filebase64sha256("lambda_functions.zip") in source_code_hash reads a file '
                                      "that does not exist (looked in cdktf.out/stacks/s/lambda_functions.zip)")
    assert "no such file or directory" in finding.message


def test_assets_reports_a_file_once_per_resource(tmp_path: Path) -> None:
    config = tf({"aws_lambda_function.f": fn(filename="lambda_functions.zip",
                                             source_code_hash='${filebase64sha256("lambda_functions.zip")}')})
    assert "filename 'lambda_functions.zip'" in only(run("assets", config, tmp_path), "aws_lambda_function.f").message


def test_assets_existing_package_with_its_handler_passes(tmp_path: Path) -> None:
    make_zip(stack_dir(tmp_path) / "assets" / "pkg" / "archive.zip", "validation.py", "lib/util.py")
    config = tf({
        "aws_lambda_function.a": fn(filename="assets/pkg/archive.zip",
                                    source_code_hash='${filebase64sha256("${path.module}/assets/pkg/archive.zip")}'),
        "aws_lambda_function.b": fn(filename="${path.module}/assets/pkg/archive.zip", handler="lib.util.handler"),
    })
    assert run("assets", config, tmp_path) == []


def test_assets_handler_module_missing_from_the_zip(tmp_path: Path) -> None:
    make_zip(stack_dir(tmp_path) / "lambda_functions.zip", "lambda/payment_validation.py")
    config = tf({"aws_lambda_function.f": fn(filename="lambda_functions.zip", handler="payment_validation.handler")})
    message = only(run("assets", config, tmp_path), "aws_lambda_function.f").message
    assert "handler 'payment_validation.handler' needs payment_validation.py" in message
    assert "it has lambda/payment_validation.py" in message
    assert "Set handler = 'lambda/payment_validation.handler'" in message


def test_assets_handler_with_a_directory_part_as_in_the_seed(tmp_path: Path) -> None:
    make_zip(stack_dir(tmp_path) / "lambda_functions.zip", "lambda/payment_validation.py")
    config = tf({"aws_lambda_function.f": fn(filename="lambda_functions.zip",
                                             handler="lambda/payment_validation.handler")})
    assert run("assets", config, tmp_path) == []


def test_assets_handler_checks_only_python_runtimes(tmp_path: Path) -> None:
    make_zip(stack_dir(tmp_path) / "fn.zip", "index.js")
    config = tf({"aws_lambda_function.node": fn(filename="fn.zip", runtime="nodejs20.x", handler="main.handler"),
                 "aws_lambda_function.py": fn(filename="fn.zip")})
    message = only(run("assets", config, tmp_path), "aws_lambda_function.py").message
    assert "needs validation.py" in message and "it contains no Python modules" in message


def test_assets_file_that_is_not_a_zip(tmp_path: Path) -> None:
    (stack_dir(tmp_path) / "fn.zip").write_text("not a zip")
    message = only(run("assets", tf({"aws_lambda_function.f": fn(filename="fn.zip")}), tmp_path),
                   "aws_lambda_function.f").message
    assert "is not a readable zip archive" in message


def test_assets_skip_references_and_generated_archives(tmp_path: Path) -> None:
    config = tf({
        "aws_lambda_function.ref": fn(filename="${var.package}",
                                      source_code_hash="${data.archive_file.pkg.output_base64sha256}"),
        "aws_lambda_function.gen": fn(filename="build/pkg.zip"),
        "aws_s3_object.o": {"bucket": "b", "key": "k", "source": "${local.path}"},
    }, data={"archive_file.pkg": {"type": "zip", "source_file": "${path.module}/src/handler.py",
                                  "output_path": "${path.module}/build/pkg.zip"}})
    (stack_dir(tmp_path) / "src").mkdir()
    (stack_dir(tmp_path) / "src" / "handler.py").write_text("")
    assert run("assets", config, tmp_path) == []


def test_assets_other_file_arguments_and_functions(tmp_path: Path) -> None:
    (stack_dir(tmp_path) / "present.txt").write_text("x")
    config = tf({
        "aws_s3_object.page": {"bucket": "b", "key": "index.html", "source": "site/index.html"},
        "aws_instance.vm": {"ami": "ami-1", "user_data": '${templatefile("init.sh.tpl", {port = 80})}',
                            "tags": {"Body": '${file("present.txt")}'}},
        "local_file.out": {"filename": "generated/out.txt", "content": "x"},  # written by Terraform
    }, data={"archive_file.src": {"type": "zip", "source_dir": "lambda", "output_path": "out.zip"}},
        outputs={"script": {"value": '${filemd5("${path.module}/missing.sh")}'}})
    findings = run("assets", config, tmp_path)
    messages = {f.address: f.message for f in findings}
    assert set(messages) == {"aws_s3_object.page", "aws_instance.vm", "data.archive_file.src", "output.script"}
    assert messages["aws_s3_object.page"].startswith("source 'site/index.html' does not exist")
    assert "Create the file before synthesis" in messages["aws_s3_object.page"]
    assert messages["aws_instance.vm"].startswith('templatefile("init.sh.tpl") in user_data reads a file')
    assert messages["data.archive_file.src"].startswith("source_dir 'lambda' does not exist")
    assert "Point it at an existing directory" in messages["data.archive_file.src"]
    assert 'filemd5("${path.module}/missing.sh")' in messages["output.script"]


# --- cloudwatch-statistic ------------------------------------------------------------------

ALARM = {"alarm_name": "latency-test", "comparison_operator": "GreaterThanThreshold", "evaluation_periods": 2,
         "threshold": 1000, "metric_name": "Latency", "namespace": "AWS/ApiGateway", "period": 300}


def test_cloudwatch_seed_statistic_with_extended_statistic(tmp_path: Path) -> None:
    config = tf({"aws_cloudwatch_metric_alarm.p99": {**ALARM, "extended_statistic": "p99", "statistic": "Average"}})
    message = only(run("cloudwatch-statistic", config, tmp_path), "aws_cloudwatch_metric_alarm.p99").message
    assert message.startswith("sets both statistic ('Average') and extended_statistic ('p99'); Terraform rejects "
                              'this ("extended_statistic": conflicts with statistic).')
    assert "add_override('statistic', None)" in message


def test_cloudwatch_none_or_metric_query_with_statistic(tmp_path: Path) -> None:
    query = [{"id": "e", "expression": "SUM([a])", "return_data": True}]
    config = tf({"aws_cloudwatch_metric_alarm.none": ALARM,
                 "aws_cloudwatch_metric_alarm.mixed": {"alarm_name": "x", "metric_query": query, "statistic": "Sum"}})
    findings = {f.address: f.message for f in run("cloudwatch-statistic", config, tmp_path)}
    assert findings["aws_cloudwatch_metric_alarm.none"].startswith("sets none of statistic, extended_statistic and "
                                                                   "metric_query")
    assert '"metric_query": conflicts with statistic' in findings["aws_cloudwatch_metric_alarm.mixed"]
    assert "metric.stat" in findings["aws_cloudwatch_metric_alarm.mixed"]


def test_cloudwatch_exactly_one_passes(tmp_path: Path) -> None:
    config = tf({"aws_cloudwatch_metric_alarm.a": {**ALARM, "statistic": "Maximum"},
                 "aws_cloudwatch_metric_alarm.b": {**ALARM, "extended_statistic": "p99", "statistic": None},
                 "aws_cloudwatch_metric_alarm.c": {"alarm_name": "c", "metric_query": [{"id": "m"}]}})
    assert run("cloudwatch-statistic", config, tmp_path) == []


# --- lambda-reserved-env -------------------------------------------------------------------


def test_lambda_reserved_env_catches_aws_region(tmp_path: Path) -> None:
    config = tf({"aws_lambda_function.f": fn(environment={"variables": {"AWS_REGION": "us-east-1", "TABLE": "t"}})})
    message = only(run("lambda-reserved-env", config, tmp_path), "aws_lambda_function.f").message
    assert message.startswith("sets reserved environment variable AWS_REGION; Lambda rejects the function")
    assert "read os.environ['AWS_REGION']" in message


def test_lambda_reserved_env_lists_every_reserved_key(tmp_path: Path) -> None:
    env = [{"variables": {"_HANDLER": "x", "AWS_ACCESS_KEY_ID": "y", "LAMBDA_TASK_ROOT": "z"}}]
    message = only(run("lambda-reserved-env", tf({"aws_lambda_function.f": fn(environment=env)}), tmp_path),
                   "aws_lambda_function.f").message
    assert "variables AWS_ACCESS_KEY_ID, LAMBDA_TASK_ROOT, _HANDLER;" in message and "Remove them" in message


def test_lambda_reserved_env_allows_settable_names(tmp_path: Path) -> None:
    env = {"variables": {"TZ": "UTC", "AWS_LAMBDA_EXEC_WRAPPER": "/opt/w", "aws_region": "x", "REGION": "y"}}
    assert run("lambda-reserved-env", tf({"aws_lambda_function.f": fn(environment=env)}), tmp_path) == []


# --- plaintext-secrets ---------------------------------------------------------------------

SECRET = "hunter2-Sup3r-secret"


def test_secrets_literal_password_is_caught_and_masked(tmp_path: Path) -> None:
    config = tf({"aws_db_instance.db": {"identifier": "db-test", "username": "admin", "password": SECRET}})
    message = only(run("plaintext-secrets", config, tmp_path), "aws_db_instance.db").message
    assert message.startswith("password is a literal string in the configuration (value masked)")
    assert "manage_master_user_password=True" in message
    assert SECRET not in message


def test_secrets_nested_provider_and_ssm(tmp_path: Path) -> None:
    config = tf({
        "aws_lambda_function.f": fn(environment={"variables": {"DB_PASSWORD": SECRET, "STRIPE_API_KEY": SECRET}}),
        "aws_ssm_parameter.p": {"name": "/app/key", "type": "SecureString", "value": SECRET},
        "aws_secretsmanager_secret_version.v": {"secret_id": "${aws_secretsmanager_secret.s.id}",
                                                "secret_string": json.dumps({"password": SECRET})},
    }, provider={"aws": [{"region": "us-east-1", "access_key": "AKIA0000", "secret_key": SECRET}]})
    findings = run("plaintext-secrets", config, tmp_path)
    assert [(f.address, f.message.split(" is ")[0]) for f in findings] == [
        ("aws_lambda_function.f", "environment.variables.DB_PASSWORD"),
        ("aws_lambda_function.f", "environment.variables.STRIPE_API_KEY"),
        ("aws_secretsmanager_secret_version.v", "secret_string"),
        ("aws_ssm_parameter.p", "value of this SecureString parameter"),
        ("provider.aws", "access_key"),
        ("provider.aws", "secret_key"),
    ]
    assert all(SECRET not in f.message for f in findings)


def test_secrets_outputs_must_be_sensitive(tmp_path: Path) -> None:
    config = tf(outputs={
        "db_password": {"value": "${aws_db_instance.db.password}"},
        "generated": {"value": "${random_password.db.result}"},
        "hidden": {"value": "${aws_db_instance.db.password}", "sensitive": True},
        "secret_arn": {"value": "${aws_db_instance.db.master_user_secret[0].secret_arn}"},
        "endpoint": {"value": "${aws_db_instance.db.endpoint}"},
    })
    findings = {f.address: f.message for f in run("plaintext-secrets", config, tmp_path)}
    assert set(findings) == {"output.db_password", "output.generated"}
    assert findings["output.generated"].startswith("output 'generated' is not marked sensitive but refers to "
                                                   "random_password.db.result")
    assert "sensitive=True" in findings["output.db_password"]


def test_secrets_references_functions_and_non_secrets_pass(tmp_path: Path) -> None:
    config = tf({
        "aws_db_instance.db": {"password": "${random_password.db.result}", "manage_master_user_password": True,
                               "master_user_secret_kms_key_id": "${aws_kms_key.k.arn}", "username": "admin",
                               "tags": {"Secret": "no", "Token": "yes"}},
        "aws_secretsmanager_secret_version.v": {
            "secret_string": '${jsonencode({"password" = random_password.p.result})}'},
        "aws_efs_file_system.fs": {"creation_token": "fs-test"},
        "aws_iam_user_login_profile.p": {"user": "u", "password_length": 20},
        "aws_rds_cluster.c": {"master_password": ""},
    })
    assert run("plaintext-secrets", config, tmp_path) == []


# --- public-ingress ------------------------------------------------------------------------


def test_public_ingress_catches_ssh_and_all_traffic(tmp_path: Path) -> None:
    config = tf({
        "aws_security_group.web": {"name": "web-test", "ingress": [
            {"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]},
            {"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}]},
        "aws_security_group_rule.all": {"type": "ingress", "from_port": 0, "to_port": 0, "protocol": "-1",
                                        "ipv6_cidr_blocks": ["::/0"], "security_group_id": "sg"},
        "aws_vpc_security_group_ingress_rule.range": {"cidr_ipv4": "0.0.0.0/0", "from_port": 80, "to_port": 443,
                                                      "ip_protocol": "tcp", "security_group_id": "sg"},
    })
    findings = {f.address: f.message for f in run("public-ingress", config, tmp_path)}
    assert findings["aws_security_group.web"].startswith("Ingress[1] allows inbound traffic from 0.0.0.0/0 on tcp "
                                                         "port 22. Only 80 and 443")
    assert findings["aws_security_group_rule.all"].startswith(
        "Allows inbound traffic from ::/0 on all protocols and ports.")
    assert "on tcp ports 80-443" in findings["aws_vpc_security_group_ingress_rule.range"]


def test_public_ingress_allows_http_private_sources_egress_and_icmp(tmp_path: Path) -> None:
    config = tf({
        "aws_security_group.web": {"ingress": [
            {"from_port": 80, "to_port": 80, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"],
             "ipv6_cidr_blocks": ["::/0"]},
            {"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["10.0.0.0/8"]},
            {"from_port": 8, "to_port": 0, "protocol": "icmp", "cidr_blocks": ["0.0.0.0/0"]}],
            "egress": [{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"]}]},
        "aws_security_group_rule.out": {"type": "egress", "from_port": 0, "to_port": 0, "protocol": "-1",
                                        "cidr_blocks": ["0.0.0.0/0"]},
        "aws_vpc_security_group_ingress_rule.ref": {"cidr_ipv4": "0.0.0.0/0", "from_port": "${var.port}",
                                                    "to_port": "${var.port}", "ip_protocol": "tcp"},
        "aws_vpc_security_group_ingress_rule.https": {"cidr_ipv6": "::/0", "from_port": 443, "to_port": 443,
                                                      "ip_protocol": "tcp"},
    })
    assert run("public-ingress", config, tmp_path) == []


# --- encryption-at-rest --------------------------------------------------------------------


def test_encryption_plaintext_by_default_services_are_errors(tmp_path: Path) -> None:
    config = tf({
        "aws_db_instance.db": {"identifier": "db"},
        "aws_sns_topic.t": {"name": "t"},
        "aws_ebs_volume.v": {"size": 10, "encrypted": False},
        "aws_sqs_queue.q": {"name": "q", "sqs_managed_sse_enabled": False},
    })
    findings = {f.address: f for f in run("encryption-at-rest", config, tmp_path)}
    assert set(findings) == {"aws_db_instance.db", "aws_sns_topic.t", "aws_ebs_volume.v", "aws_sqs_queue.q"}
    assert all(f.severity is None for f in findings.values())
    assert findings["aws_db_instance.db"].message == (
        "is not encrypted at rest (aws_db_instance is stored in plaintext unless configured). "
        "Set storage_encrypted=True and kms_key_id=<your key's ARN>.")
    assert findings["aws_sqs_queue.q"].message.startswith("turns encryption at rest off")


def test_encryption_unstated_default_encryption_is_a_warning(tmp_path: Path) -> None:
    config = tf({"aws_s3_bucket.b": {"bucket": "b-test"}, "aws_dynamodb_table.t": {"name": "t"},
                 "aws_cloudwatch_log_group.l": {"name": "/aws/lambda/x"}})
    findings = run("encryption-at-rest", config, tmp_path)
    assert [(f.address, f.severity) for f in findings] == [
        ("aws_cloudwatch_log_group.l", "warning"), ("aws_dynamodb_table.t", "warning"), ("aws_s3_bucket.b", "warning")]
    assert "AWS encrypts aws_s3_bucket with a key it owns" in findings[2].message


def test_encryption_kms_required_wants_a_customer_key(tmp_path: Path) -> None:
    sse = {"rule": [{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}]}
    kms = {"rule": [{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms",
                                                                 "kms_master_key_id": "${aws_kms_key.k.arn}"}}]}
    config = tf({
        "aws_s3_bucket.aes": {"bucket": "aes-test"},
        "aws_s3_bucket_server_side_encryption_configuration.aes": {"bucket": "${aws_s3_bucket.aes.id}", **sse},
        "aws_s3_bucket.kms": {"bucket": "kms-test"},
        "aws_s3_bucket_server_side_encryption_configuration.kms": {"bucket": "kms-test", **kms},
        "aws_sns_topic.managed": {"kms_master_key_id": "alias/aws/sns"},
        "aws_lambda_function.f": fn(),
        "aws_lambda_function.g": fn(kms_key_arn="${aws_kms_key.k.arn}"),
    })
    findings = {f.address: f.message for f in run(
        "encryption-at-rest", config, tmp_path, kms_required=("aws_s3_bucket", "aws_sns_topic", "aws_lambda_function"))}
    assert set(findings) == {"aws_s3_bucket.aes", "aws_sns_topic.managed", "aws_lambda_function.f"}
    assert findings["aws_s3_bucket.aes"].startswith("is not encrypted with a customer-managed KMS key, which "
                                                    "checks.kms_required asks for every aws_s3_bucket.")
    assert "Set kms_key_arn=<your KMS key's ARN>" in findings["aws_lambda_function.f"]


def test_encryption_configured_stores_pass(tmp_path: Path) -> None:
    key = "${aws_kms_key.k.arn}"
    config = tf({
        "aws_db_instance.db": {"storage_encrypted": True, "kms_key_id": key},
        "aws_db_instance.replica": {"replicate_source_db": "${aws_db_instance.db.identifier}"},
        "aws_rds_cluster.serverless": {"engine_mode": "serverless"},
        "aws_dynamodb_table.t": {"server_side_encryption": {"enabled": True, "kms_key_arn": key}},
        "aws_sqs_queue.sse": {"sqs_managed_sse_enabled": True},
        "aws_sqs_queue.kms": {"kms_master_key_id": key},
        "aws_ebs_volume.v": {"encrypted": True},
        "aws_s3_bucket.inline": {"server_side_encryption_configuration": {"rule": {
            "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key}}}},
        "aws_cloudwatch_log_group.l": {"kms_key_id": key},
    })
    assert run("encryption-at-rest", config, tmp_path, kms_required=("aws_s3_bucket", "aws_dynamodb_table")) == []


# --- name-length ---------------------------------------------------------------------------


def test_name_length_limits(tmp_path: Path) -> None:
    config = tf({
        "aws_lb.alb": {"name": "payments-application-lb-test-0001"},  # 33
        "aws_lb_target_group.tg": {"name_prefix": "paytgt"},  # 6: fine
        "aws_lb_target_group.long": {"name_prefix": "payment"},  # 7
        "aws_iam_role.r": {"name": "r" * 65},
        "aws_iam_policy.p": {"name": "p" * 128},  # IAM policies allow 128
        "aws_lambda_function.f": {"function_name": "pay:validate"},
    })
    findings = {f.address: f.message for f in run("name-length", config, tmp_path)}
    assert set(findings) == {"aws_lb.alb", "aws_lb_target_group.long", "aws_iam_role.r", "aws_lambda_function.f"}
    assert findings["aws_lb.alb"] == ("name 'payments-application-lb-test-0001' is 33 characters; aws_lb allows at "
                                      "most 32. Shorten the fixed part (abbreviate words) and keep the environment "
                                      "suffix.")
    assert "allows at most 6" in findings["aws_lb_target_group.long"]
    assert "is 65 characters; aws_iam_role allows at most 64" in findings["aws_iam_role.r"]
    assert "only letters, digits, hyphens and underscores" in findings["aws_lambda_function.f"]


@pytest.mark.parametrize(("argument", "value", "problem"), [
    ("bucket", "Payments-Data", "may contain only lowercase letters, digits, dots and hyphens"),
    ("bucket", "ab", "is 2 characters; S3 allows 3 to 63"),
    ("bucket", "b" * 64, "is 64 characters; S3 allows 3 to 63"),
    ("bucket", "xn--payments", "must not start with 'xn--' (reserved by S3)"),
    ("bucket", "payments-s3alias", "must not end with '-s3alias' (reserved by S3)"),
    ("bucket", "192.168.1.10", "must not look like an IP address"),
    ("bucket", "payments..data", "must not contain two adjacent dots"),
    ("bucket", "payments-", "must start and end with a letter or digit"),
    ("bucket_prefix", "p" * 38, "is 38 characters; S3 allows at most 37 for a prefix"),
])
def test_name_length_s3_bucket_rules(tmp_path: Path, argument: str, value: str, problem: str) -> None:
    message = only(run("name-length", tf({"aws_s3_bucket.b": {argument: value}}), tmp_path), "aws_s3_bucket.b").message
    assert message.startswith(f"{argument} {value!r} {problem}.")


def test_name_length_accepts_valid_and_unknown_names(tmp_path: Path) -> None:
    config = tf({
        "aws_lb.alb": {"name": "a" * 32},
        "aws_iam_role.r": {"name_prefix": "r" * 38},
        "aws_s3_bucket.p": {"bucket_prefix": "payments-records-test-"},
        "aws_s3_bucket.b": {"bucket": "payments.records-test-1"},
        "aws_s3_bucket.ref": {"bucket": "${var.name}-" + "x" * 80},
        "aws_sqs_queue.q": {"name": "q" * 100},  # no limit recorded for this type
    })
    assert run("name-length", config, tmp_path) == []


def test_naming_skips_a_name_holding_a_hidden_value(tmp_path: Path) -> None:
    """A given name stored in an SSM ``String`` parameter is hidden in the plan (the provider marks
    the parameter's value sensitive): what is left of the name cannot be judged."""
    config = tf({"aws_s3_bucket.b": {"bucket": "(sensitive value)-data"},
                 "aws_iam_role.r": {"name": "(sensitive value)-role"},
                 "aws_s3_bucket.bad": {"bucket": "Payments-Data"}})
    assert [f.address for f in run("name-length", config, tmp_path)] == ["aws_s3_bucket.bad"]
    assert [f.address for f in run("env-suffix", config, tmp_path, env_suffix="pr7")] == ["aws_s3_bucket.bad"]


# --- env-suffix ----------------------------------------------------------------------------


def test_env_suffix_missing_from_a_name(tmp_path: Path) -> None:
    config = tf({"aws_s3_bucket.b": {"bucket": "payments-data"}, "aws_sqs_queue.q": {"name": "jobs-pr7"}})
    message = only(run("env-suffix", config, tmp_path, env_suffix="pr7"), "aws_s3_bucket.b").message
    assert message == ("bucket 'payments-data' does not contain the environment suffix 'pr7', so two environments "
                       "would collide on it. Build it from the suffix, e.g. f\"payments-data-{environment_suffix}\".")


def test_env_suffix_skips_what_it_cannot_or_should_not_judge(tmp_path: Path) -> None:
    config = tf({
        "aws_sqs_queue.ref": {"name": "${var.prefix}-jobs"},
        "aws_apigatewayv2_stage.s": {"name": "$default", "api_id": "a"},
        "aws_lambda_alias.live": {"name": "live"},
        "aws_s3_object.o": {"bucket": "shared-artifacts", "key": "k"},  # points at someone else's bucket
        "aws_lambda_permission.p": {"function_name": "other-function"},
        "aws_route_table.rt": {"vpc_id": "v"},
        "aws_dynamodb_table.t": {"name": "orders-pr7", "attribute": [{"name": "id", "type": "S"}]},
    })
    assert run("env-suffix", config, tmp_path, env_suffix="pr7") == []
    assert run("env-suffix", tf({"aws_s3_bucket.b": {"bucket": "no-suffix"}}), tmp_path) == []  # not configured


# --- outputs -------------------------------------------------------------------------------


def test_outputs_required(tmp_path: Path) -> None:
    finding = only(run("outputs", tf({"aws_sqs_queue.q": {"name": "q"}}), tmp_path), None)
    assert finding.message.startswith("Stack 's' defines no outputs")
    assert "TerraformOutput(" in finding.message
    assert run("outputs", tf(outputs={"queue_url": {"value": "${aws_sqs_queue.q.url}"}}), tmp_path) == []


# --- destroyable ---------------------------------------------------------------------------

UNDESTROYABLE = {
    "aws_db_instance.db": {"identifier": "db", "deletion_protection": True},
    "aws_s3_bucket.b": {"bucket": "b"},
    "aws_dynamodb_table.t": {"name": "t", "deletion_protection_enabled": True},
    "aws_sqs_queue.q": {"name": "q", "lifecycle": {"prevent_destroy": True}},
    "aws_secretsmanager_secret.s": {"name": "s"},
}


def test_destroyable_only_for_ephemeral_stacks(tmp_path: Path) -> None:
    assert run("destroyable", tf(UNDESTROYABLE), tmp_path) == []


def test_destroyable_catches_what_blocks_destroy(tmp_path: Path) -> None:
    findings = {f.address: f.message for f in run("destroyable", tf(UNDESTROYABLE), tmp_path, ephemeral=True)}
    assert set(findings) == set(UNDESTROYABLE)
    assert findings["aws_db_instance.db"] == (
        "cannot be destroyed cleanly, but checks.ephemeral says this stack is meant to be torn down. "
        "Set skip_final_snapshot=True (destroy otherwise fails asking for a final_snapshot_identifier); "
        "set deletion_protection=False.")
    assert findings["aws_s3_bucket.b"].endswith("Set force_destroy=True (a bucket with objects cannot be deleted "
                                                "otherwise).")
    assert findings["aws_sqs_queue.q"].endswith("Remove lifecycle prevent_destroy.")
    assert "recovery_window_in_days=0" in findings["aws_secretsmanager_secret.s"]


def test_destroyable_passes_when_everything_can_go(tmp_path: Path) -> None:
    config = tf({
        "aws_db_instance.db": {"skip_final_snapshot": True, "deletion_protection": False},
        "aws_rds_cluster.c": {"skip_final_snapshot": "${var.ephemeral}"},
        "aws_s3_bucket.b": {"force_destroy": True, "lifecycle": {"prevent_destroy": False}},
        "aws_dynamodb_table.t": {"deletion_protection_enabled": False},
        "aws_secretsmanager_secret.s": {"recovery_window_in_days": 0},
    })
    assert run("destroyable", config, tmp_path, ephemeral=True) == []


# --- docs ----------------------------------------------------------------------------------


def test_docs_seed_missing_readme(tmp_path: Path) -> None:
    finding = only(run("docs", tf(), tmp_path), None)
    assert finding.message.startswith("README.md is missing (looked in the project directory). Add README.md:")


def test_docs_custom_list_empty_and_present(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Payments\n")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "MODEL_FAILURES.md").write_text("  \n")
    findings = run("docs", tf(), tmp_path, docs=("README.md", "lib/MODEL_FAILURES.md", "lib/IDEAL_RESPONSE.md"))
    assert [f.message.split(". ")[0] for f in findings] == [
        "lib/MODEL_FAILURES.md is empty", "lib/IDEAL_RESPONSE.md is missing (looked in the project directory)"]
    assert run("docs", tf(), tmp_path) == []
    assert run("docs", tf(), tmp_path / "lib", docs=()) == []


def test_docs_beside_the_stack_code_count(tmp_path: Path) -> None:
    """A README next to the stack package (lib/README.md) satisfies the default; the message names
    every place looked in; a name with a directory part is a path from the project directory."""
    lib = tmp_path / "lib"
    lib.mkdir()
    ctx = CheckContext(Template(tf(), stack_name="s"), "s", stack_dir(tmp_path), tmp_path, CheckSettings(),
                       package_dir=lib)
    [missing] = BY_ID["docs"].run(ctx)
    assert missing.message.startswith("README.md is missing (looked in the project directory and lib/).")
    (lib / "README.md").write_text("# Orders\n\nHow to deploy and test.\n")
    assert list(BY_ID["docs"].run(ctx)) == []
    (lib / "RUNBOOK.md").write_text("# Runbook\n")
    by_path = dataclasses.replace(ctx, options=CheckSettings(docs=("RUNBOOK.md", "docs/RUNBOOK.md")))
    [finding] = BY_ID["docs"].run(by_path)
    assert finding.message.startswith("docs/RUNBOOK.md is missing (looked in the project directory).")


# --- the example stack: no false positives -------------------------------------------------


def example_context(project: Path, config: dict[str, Any] | None = None) -> CheckContext:
    (project / "README.md").write_text("# Payments\n")
    path = DATA / "payment_stack"
    template = Template(config) if config is not None else Template.from_file(path)
    options = CheckSettings(kms_required=STORES, ephemeral=True, env_suffix="test")
    return CheckContext(template, "payments", path, project, options)


def test_no_findings_on_the_example_stack(tmp_path: Path) -> None:
    ctx = example_context(tmp_path)
    assert len(ctx.template.resources()) > 60
    findings = {c.id: list(c.run(ctx)) for c in BUILTIN_CHECKS if c.id in STATIC_IDS}
    assert findings == {i: [] for i in STATIC_IDS}


def test_the_example_fixture_is_really_checked(tmp_path: Path) -> None:
    config = json.loads((DATA / "payment_stack" / "cdk.tf.json").read_text(encoding="utf-8"))
    name, function = next(iter(config["resource"]["aws_lambda_function"].items()))
    function["handler"] = "missing.handler"
    finding = only(list(BY_ID["assets"].run(example_context(tmp_path, config))), f"aws_lambda_function.{name}")
    assert "handler 'missing.handler' needs missing.py" in finding.message
    assert "it has notification.py, processing.py, reconciliation.py, validation.py" in finding.message
