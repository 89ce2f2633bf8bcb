"""The terraform runner and the ``validate`` / ``backend`` checks.

Diagnostic parsing runs on real ``terraform validate -json`` outputs captured into
tests/data/terraform (each next to the cdk.tf.json it came from). The tests marked
``requires_terraform`` (the ``terraform`` tier) run the real CLI with an offline provider mirror."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from pytest_iac.terraform import binary, diagnostics, errors, mirror, process, validate as tf_validate, versions
from pytest_iac.checks.base import CheckContext, CheckSkipped
from pytest_iac.checks.terraform_checks import CHECKS, LATEST_KNOWN, S3_KEYS, backend_findings, s3_keys_accepted
from pytest_iac.assertions.template import Template

DATA = Path(__file__).parent / "data" / "terraform"
AWS = "registry.terraform.io/hashicorp/aws"
# the real CLI (tests/conftest.py: skipped here without it, failed under CI)
requires_terraform = pytest.mark.usefixtures("terraform_bin")


def captured(name: str) -> tuple[dict, str]:
    return (json.loads((DATA / f"{name}.validate.json").read_text(encoding="utf-8")),
            (DATA / f"{name}.tf.json").read_text(encoding="utf-8"))


def summary(diags: list[diagnostics.Diagnostic]) -> list[tuple[str, str | None, int | None]]:
    return [(d.severity, d.address, d.line) for d in diags]


# -- diagnostics -> addresses ------------------------------------------------------------------


def test_seed_diagnostics_map_to_resources():
    output, text = captured("seed")
    diags = diagnostics.parse_diagnostics(output, text)
    assert summary(diags) == [
        ("error", "aws_s3_bucket.records", 74),
        ("error", "aws_lambda_function.validator", 62),
        ("error", "aws_cloudwatch_metric_alarm.api_latency_alarm", 33),
        ("error", "aws_cloudwatch_metric_alarm.api_latency_alarm", 34),
    ]
    alarm = diags[2]
    assert alarm.message == ('Conflicting configuration arguments: "extended_statistic": conflicts with statistic'
                             " (cdk.tf.json:33)")
    assert 'filebase64sha256" failed: open lambda_functions.zip: no such file' in diags[1].message
    assert 'No argument or block type is named "versioning_enabled"' in diags[0].message


def test_warnings_data_sources_and_outputs():
    output, text = captured("warnings")
    diags = diagnostics.parse_diagnostics(output, text)
    assert summary(diags) == [
        ("error", "aws_sqs_queue.jobs", 94),  # context only: resource.aws_sqs_queue.jobs
        ("error", "data.aws_iam_policy_document.read", 34),  # address of a data source
        ("warning", "aws_s3_bucket_lifecycle_configuration.logs_lifecycle", 62),  # context ends in ".rule"
        ("error", None, 100),  # an output is not a resource
        ("warning", "aws_instance.bastion", 82),  # deprecations stay warnings
    ]
    assert diags[3].message.endswith("(cdk.tf.json:100, output.logs_bucket)")
    assert "cpu_core_count is deprecated" in diags[4].message


def test_diagnostic_without_location():
    output, text = captured("cycle")
    [diag] = diagnostics.parse_diagnostics(output, text)
    assert (diag.severity, diag.address, diag.line) == ("error", None, None)
    assert diag.message == "Cycle: aws_sqs_queue.a, aws_sqs_queue.b"


@pytest.mark.parametrize("name", ["seed", "warnings"])
def test_line_index_alone_finds_the_same_resources(name):
    """Without ``address`` and ``snippet.context``, range.start (line, column) still finds the
    resource, because the line index knows where each resource's JSON value lies."""
    output, text = captured(name)
    stripped = {**output, "diagnostics": [{k: v for k, v in d.items() if k not in ("address", "snippet")}
                                          for d in output["diagnostics"]]}
    with_context = [d.address for d in diagnostics.parse_diagnostics(output, text)]
    assert [d.address for d in diagnostics.parse_diagnostics(stripped, text)] == with_context


def test_line_index_on_compact_json():
    text = ('{"resource": {"aws_sqs_queue": {"a": {"name": "a"}, "b": {"name": "b"}},\n'
            ' "aws_sns_topic": {"t": [{"name": "t"}]}},\n'
            ' "data": {"aws_region": {"here": {}}},\n'
            ' "output": {"o": {"value": "x"}}}')
    index = diagnostics.LineIndex(text)
    assert index.addresses == {"aws_sqs_queue.a", "aws_sqs_queue.b", "aws_sns_topic.t", "data.aws_region.here"}
    line1 = text.splitlines()[0]
    assert index.address_at(1, line1.index('"b"') + 1) is None  # the key, not the value
    assert index.address_at(1, line1.rindex('"name"') + 1) == "aws_sqs_queue.b"
    assert index.address_at(1, line1.index('"name"') + 1) == "aws_sqs_queue.a"
    assert index.address_at(1) == "aws_sqs_queue.a"
    assert index.address_at(2, 30) == "aws_sns_topic.t"
    assert index.address_at(3) == "data.aws_region.here"
    assert index.address_at(4) is None


def test_instance_keys_and_bad_output():
    text = json.dumps({"resource": {"aws_sqs_queue": {"q": {"count": 2}}}})
    out = {"diagnostics": [{"severity": "error", "summary": "x", "detail": "", "address": "aws_sqs_queue.q[1]"}]}
    assert diagnostics.parse_diagnostics(out, text)[0].address == "aws_sqs_queue.q"
    with pytest.raises(errors.TerraformError, match="not terraform validate -json output"):
        diagnostics.parse_diagnostics('{"valid": true}', text)


# -- providers and mirrors -----------------------------------------------------------------------


def test_required_providers_include_implied_ones():
    config = {"terraform": {"required_providers": {"aws": {"source": "aws", "version": "5.100.0"},
                                                   "archive": {"source": "hashicorp/archive"}}},
              "resource": {"aws_s3_bucket": {"b": {}}, "random_id": {"r": {}}, "terraform_data": {"d": {}}}}
    reqs = {r.name: (r.source, r.constraint) for r in mirror.required_providers(config)}
    assert reqs == {"aws": (AWS, "5.100.0"), "archive": ("registry.terraform.io/hashicorp/archive", None),
                    "random": ("registry.terraform.io/hashicorp/random", None)}


@pytest.mark.parametrize("version, constraint, ok", [
    ("5.100.0", "5.100.0", True), ("5.100.0", "= 5.99.0", False), ("5.100.0", "~> 5.0", True),
    ("6.0.0", "~> 5.0", False), ("5.100.1", "~> 5.100.0", True), ("5.101.0", "~> 5.100.0", False),
    ("5.100.0", ">= 5.0, < 6.0", True), ("5.100.0", "!= 5.100.0", False), ("5.100.0", None, True),
    ("5.100.0", "> 5.99.9", True), ("5.100.0", "<= 5.99", False), ("5.100.0", "=5.100", True),
    ("5.3.0", "~> 5", True), ("4.9.0", "~> 5", False), ("5.100.0", "v5.100.0", True), ("5.100.0", "> five", False),
    # terraform's pre-release rule: only an exact constraint selects one
    ("1.10.0-beta1", ">= 1.10.0", False), ("1.10.0-beta1", ">= 1.9.0", False), ("1.10.0-beta1", "~> 1.9", False),
    ("1.10.0-beta1", "1.10.0-beta1", True), ("1.10.0-beta1", "= 1.10.0-beta1", True),
    ("1.10.0-beta1", "= 1.10.0-beta2", False), ("1.10.0-rc1", "< 1.10.0", False), ("1.10.0", "> 1.10.0-rc1", True),
])
def test_version_constraints(version, constraint, ok):
    assert versions.version_matches(version, constraint) is ok


@pytest.mark.parametrize("text, expected", [
    ("1.11.4", "1.11.4"), ("v1.11.4", "1.11.4"), ("1.10.0-beta1", "1.10.0b1"), ("1.6.0-rc1", "1.6.0rc1"),
    ("1.14.0-dev", "1.14.0.dev0"), ("1.2.3-custom.build", "1.2.3.dev0"), ((1, 6, 0), "1.6.0"),
])
def test_versions_parse_with_pre_releases_before_their_release(text, expected):
    parsed = versions.parse_version(text)
    assert str(parsed) == expected
    assert parsed.is_prerelease is ("-" in str(text))
    assert (parsed < versions.Version(parsed.base_version)) is parsed.is_prerelease


def test_newest_matching_provider_wins_and_pre_releases_are_passed_over(tmp_path):
    for version in ("5.99.0", "5.100.0", "5.101.0-beta1"):
        fake_mirror(tmp_path, version=version)
    wanted = [mirror.ProviderRequirement("aws", AWS, ">= 5.0")]
    found = mirror.find_mirror(wanted, platform="linux_amd64", plugin_dir=tmp_path)
    assert found.selected == ((AWS, "5.100.0"),)
    exact = [mirror.ProviderRequirement("aws", AWS, "5.101.0-beta1")]
    assert mirror.find_mirror(exact, platform="linux_amd64", plugin_dir=tmp_path).selected == ((AWS, "5.101.0-beta1"),)


def fake_mirror(root: Path, version: str = "5.100.0", platform: str = "linux_amd64", packed: bool = False) -> Path:
    base = root / "registry.terraform.io" / "hashicorp" / "aws"
    if packed:
        base.mkdir(parents=True, exist_ok=True)
        (base / f"terraform-provider-aws_{version}_{platform}.zip").write_bytes(b"PK")
    else:
        (base / version / platform).mkdir(parents=True, exist_ok=True)
        (base / version / platform / f"terraform-provider-aws_v{version}_x5").write_bytes(b"")
    return root


AWS_5100 = [mirror.ProviderRequirement("aws", AWS, "5.100.0")]


def test_mirror_found_where_given(tmp_path):
    found = mirror.find_mirror(AWS_5100, platform="linux_amd64", plugin_dir=fake_mirror(tmp_path / "m"))
    assert (found.dirs, found.packed, found.selected) == ((tmp_path / "m",), False, ((AWS, "5.100.0"),))
    packed = mirror.find_mirror(AWS_5100, platform="linux_amd64", plugin_dir=fake_mirror(tmp_path / "p", packed=True))
    assert packed.packed


def test_missing_provider_names_what_and_where(tmp_path):
    given = fake_mirror(tmp_path / "m", version="6.0.0")
    with pytest.raises(errors.TerraformUnavailable) as info:
        mirror.find_mirror(AWS_5100, platform="linux_amd64", plugin_dir=given)
    assert f"{AWS} 5.100.0 for linux_amd64" in str(info.value)
    assert f"{given} (given plugin dir)" in str(info.value)
    with pytest.raises(errors.TerraformUnavailable, match="darwin_arm64"):
        mirror.find_mirror(AWS_5100, platform="darwin_arm64", plugin_dir=fake_mirror(tmp_path / "m2"))


def test_usual_places_from_env_and_cli_config(tmp_path):
    home = tmp_path / "home"
    rc = tmp_path / "cli.tfrc"
    rc.write_text('plugin_cache_dir = "$HOME/.cache/tf"\n'
                  'provider_installation {\n  filesystem_mirror {\n    path    = "/srv/mirror"\n'
                  '    include = ["registry.terraform.io/*/*"]\n  }\n  direct {}\n}\n', encoding="utf-8")
    env = {"HOME": str(home), "TF_CLI_CONFIG_FILE": str(rc), "TF_PLUGIN_CACHE_DIR": str(tmp_path / "cache")}
    places = mirror.plugin_dir_candidates(env=env)
    assert [str(p) for p, _ in places] == [
        str(tmp_path / "cache"), "/srv/mirror", str(home / ".cache" / "tf"), str(home / ".terraform.d" / "plugins"),
        str(home / ".local" / "share" / "terraform" / "plugins"),
        "/usr/local/share/terraform/plugins", "/usr/share/terraform/plugins"]
    assert places[1][1] == f"filesystem_mirror in {rc}"
    fake_mirror(home / ".terraform.d" / "plugins")
    found = mirror.find_mirror(AWS_5100, platform="linux_amd64", env=env)
    assert found.origins == ("~/.terraform.d/plugins",)


# -- the backend table ---------------------------------------------------------------------------

GOOD_S3 = {"bucket": "state", "key": "payments/dev/terraform.tfstate", "region": "us-east-1", "encrypt": True,
           "use_lockfile": True}
V19, V110, V111 = (1, 9, 8), (1, 10, 0), (1, 11, 4)


def messages(found) -> list[tuple[str, str]]:
    return [(f.severity or "error", f.message) for f in found]


@pytest.mark.parametrize("version", [V110, V111])
def test_correct_s3_backend_passes(version):
    assert backend_findings(("s3", GOOD_S3), version, env={}) == []


def test_correct_dynamodb_backend_passes_before_1_11():
    old = {**GOOD_S3, "dynamodb_table": "locks"}
    del old["use_lockfile"]
    assert backend_findings(("s3", old), V19, env={}) == []
    assert messages(backend_findings(("s3", old), V111, env={})) == [
        ("warning", 's3 backend: "dynamodb_table" is deprecated since terraform 1.11.0; use use_lockfile = true')]


def test_unknown_key_with_suggestion():
    [found] = backend_findings(("s3", {**GOOD_S3, "dynamo_table": "locks"}), V111, env={})
    assert found.address is None and found.severity is None  # the check's severity: error
    assert found.message == ('s3 backend: unknown argument "dynamo_table"; did you mean "dynamodb_table"? '
                             '(terraform 1.11.4 init fails: No argument or block type is named "dynamo_table")')


def test_use_lockfile_needs_terraform_1_10():
    found = messages(backend_findings(("s3", GOOD_S3), V19, env={}))
    assert found == [
        ("error", 's3 backend: "use_lockfile" is not supported by terraform 1.9.8; it is accepted from terraform '
                  '1.10.0 (terraform 1.9.8 init fails: No argument or block type is named "use_lockfile"). '
                  "Upgrade terraform; lock with dynamodb_table instead"),
        ("error", "s3 backend: the state is not locked, so two runs can corrupt it; set dynamodb_table "
                  "(use_lockfile needs terraform >= 1.10)")]
    assert backend_findings(("s3", GOOD_S3), V111, env={}) == []


def test_backend_table_puts_a_pre_release_before_its_release():
    beta = versions.parse_version("1.10.0-beta1")
    assert "use_lockfile" not in s3_keys_accepted(beta) and "role_arn" in s3_keys_accepted(beta)
    assert "use_lockfile" in s3_keys_accepted("1.10.0") and "role_arn" not in s3_keys_accepted("1.10.0")
    [unsupported, _] = messages(backend_findings(("s3", GOOD_S3), beta, env={}))
    assert unsupported[1].startswith('s3 backend: "use_lockfile" is not supported by terraform 1.10.0b1;')


def test_missing_locking_and_encryption():
    settings = {k: v for k, v in GOOD_S3.items() if k not in ("use_lockfile", "encrypt")}
    assert messages(backend_findings(("s3", settings), V111, env={})) == [
        ("error", "s3 backend: the state is not locked, so two runs can corrupt it; set use_lockfile = true"),
        ("error", "s3 backend: the state file is not encrypted at rest; set encrypt = true")]
    off = {**GOOD_S3, "use_lockfile": False, "encrypt": False}
    assert len(backend_findings(("s3", off), V111, env={})) == 2
    assert backend_findings(("s3", {**GOOD_S3, "encrypt": "true"}), V111, env={}) == []


def test_assume_role_settings_moved_then_removed():
    legacy = {**GOOD_S3, "role_arn": "arn:aws:iam::123456789012:role/deploy"}
    del legacy["use_lockfile"]
    legacy["dynamodb_table"] = "locks"
    assert backend_findings(("s3", legacy), (1, 5, 7), env={}) == []
    assert messages(backend_findings(("s3", legacy), (1, 7, 0), env={})) == [
        ("warning", 's3 backend: "role_arn" is deprecated since terraform 1.6.0; use assume_role.role_arn')]
    assert messages(backend_findings(("s3", legacy), V110, env={})) == [
        ("error", 's3 backend: "role_arn" was removed in terraform 1.10.0 (terraform 1.10.0 init fails: '
                  'No argument or block type is named "role_arn"); use assume_role.role_arn')]


def test_required_settings_and_region_from_env():
    assert messages(backend_findings(("s3", {"encrypt": True, "use_lockfile": True}), V111, env={})) == [
        ("error", 's3 backend: "bucket" is required'), ("error", 's3 backend: "key" is required'),
        ("error", 's3 backend: "region" is required (or AWS_REGION / AWS_DEFAULT_REGION at init)')]
    no_region = {k: v for k, v in GOOD_S3.items() if k != "region"}
    assert backend_findings(("s3", no_region), V111, env={"AWS_REGION": "eu-west-1"}) == []


def test_a_module_backend_is_judged_on_what_it_writes_only():
    assert backend_findings(("s3", {}), V111, env={}, module=True) == []  # all of it from -backend-config
    assert backend_findings(("s3", {"bucket": "state"}), V111, env={}, module=True) == []
    written_off = {"bucket": "", "key": "k", "region": "", "use_lockfile": False, "encrypt": "false"}
    assert messages(backend_findings(("s3", written_off), V111, env={}, module=True)) == [
        ("error", 's3 backend: "bucket" is required'),
        ("error", 's3 backend: "region" is required (or AWS_REGION / AWS_DEFAULT_REGION at init)'),
        ("error", "s3 backend: the state is not locked, so two runs can corrupt it; set use_lockfile = true"),
        ("error", "s3 backend: the state file is not encrypted at rest; set encrypt = true")]
    dynamodb = {"use_lockfile": False, "dynamodb_table": "locks", "encrypt": True}
    assert backend_findings(("s3", dynamodb), V110, env={}, module=True) == []


def test_tokens_in_backend_are_literal():
    [found] = backend_findings(("s3", {**GOOD_S3, "bucket": "${var.state_bucket}"}), V111, env={})
    assert "taken literally" in found.message and '"bucket"' in found.message


def test_other_backends():
    assert backend_findings(("local", {"path": "terraform.payments.tfstate"}), V111) == []
    [bad] = backend_findings(("local", {"paht": "x"}), V111)
    assert 'unknown argument "paht"; did you mean "path"?' in bad.message
    [typo] = backend_findings(("s4", {}), V111)
    assert (typo.severity, typo.message) == ("warning", 'unknown backend type "s4"; did you mean "s3"?')
    assert "removed in terraform 1.3" in backend_findings(("etcdv3", {}), V111)[0].message
    assert backend_findings(("gcs", {"bucket": "b"}), V111) == []
    [none] = backend_findings(None, V111)
    assert none.severity == "warning" and "no backend configured" in none.message


def test_table_shape():
    assert LATEST_KNOWN >= versions.Version("1.11.0")
    assert {"bucket", "key", "use_lockfile", "dynamodb_table", "assume_role", "endpoints"} <= set(S3_KEYS)
    for name, spec in S3_KEYS.items():
        assert (spec.deprecated is None and spec.removed is None) or spec.instead, name
        assert spec.removed is None or spec.since < spec.removed, name


# -- the checks, through CheckContext ------------------------------------------------------------


def context(stack_dir: Path, *, terraform_plugin_dir=None, terraform=None, **options) -> CheckContext:
    template = Template.from_file(stack_dir)
    return CheckContext(template=template, stack=template.stack_name, stack_dir=stack_dir,
                        project_dir=stack_dir, options=SimpleNamespace(**options),
                        terraform_plugin_dir=terraform_plugin_dir, terraform=terraform)


def check(check_id: str):
    return next(c for c in CHECKS if c.id == check_id)


def write_stack(directory: Path, resources: dict, backend: dict | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    config = {"terraform": {"required_providers": {"aws": {"source": "aws", "version": "5.100.0"}}},
              "provider": {"aws": [{"region": "us-east-1"}]}, "resource": resources}
    if backend:
        config["terraform"]["backend"] = backend
    (directory / "cdk.tf.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return directory


def test_checks_are_registered():
    assert [(c.id, c.severity, c.scope) for c in CHECKS] == [("validate", "error", "stack"),
                                                             ("backend", "error", "stack")]


def test_backend_check_uses_the_template(tmp_path):
    stack = write_stack(tmp_path / "s", {}, backend={"s3": {**GOOD_S3, "use_lockfile": False}})
    [found] = check("backend").run(context(stack, terraform=str(tmp_path / "no-terraform-here")))
    assert "not locked" in found.message  # terraform missing: checked against the newest known version


def test_validate_skips_without_terraform(tmp_path):
    stack = write_stack(tmp_path / "s", {})
    with pytest.raises(CheckSkipped, match=r"terraform not found \(PYTEST_IAC_TERRAFORM: "):
        list(check("validate").run(context(stack, terraform=str(tmp_path / "no-terraform-here"))))


# -- the real terraform --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plugin_dir(provider_mirror: str) -> str:
    return provider_mirror


ROLE_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def lambda_resources(filename: str) -> dict:
    return {
        "aws_iam_role": {"fn_role": {"name": "fn-dev", "assume_role_policy": ROLE_POLICY}},
        "aws_lambda_function": {"validator": {
            "function_name": "validator-dev", "role": "${aws_iam_role.fn_role.arn}", "handler": "index.handler",
            "runtime": "python3.12", "filename": filename, "source_code_hash": f'${{filebase64sha256("{filename}")}}'}},
    }


def snapshot(directory: Path) -> dict[str, str]:
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(directory.rglob("*"))}


@pytest.fixture(scope="module")
def seed_result(tmp_path_factory, plugin_dir):
    """One run for the seed's failures: the alarm with both statistics, a Lambda whose zip is
    missing, and one whose zip lies outside the stack dir (exists, but not in the private copy)."""
    app = tmp_path_factory.mktemp("seed")
    outside = lambda_resources("../fn.zip")
    resources = lambda_resources("lambda_functions.zip")
    resources["aws_lambda_function"]["outside"] = {**outside["aws_lambda_function"]["validator"],
                                                   "function_name": "outside-dev"}
    resources["aws_cloudwatch_metric_alarm"] = {"api_latency_alarm": {
        "alarm_name": "api-latency-p99-dev", "comparison_operator": "GreaterThanThreshold",
        "evaluation_periods": 2, "metric_name": "IntegrationLatency", "namespace": "AWS/ApiGateway",
        "period": 300, "threshold": 1000, "extended_statistic": "p99", "statistic": "Average"}}
    stack = write_stack(app / "stack", resources)
    with zipfile.ZipFile(app / "fn.zip", "w") as archive:
        archive.writestr("index.py", "")
    return tf_validate.validate(stack, plugin_dir=plugin_dir)


@requires_terraform
def test_real_valid_stack(tmp_path, plugin_dir):
    stack = write_stack(tmp_path / "stacks" / "payments", lambda_resources("assets/fn/archive.zip"))
    (stack / "assets" / "fn").mkdir(parents=True)
    with zipfile.ZipFile(stack / "assets" / "fn" / "archive.zip", "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    before = snapshot(stack)
    work_root = tmp_path / "work"
    work_root.mkdir()
    result = tf_validate.validate(stack, plugin_dir=plugin_dir, tmp_root=work_root)
    assert (result.valid, result.diagnostics) == (True, ())
    assert result.provider_linked is True  # the provider binary was symlinked, not copied
    assert result.workdir.parent == work_root and not result.workdir.exists()
    assert list(work_root.iterdir()) == []
    assert snapshot(stack) == before  # nothing written into the user's tree (no .terraform, no lock file)
    assert result.terraform.version >= versions.Version("1.0.0") and set(result.timings) == {"init", "validate"}


@requires_terraform
def test_real_alarm_with_both_statistics(seed_result):
    alarm = [d for d in seed_result.errors if d.address == "aws_cloudwatch_metric_alarm.api_latency_alarm"]
    assert sorted(d.detail for d in alarm) == ['"extended_statistic": conflicts with statistic',
                                               '"statistic": conflicts with extended_statistic']


@requires_terraform
def test_real_missing_lambda_zip(seed_result):
    [missing] = [d for d in seed_result.errors if d.address == "aws_lambda_function.validator"]
    assert 'Call to function "filebase64sha256" failed: open lambda_functions.zip: no such file' in missing.detail
    assert not seed_result.valid and len(seed_result.errors) == 3


@requires_terraform
def test_real_validate_check(tmp_path, plugin_dir):
    stack = write_stack(tmp_path / "s", {"aws_s3_bucket": {"logs": {"bucket": "logs-dev", "versioning_enabled": True}}})
    [found] = check("validate").run(context(stack, terraform_plugin_dir=plugin_dir))
    assert (found.address, found.severity) == ("aws_s3_bucket.logs", "error")
    assert 'No argument or block type is named "versioning_enabled"' in found.message
    empty = tmp_path / "empty-mirror"
    empty.mkdir()
    with pytest.raises(CheckSkipped, match=f"hashicorp/aws 5.100.0 .*looked in: {re.escape(str(empty))}"):
        list(check("validate").run(context(stack, terraform_plugin_dir=empty)))


@requires_terraform
def test_real_path_outside_the_stack_dir_is_not_a_false_error(seed_result):
    [diag] = [d for d in seed_result.diagnostics if d.address == "aws_lambda_function.outside"]
    assert diag.severity == "warning"
    assert "open ../fn.zip: no such file" in diag.detail
    assert "../fn.zip exists relative to the stack dir" in diag.detail


@requires_terraform
def test_real_config_error_that_stops_init(tmp_path, plugin_dir):
    """terraform init itself refuses a broken configuration; validate still reports it per resource."""
    stack = write_stack(tmp_path / "s", {"aws_sqs_queue": {"jobs": {"name": "jobs",
                                                                    "lifecycle": {"prevent_destroy": "maybe"}}}})
    result = tf_validate.validate(stack, plugin_dir=plugin_dir)
    line = next(n for n, text in enumerate((stack / "cdk.tf.json").read_text().splitlines(), 1) if "prevent_" in text)
    assert summary(list(result.diagnostics)) == [("error", "aws_sqs_queue.jobs", line)]
    assert result.diagnostics[0].message.startswith("Unsuitable value type: Unsuitable value: a bool is required")
    assert result.provider_linked is None  # init stopped before installing the provider


@requires_terraform
def test_real_timeout_is_a_clear_error(tmp_path, plugin_dir):
    stack = write_stack(tmp_path / "s", {})
    with pytest.raises(errors.TerraformError, match=r"terraform init timed out after 0.001 s"):
        tf_validate.validate(stack, plugin_dir=plugin_dir, init_timeout=0.001, tmp_root=tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["s"]


# -- the table against the installed terraform ----------------------------------------------------

PROBE_VALUES = {
    "bool": True, "number": 1, "set": ["123456789012"], "map": {"team": "payments"},
    "assume_role": {"role_arn": "arn:aws:iam::123456789012:role/deploy"},
    "assume_role_with_web_identity": {"role_arn": "arn:aws:iam::123456789012:role/deploy",
                                      "web_identity_token": "abcd"},
    "endpoints": {"s3": "http://127.0.0.1:1"},
}
BOOLS = {"encrypt", "insecure", "use_dualstack_endpoint", "use_fips_endpoint", "use_path_style", "force_path_style",
         "use_lockfile", "skip_s3_checksum", "skip_credentials_validation", "skip_region_validation",
         "skip_metadata_api_check", "skip_requesting_account_id"}
SETS = {"allowed_account_ids", "forbidden_account_ids", "shared_config_files", "shared_credentials_files",
        "assume_role_policy_arns", "assume_role_transitive_tag_keys"}


def probe_value(name: str):
    if name in PROBE_VALUES:
        return PROBE_VALUES[name]
    if name in BOOLS:
        return True
    if name in SETS:
        return PROBE_VALUES["set"]
    if name in ("max_retries", "assume_role_duration_seconds"):
        return 1
    return PROBE_VALUES["map"] if name == "assume_role_tags" else "x"


def init_with_backend(directory: Path, settings: dict) -> list[dict]:
    """``terraform init`` with the s3 backend; ``key`` contains "//", which the backend rejects
    before it configures AWS, so this stays offline and fast."""
    directory.mkdir()
    config = {"terraform": {"backend": {"s3": {**settings, "bucket": "b", "key": "probe//key", "region": "us-east-1"}}}}
    (directory / "main.tf.json").write_text(json.dumps(config), encoding="utf-8")
    env = dict(os.environ, CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1",
               TF_CLI_CONFIG_FILE=str(directory / "none.tfrc"))
    out = process.run([shutil.which(os.environ.get("PYTEST_IAC_TERRAFORM") or "terraform"), "init", "-json", "-input=false", "-no-color"], cwd=directory, env=env, timeout=60,
                  what="terraform init", check=False)
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    return [line["diagnostic"] for line in lines if line.get("type") == "diagnostic"]


@requires_terraform
def test_table_matches_installed_terraform(tmp_path):
    installed = binary.find_terraform(os.environ.get("PYTEST_IAC_TERRAFORM"))
    if installed.version < versions.Version("1.9.0"):
        pytest.skip(f"init -json needs terraform >= 1.9, found {installed.version_text}")
    version = installed.version
    accepted = set(s3_keys_accepted(version))
    diags = init_with_backend(tmp_path / "accepted", {k: probe_value(k) for k in accepted})
    assert not [d["detail"] for d in diags if "No argument or block type" in d.get("detail", "")]
    assert any("must not contain" in d.get("detail", "") for d in diags), diags  # stopped by the probe key
    warned = {d["detail"].split('"')[1] for d in diags if d["summary"] == "Deprecated Parameter"}
    deprecated = {k for k in accepted if S3_KEYS[k].deprecated and S3_KEYS[k].deprecated <= version}
    assert warned == deprecated
    rejected = sorted(set(S3_KEYS) - accepted) + ["dynamo_table", "lock_table"]
    diags = init_with_backend(tmp_path / "rejected", {k: probe_value(k) for k in rejected})
    named = {d["detail"].split('"')[1] for d in diags if "No argument or block type" in d.get("detail", "")}
    assert named == set(rejected)
    for name in rejected:
        [finding] = [f for f in backend_findings(("s3", {**GOOD_S3, name: probe_value(name)}), version, env={})
                     if f'"{name}"' in f.message]
        assert f'No argument or block type is named "{name}"' in finding.message
