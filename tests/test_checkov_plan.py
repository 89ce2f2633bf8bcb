"""The ``checkov`` check on a Terraform module entry: checkov's plan runner reads the module's plan,
so each finding names terraform's instance address (``module.queues.aws_sqs_queue.q[1]``) and the
policy; a value the module sets but that is known only after apply counts as set; suppressions name
both; the user's module directory is never written to; the plan cache and the check cache give the
same findings, and a changed plan is judged again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from test_terraform_module import AWS_PROVIDER_TF

ROOT_TF = AWS_PROVIDER_TF + """
resource "aws_s3_bucket" "records" {
  bucket = "records-test"
}

resource "aws_kms_key" "k" {}

resource "aws_sns_topic" "alerts" {
  name              = "alerts"
  kms_master_key_id = aws_kms_key.k.arn
}

module "queues" {
  source = "./modules/queues"
}
"""

QUEUES_TF = """\
resource "aws_sqs_queue" "q" {
  count = %d
  name  = "jobs-${count.index}"
}
"""
LOGGING = "CKV_AWS_18"  # S3 access logging
SQS_ENCRYPTION = "CKV_AWS_27"  # SQS queue encrypted
SNS_ENCRYPTION = "CKV_AWS_26"  # SNS topic encrypted
REPLICATION = "CKV_AWS_144"  # S3 cross-region replication


@pytest.fixture
def module_project(pytester: pytest.Pytester, write_requirements, terraform_mirror: str, checkov: None):
    """Module ``infra`` (a bare bucket; child module ``queues`` with a queue of ``count = 2``) as the
    entry; ``configure(checkov=..., suppress=...)`` writes the YAML, ``queues(n)`` the queue count."""
    infra = pytester.path / "infra"
    (infra / "modules" / "queues").mkdir(parents=True)
    (infra / "main.tf").write_text(ROOT_TF)

    def queues(count: int) -> None:
        (infra / "modules" / "queues" / "main.tf").write_text(QUEUES_TF % count)

    def configure(checkov: dict, suppress: list | None = None) -> None:
        checks: dict = {"select": ["checkov"], "checkov": checkov}
        if suppress:
            checks["suppress"] = suppress
        requirement = {"id": "R-1", "description": "the module follows the AWS policies", "checks": ["checkov"]}
        write_requirements(yaml.safe_dump({"version": 1, "app": {"entry": "infra"}, "requirements": [requirement],
                                           "checks": checks}, sort_keys=False))

    queues(2)
    pytester.makepyfile(test_unit="def test_unit():\n    assert True\n")
    pytester.configure = configure  # type: ignore[attr-defined]
    pytester.queues = queues  # type: ignore[attr-defined]
    return pytester


def tree(root: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(root)): p.read_bytes() if p.is_file() else None for p in sorted(root.rglob("*"))}


def findings(project: pytest.Pytester) -> tuple[list[tuple[str, str, str]], bool]:
    report = json.loads((project.path / "r.json").read_text())
    [check] = [c for c in report["checks"] if c["id"] == "checkov"]
    return [(f["address"], f["path"], f["policy"]) for f in check["findings"]], check["cached"]


def test_findings_name_instance_addresses_and_policies_and_the_module_is_not_written(module_project):
    # the topic's key is known only after apply but set by the module: encrypted; the bucket's
    # logging and the queues' encryption are left to the provider (unknown too): not set
    module_project.configure({"enabled": True, "checks": [LOGGING, SQS_ENCRYPTION, SNS_ENCRYPTION]})
    before = tree(module_project.path / "infra")
    result = module_project.runpytest("--iac-requirements", "requirements.yaml", "--iac-report-json", "r.json",
                                      "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "check checkov in stack infra: 3 finding(s)",
        "  [[]error] aws_s3_bucket.records (infra/aws_s3_bucket.records): CKV_AWS_18: Ensure the S3 bucket has "
        "access logging enabled.",
        "  [[]error] module.queues.aws_sqs_queue.q[[]0] (infra/module.queues.aws_sqs_queue.q[[]0]): CKV_AWS_27: "
        "Ensure all data stored in the SQS queue is encrypted.",
        "  [[]error] module.queues.aws_sqs_queue.q[[]1] (*): CKV_AWS_27: *",
    ])
    assert findings(module_project) == ([
        ("aws_s3_bucket.records", "infra/aws_s3_bucket.records", LOGGING),
        ("module.queues.aws_sqs_queue.q[0]", "infra/module.queues.aws_sqs_queue.q[0]", SQS_ENCRYPTION),
        ("module.queues.aws_sqs_queue.q[1]", "infra/module.queues.aws_sqs_queue.q[1]", SQS_ENCRYPTION),
    ], False)
    assert tree(module_project.path / "infra") == before


def test_suppressions_name_the_policy_and_the_instance_address(module_project):
    module_project.configure(
        {"enabled": True, "checks": [LOGGING, SQS_ENCRYPTION]},
        suppress=[{"check": "checkov", "policy": SQS_ENCRYPTION, "resource": "module.queues.aws_sqs_queue.q[1]",
                   "reason": "the replay queue holds public events only"},
                  {"check": "checkov", "policy": "CKV_AWS_1*", "resource": "aws_s3_bucket.*",
                   "reason": "access logs go to the audit account's bucket"}])
    result = module_project.runpytest("--iac-requirements", "requirements.yaml", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "check checkov in stack infra: 3 finding(s)",
        "  [[]suppressed: access logs go to the audit account's bucket] aws_s3_bucket.records (*): CKV_AWS_18:*",
        "  [[]error] module.queues.aws_sqs_queue.q[[]0] (*): CKV_AWS_27:*",
        "  [[]suppressed: the replay queue holds public events only] module.queues.aws_sqs_queue.q[[]1] (*): "
        "CKV_AWS_27:*",
    ])
    result.stdout.no_fnmatch_line("*matches no finding*")


def test_the_plan_run_attempts_no_network_connection(module_project, no_network):
    module_project.configure({"enabled": True})
    result = module_project.runpytest_subprocess("--iac-requirements", "requirements.yaml", "-p", "no:cacheprovider",
                                                 "-s")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*network attempts: 0 [[][]]*"])
    result.stdout.fnmatch_lines(["*module.queues.aws_sqs_queue.q[[]1] (*): CKV_AWS_27:*"])


def test_cached_findings_are_the_same_and_a_changed_plan_is_judged_again(module_project):
    module_project.configure({"enabled": True, "checks": [LOGGING, SQS_ENCRYPTION]})
    args = ("--iac-requirements", "requirements.yaml", "--iac-report-json", "r.json", "--iac-cache", "on")
    module_project.runpytest(*args).assert_outcomes(passed=1, failed=1)  # CI turns the cache off by default
    cold, cold_cached = findings(module_project)
    module_project.makeconftest("""
        from pytest_iac.checks import checkov_engine

        SAVED = checkov_engine.run_plan

        def refuse(*args, **kwargs):
            raise AssertionError("checkov ran although its result was cached")

        def pytest_configure():
            checkov_engine.run_plan = refuse

        def pytest_unconfigure():
            checkov_engine.run_plan = SAVED
    """)
    warm = module_project.runpytest(*args)
    warm.assert_outcomes(passed=1, failed=1)
    warm.stdout.fnmatch_lines(["*cache hit*"])  # the plan came from the plan cache
    assert findings(module_project) == (cold, True) and not cold_cached
    module_project.queues(3)  # a changed plan: checkov must run again
    changed = module_project.runpytest(*args)
    changed.stdout.fnmatch_lines(["*checkov ran although its result was cached*"])
    (module_project.path / "conftest.py").unlink()
    module_project.runpytest(*args).assert_outcomes(passed=1, failed=1)
    addresses = [address for address, _, _ in findings(module_project)[0]]
    assert "module.queues.aws_sqs_queue.q[2]" in addresses and findings(module_project)[1] is False
