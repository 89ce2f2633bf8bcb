"""Test suites generated for benchmarks/suite.py: one list of assertions over the example stack,
written once through pytest-iac and once the way real cdktf projects write their tests.
Also the 10,000-resource configuration for the query benchmark."""

from __future__ import annotations

from pathlib import Path

# (name, through pytest-iac's iac_stack, over the synthesized JSON in `config`)
ASSERTIONS = [
    ("vpc_cidr",
     'iac_stack.has_resource_properties("aws_vpc", {"cidr_block": "10.0.0.0/16", "enable_dns_hostnames": True})',
     'assert any(v["cidr_block"] == "10.0.0.0/16" and v["enable_dns_hostnames"]\n'
     '               for v in config["resource"]["aws_vpc"].values())'),
    ("subnet_count",
     'iac_stack.resource_count_is("aws_subnet", 9)',
     'assert len(config["resource"]["aws_subnet"]) == 9'),
    ("bucket_encryption",
     'iac_stack.has_resource_properties("aws_s3_bucket_server_side_encryption_configuration",\n'
     '        {"rule": [{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms"}}]})',
     'assert any(r["apply_server_side_encryption_by_default"]["sse_algorithm"] == "aws:kms"\n'
     '               for c in config["resource"]["aws_s3_bucket_server_side_encryption_configuration"].values()\n'
     '               for r in c["rule"])'),
    ("lambda_runtime",
     'iac_stack.all_resources_properties("aws_lambda_function", {"runtime": "python3.12"})',
     'assert all(f["runtime"] == "python3.12" for f in config["resource"]["aws_lambda_function"].values())'),
    ("alarm_extended_statistic",
     'iac_stack.has_resource_properties("aws_cloudwatch_metric_alarm",\n'
     '        {"extended_statistic": "p99", "statistic": Match.absent()})',
     'assert any(a.get("extended_statistic") == "p99" and "statistic" not in a\n'
     '               for a in config["resource"]["aws_cloudwatch_metric_alarm"].values())'),
    ("kms_rotation",
     'iac_stack.has_resource_properties("aws_kms_key", {"enable_key_rotation": True})',
     'assert any(k.get("enable_key_rotation") is True for k in config["resource"]["aws_kms_key"].values())'),
    ("table_encrypted",
     'iac_stack.has_resource_properties("aws_dynamodb_table",\n'
     '        {"billing_mode": "PAY_PER_REQUEST", "server_side_encryption": {"enabled": True}})',
     'assert any(t["billing_mode"] == "PAY_PER_REQUEST" and t["server_side_encryption"]["enabled"]\n'
     '               for t in config["resource"]["aws_dynamodb_table"].values())'),
    ("database",
     'iac_stack.has_resource_properties("aws_db_instance", {"engine": "postgres", "engine_version": "16",\n'
     '        "storage_encrypted": True, "publicly_accessible": False})',
     'assert any(d["engine"] == "postgres" and d["engine_version"] == "16" and d["storage_encrypted"]\n'
     '               and not d["publicly_accessible"] for d in config["resource"]["aws_db_instance"].values())'),
    ("queues_encrypted",
     'iac_stack.all_resources_properties("aws_sqs_queue", {"kms_master_key_id": Match.any_value()})',
     'assert all("kms_master_key_id" in q for q in config["resource"]["aws_sqs_queue"].values())'),
    ("public_access_blocked",
     'iac_stack.has_resource_properties("aws_s3_bucket_public_access_block",\n'
     '        {"block_public_acls": True, "block_public_policy": True, "restrict_public_buckets": True})',
     'assert any(b["block_public_acls"] and b["block_public_policy"] and b["restrict_public_buckets"]\n'
     '               for b in config["resource"]["aws_s3_bucket_public_access_block"].values())'),
    ("state_backend",
     'iac_stack.has_backend("s3", {"encrypt": True, "use_lockfile": True})',
     'assert config["terraform"]["backend"]["s3"]["encrypt"] is True\n'
     '    assert config["terraform"]["backend"]["s3"]["use_lockfile"] is True'),
    ("vpc_output",
     'iac_stack.has_output("vpc_id")',
     'assert "vpc_id" in config["output"]'),
]

ENTRY = "payment_stack.stack:PaymentStack"
STACK_ID = "payments"
KWARGS = {"environment_suffix": "test"}

PLUGIN_HEADER = "from pytest_iac import Match\n"
BASELINE_HEADER = """\
import json

from cdktf import App, Testing

from payment_stack.stack import PaymentStack
"""
BASELINE_SYNTH = f"""\
    app = App()
    stack = PaymentStack(app, "{STACK_ID}", environment_suffix="{KWARGS['environment_suffix']}")
    config = json.loads(Testing.synth(stack))
"""


def write_suites(directory: Path, count: int) -> tuple[Path, Path]:
    """Write ``count`` tests (cycling through ASSERTIONS) twice; return (plugin dir, baseline dir)."""
    plugin, baseline = [PLUGIN_HEADER], [BASELINE_HEADER]
    for i in range(count):
        name, through_plugin, over_json = ASSERTIONS[i % len(ASSERTIONS)]
        plugin.append(f"\n\ndef test_{i:03d}_{name}(iac_stack):\n    {through_plugin}\n")
        baseline.append(f"\n\ndef test_{i:03d}_{name}():\n{BASELINE_SYNTH}    {over_json}\n")
    dirs = directory / "plugin", directory / "baseline"
    for folder, lines in zip(dirs, (plugin, baseline)):
        folder.mkdir(parents=True)
        (folder / "pytest.ini").write_text("[pytest]\n")  # its own rootdir and cache directory
        (folder / "test_stack.py").write_text("".join(lines))
    return dirs


def plugin_args() -> list[str]:
    """pytest arguments of the plugin suite: the stack entry, no checks, no requirements."""
    kwargs = [arg for key, value in KWARGS.items() for arg in ("--iac-app-kwargs", f"{key}={value}")]
    return ["--iac-app", ENTRY, "--iac-stack-id", STACK_ID, *kwargs, "--iac-checks", "off", "--iac-cache", "on"]


RESOURCE_TYPES = [
    "aws_vpc", "aws_subnet", "aws_route_table", "aws_route", "aws_security_group", "aws_s3_bucket",
    "aws_s3_bucket_versioning", "aws_kms_key", "aws_kms_alias", "aws_lambda_function", "aws_iam_role",
    "aws_iam_role_policy", "aws_sqs_queue", "aws_sns_topic", "aws_dynamodb_table", "aws_db_instance",
    "aws_cloudwatch_log_group", "aws_cloudwatch_metric_alarm", "aws_apigatewayv2_route", "aws_eip",
]


def big_config(resources: int = 10_000) -> dict:
    """A Terraform JSON configuration of ``resources`` resources spread evenly over 20 types."""
    config: dict = {"resource": {}}
    for i in range(resources):
        rtype = RESOURCE_TYPES[i % len(RESOURCE_TYPES)]
        config["resource"].setdefault(rtype, {})[f"r{i}"] = {
            "//": {"metadata": {"path": f"big/{rtype}/r{i}", "uniqueId": f"r{i}"}},
            "name": f"res-{i}",
            "tags": {"Index": str(i), "Tier": ("public", "private", "database")[i % 3]},
            "settings": [{"size": i % 7, "enabled": i % 2 == 0}],
            "depends_on": [f"{rtype}.r{i - len(RESOURCE_TYPES)}"] if i >= len(RESOURCE_TYPES) else [],
        }
    return config
