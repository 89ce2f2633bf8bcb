"""The opt-in ``checkov`` check: off by default; on, each failed policy is a finding with the
resource's address and construct path, the policy id and its title; suppressions can name the
policy; unknown policy ids are a usage error; a missing checkov fails the item with the install
command; the run opens no network connection; the result is cached with the synthesis."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml

BUCKET = {
    "//": {"metadata": {"path": "payments/records", "uniqueId": "records"}},
    "bucket": "records-test",
}
STACK = {
    "terraform": {"required_providers": {"aws": {"source": "aws", "version": "5.100.0"}}},
    "provider": {"aws": [{"region": "us-east-1"}]},
    "resource": {"aws_s3_bucket": {"records": BUCKET}},
    "output": {"bucket": {"value": "${aws_s3_bucket.records.bucket}"}},
}
LOGGING = "CKV_AWS_18"  # S3 access logging
REPLICATION = "CKV_AWS_144"  # S3 cross-region replication


@pytest.fixture
def project(pytester, write_requirements, checkov):
    """A synthesized stack with one bare S3 bucket; ``configure(checkov=..., suppress=...)`` writes the YAML."""
    stack = pytester.path / "cdktf.out" / "stacks" / "payments"
    stack.mkdir(parents=True)
    (stack / "cdk.tf.json").write_text(json.dumps(STACK, indent=2))
    pytester.makepyfile(test_unit="def test_unit():\n    assert True\n")
    pytester.makeini("[pytest]\niac_app = cdktf.out\niac_requirements = requirements.yaml\n")

    def configure(checkov: dict | None = None, suppress: list | None = None, select=("checkov",)) -> None:
        checks: dict = {"select": list(select)}
        if checkov is not None:
            checks["checkov"] = checkov
        if suppress:
            checks["suppress"] = suppress
        covering = ["checkov"] if (checkov or {}).get("enabled") else []
        requirement = {"id": "R-1", "description": "records bucket follows the AWS policies", "checks": covering}
        # block style: one line per suppression, as suppressions are told apart by their line
        write_requirements(yaml.safe_dump({"version": 1, "requirements": [requirement], "checks": checks},
                                          sort_keys=False))

    pytester.configure = configure  # type: ignore[attr-defined]
    return pytester


def test_off_by_default_and_never_imported(project):
    project.configure(checkov=None, select=("outputs",))
    project.makeconftest("import sys\ndef pytest_sessionfinish():\n    print('checkov imported:', 'checkov' in sys.modules)\n")
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*checkov imported: False*"])
    result.stdout.no_fnmatch_line("*iac::checkov*")


def test_selecting_it_while_off_is_a_usage_error(project):
    project.configure(checkov={"enabled": False})
    result = project.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*checks.select names the check 'checkov', which is off; turn it on with "
                                 "checks.checkov.enabled: true"])


def test_each_failed_policy_is_a_finding_with_address_path_and_policy(project):
    project.configure(checkov={"enabled": True, "checks": [LOGGING, REPLICATION, "CKV_AWS_20"]})  # 20 passes
    result = project.runpytest("-p", "no:cacheprovider", "--iac-report-json", "r.json")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "check checkov in stack payments: 2 finding(s)",
        "  [[]error] aws_s3_bucket.records (payments/records): CKV_AWS_18: Ensure the S3 bucket has access "
        "logging enabled.",
        "  [[]error] aws_s3_bucket.records (payments/records): CKV_AWS_144: Ensure that S3 bucket has "
        "cross-region replication enabled.",
    ])
    report = json.loads((project.path / "r.json").read_text())
    [check] = [c for c in report["checks"] if c["id"] == "checkov"]
    assert [(f["address"], f["path"], f["policy"]) for f in check["findings"]] == [
        ("aws_s3_bucket.records", "payments/records", LOGGING),
        ("aws_s3_bucket.records", "payments/records", REPLICATION),
    ]


def test_skip_checks_and_suppressions_by_policy(project):
    project.configure(
        checkov={"enabled": True, "skip_checks": ["CKV2_AWS_6", "CKV2_AWS_61", "CKV2_AWS_62", "CKV_AWS_21", "CKV_AWS_145"]},
        suppress=[{"check": "checkov", "policy": REPLICATION, "resource": "aws_s3_bucket.*",
                   "reason": "single-region example, no replica bucket"}])
    result = project.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "check checkov in stack payments: 2 finding(s)",
        "  [[]error] aws_s3_bucket.records (payments/records): CKV_AWS_18:*",
        "  [[]suppressed: single-region example, no replica bucket] aws_s3_bucket.records (payments/records): "
        "CKV_AWS_144:*",
    ])
    result.stdout.no_fnmatch_line("*CKV2_AWS_62*")  # all policies ran but the skipped ones
    project.configure(
        checkov={"enabled": True, "checks": [LOGGING]},
        suppress=[{"check": "checkov", "policy": "CKV_AWS_18", "resource": "*", "reason": "no log bucket in tests"},
                  {"check": "checkov", "policy": REPLICATION, "resource": "*", "reason": "single-region example"}])
    result = project.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["FAIL requirements.yaml:*: suppression of 'checkov' policy 'CKV_AWS_144' for",
                                 "     '[*]' matches no finding; remove it"])  # wrapped at 80 columns


def test_unknown_policy_id_is_a_usage_error_with_its_line(project):
    project.configure(checkov={"enabled": True, "checks": [LOGGING], "skip_checks": ["CKV_AWS_9999"]})
    text = (project.path / "requirements.yaml").read_text()
    result = project.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    line = text.index("CKV_AWS_9999")
    result.stderr.fnmatch_lines([f"*requirements.yaml:{text[:line].count(chr(10)) + 1}: checks.checkov names an "
                                 "unknown policy 'CKV_AWS_9999': checkov has no such Terraform policy*"])


def test_missing_checkov_fails_the_item_with_the_install_command(project):  # checkov hidden by the conftest
    project.configure(checkov={"enabled": True, "checks": [LOGGING]})
    project.makeconftest("""
        import sys

        class NoCheckov:
            def find_spec(self, name, path=None, target=None):
                if name == "checkov" or name.startswith("checkov."):
                    raise ImportError(f"No module named {name!r}")

        sys.meta_path.insert(0, NoCheckov())
    """)
    result = project.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["  [[]error] (stack): checks.checkov is enabled but checkov is not installed "
                                 "(*); install it with: pip install 'pytest-iac[[]checkov]'"])
    project.configure(checkov={"enabled": True, "checks": [LOGGING], "missing": "skip"})
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*checkov is not installed*(checks.checkov.missing: skip)"])


def test_the_run_attempts_no_network_connection(project, no_network):
    project.configure(checkov={"enabled": True})
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*network attempts: 0 [[][]]*"])
    result.stdout.fnmatch_lines(["check checkov in stack payments: 7 finding(s)"])
    assert "CKV_AWS_18" in result.stdout.str()


def test_the_result_and_the_policy_ids_are_cached(project):
    project.configure(checkov={"enabled": True, "checks": [LOGGING]})
    first = project.runpytest("--iac-report-json", "r.json", "--iac-cache", "on")  # CI turns it off by default
    first.assert_outcomes(passed=1, failed=1)
    cached = [c["cached"] for c in json.loads((project.path / "r.json").read_text())["checks"]]
    project.makeconftest("""
        from pytest_iac.checks import checkov_engine

        SAVED = (checkov_engine.run, checkov_engine.policy_ids)

        def refuse(*args, **kwargs):
            raise AssertionError("checkov ran although its result was cached")

        def pytest_configure():
            checkov_engine.run = refuse
            checkov_engine.policy_ids = refuse  # the ids' check reads them from the cache too

        def pytest_unconfigure():
            checkov_engine.run, checkov_engine.policy_ids = SAVED
    """)
    second = project.runpytest("--iac-report-json", "r.json", "--iac-cache", "on")
    second.assert_outcomes(passed=1, failed=1)
    second.stdout.fnmatch_lines(["*CKV_AWS_18: Ensure the S3 bucket has access logging enabled.*"])
    assert cached == [False]
    assert [c["cached"] for c in json.loads((project.path / "r.json").read_text())["checks"]] == [True]
    project.configure(checkov={"enabled": True, "checks": [LOGGING, REPLICATION]})  # another selection: a miss
    third = project.runpytest("--iac-cache", "on")
    third.stdout.fnmatch_lines(["*checkov ran although its result was cached*"])


def test_importing_checkov_leaves_logging_warnings_and_environment_alone(checkov, tmp_path):
    stack = tmp_path / "cdk.tf.json"
    stack.write_text(json.dumps(STACK))
    plan = {"format_version": "1.2", "terraform_version": "1.9.0", "planned_values": {"root_module": {"child_modules": [{"resources": [
        {"address": "module.m.aws_s3_bucket.b[1]", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
         "index": 1, "values": {"bucket": "b"}}]}]}}}
    script = f"""
import logging, os
from pathlib import Path
from pytest_iac.checks import checkov_engine
root = logging.getLogger()
switches = ("BC_SKIP_MAPPING", "EVAL_TF_PLAN_AFTER_UNKNOWN")
before = (root.level, list(root.handlers), list(root.filters), [os.environ.get(n) for n in switches])
failures = checkov_engine.run(Path({str(stack)!r}), ["CKV_AWS_18"])
failures += checkov_engine.run_plan({plan!r}, ["CKV_AWS_18"])
try:
    checkov_engine.run_plan({{"planned_values": {{}}}})
except checkov_engine.NotAPlan as exc:
    assert "no terraform_version" in str(exc)
else:
    raise AssertionError("a dict that is no plan passed")
assert "CKV_AWS_18" in checkov_engine.policy_ids()
after = (root.level, list(root.handlers), list(root.filters), [os.environ.get(n) for n in switches])
print([(f.policy, f.address) for f in failures], before == after)
"""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-W", "error", "-c", script], capture_output=True, text=True, env=env)
    assert (done.returncode, done.stdout.strip(), done.stderr) == (
        0, "[('CKV_AWS_18', 'aws_s3_bucket.records'), ('CKV_AWS_18', 'module.m.aws_s3_bucket.b[1]')] True", "")


# --- the YAML section (no checkov needed) ---------------------------------------------------

BASE = "version: 1\nrequirements:\n  - {id: R-1, description: x}\n"


def load(tmp_path, text):
    from pytest_iac.config.yaml_loader import load_requirements

    path = tmp_path / "requirements.yaml"
    path.write_text(BASE + text)
    return load_requirements(path, display_path="requirements.yaml")


def test_the_yaml_section_with_each_id_line(tmp_path):
    from pytest_iac.config.requirements import CheckovSettings

    assert load(tmp_path, "").checks.checkov == CheckovSettings() and not CheckovSettings().enabled
    assert load(tmp_path, "checks:\n  checkov:\n").checks.checkov == CheckovSettings()
    loaded = load(tmp_path, "checks:\n  checkov:\n    enabled: true\n    checks: [CKV_AWS_18]\n"
                            "    skip_checks:\n      - CKV2_AWS_62\n    missing: skip\n"
                            "  suppress:\n    - {check: checkov, policy: 'CKV_AWS_1*', resource: '*', "
                            "reason: no log bucket in tests}\n")
    settings = loaded.checks.checkov
    assert (settings.enabled, settings.checks, settings.skip_checks, settings.missing) == (
        True, ("CKV_AWS_18",), ("CKV2_AWS_62",), "skip")
    assert (settings.line, dict(settings.lines)) == (6, {"CKV_AWS_18": 7, "CKV2_AWS_62": 9})
    assert loaded.checks.suppress[0].policy == "CKV_AWS_1*"


@pytest.mark.parametrize("text, message", [
    ("checks:\n  checkov:\n    enable: true\n", "6:5: unknown key 'enable' in 'checkov'. Did you mean 'enabled'?"),
    ("checks:\n  checkov:\n    checks: [CKV AWS 18]\n",
     "6:14: each entry of 'checks' must be a checkov policy id such as CKV_AWS_18, got 'CKV AWS 18' (str)"),
    ("checks:\n  checkov:\n    checks: [CKV_AWS_18]\n    skip_checks: [CKV_AWS_20, CKV_AWS_18]\n",
     "7:31: policy 'CKV_AWS_18' is both in 'checks' and in 'skip_checks'. Remove it from one of them."),
    ("checks:\n  checkov:\n    missing: ignore\n", "6:14: 'missing' must be one of fail, skip, got 'ignore' (str)"),
    ("checks:\n  checkov: {enabled: yes please}\n", "5:22: 'enabled' must be true or false"),
    ("checks:\n  suppress:\n    - {check: checkov, policy: 'CKV AWS', resource: '*', reason: no log bucket here}\n",
     "6:32: 'policy' must be a checkov policy id such as CKV_AWS_18 (glob patterns allowed)"),
])
def test_the_yaml_section_rejects_bad_values_with_their_position(tmp_path, text, message):
    from pytest_iac.config.requirements import RequirementsError

    with pytest.raises(RequirementsError) as caught:
        load(tmp_path, text)
    assert str(caught.value).startswith(f"requirements.yaml:{message}")


def test_the_schema_describes_the_section_like_the_loader():
    import pytest_iac.config.yaml_format as loader
    from pytest_iac.config.requirements import WHEN_MISSING

    schema = loader.json_schema()["$defs"]
    assert set(schema["checkov"]["properties"]) == set(loader.KEYS["checks.checkov"])
    assert schema["checkov"]["properties"]["missing"]["enum"] == list(WHEN_MISSING)
    assert schema["policyId"]["pattern"] == loader.POLICY_PATTERN
    policy = schema["suppression"]["properties"]["policy"]["anyOf"][0]
    assert policy["pattern"] == loader.POLICY_GLOB_PATTERN


def test_a_stack_without_synthesized_json_fails_instead_of_passing_empty(tmp_path):
    from pytest_iac.assertions.template import Template
    from pytest_iac.checks import checkov_policies
    from pytest_iac.checks.base import CheckContext
    from pytest_iac.config.requirements import CheckovSettings, CheckSettings

    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    options = CheckSettings(checkov=CheckovSettings(enabled=True))
    ctx = CheckContext(Template({"resource": {}}, stack_name="infra"), "infra", tmp_path, tmp_path, options)
    [finding] = checkov_policies.run(ctx)
    assert finding.address is None and finding.severity is None
    assert finding.message.startswith("checkov reads the synthesized cdk.tf.json or a Terraform module's plan, and "
                                      "stack infra has neither")
