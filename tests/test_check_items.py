"""Checks as pytest items: collection, selection, findings, suppressions, requirements, plugins."""

from __future__ import annotations

import json
import os
import shutil

import pytest

ALARM_CONFLICT = {
    "terraform": {"required_providers": {"aws": {"source": "aws", "version": "5.100.0"}}},
    "resource": {
        "aws_cloudwatch_metric_alarm": {
            "latency": {
                "//": {"metadata": {"path": "payments/latency", "uniqueId": "latency"}},
                "alarm_name": "api-latency-p99",
                "comparison_operator": "GreaterThanThreshold",
                "evaluation_periods": 2,
                "metric_name": "IntegrationLatency",
                "namespace": "AWS/ApiGateway",
                "period": 300,
                "threshold": 1000,
                "extended_statistic": "p99",
                "statistic": "Average",
            }
        }
    },
    "output": {"alarm": {"value": "${aws_cloudwatch_metric_alarm.latency.arn}"}},
}


@pytest.fixture
def checked_project(pytester, write_requirements):
    """A synthesized stack with the seed's alarm conflict, a README, and the gate on."""
    stack = pytester.path / "cdktf.out" / "stacks" / "payments"
    stack.mkdir(parents=True)
    (stack / "cdk.tf.json").write_text(json.dumps(ALARM_CONFLICT))
    (pytester.path / "README.md").write_text("# payments\n")
    pytester.makepyfile(test_unit="def test_unit():\n    assert 1 + 1 == 2\n")
    pytester.makeini("[pytest]\niac_app = cdktf.out\niac_requirements = requirements.yaml\n")
    write_requirements("""
        version: 1
        requirements:
          - {id: R-1, description: alarms are valid, checks: [cloudwatch-statistic]}
        checks:
          select: [cloudwatch-statistic, outputs, docs]
    """)
    return pytester


def test_checks_are_items_per_check_and_stack(checked_project):
    result = checked_project.runpytest("--collect-only", "-q")
    result.stdout.fnmatch_lines([
        "test_unit.py::test_unit",
        "iac::cloudwatch-statistic[payments]",
        "iac::outputs[payments]",
        "iac::docs",
    ])


def test_marker_and_keyword_select_checks(checked_project):
    result = checked_project.runpytest("-m", "iac_check", "--collect-only", "-q")
    result.stdout.no_fnmatch_line("test_unit.py::test_unit")
    result.stdout.fnmatch_lines(["iac::outputs[payments]"])
    result = checked_project.runpytest("-k", "outputs", "--collect-only", "-q")
    result.stdout.fnmatch_lines(["iac::outputs[payments]", "*1/4 tests collected (3 deselected)*"])


def test_failing_check_lists_findings_and_fails_its_requirement(checked_project, run_with_report):
    result, data = run_with_report()
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines([
        "check cloudwatch-statistic in stack payments: 1 finding(s)",
        "  [[]error] aws_cloudwatch_metric_alarm.latency (payments/latency): *extended_statistic*",
        "R-1*failed*",
    ])
    by_id = {c["id"]: c for c in data["checks"]}
    assert by_id["cloudwatch-statistic"]["status"] == "failed"
    assert by_id["cloudwatch-statistic"]["findings"][0]["address"] == "aws_cloudwatch_metric_alarm.latency"
    assert by_id["cloudwatch-statistic"]["findings"][0]["path"] == "payments/latency"
    assert by_id["docs"]["status"] == "passed"


def test_suppression_with_reason_turns_a_finding_into_a_suppressed_one(checked_project, write_requirements,
                                                                      run_with_report):
    write_requirements("""
        version: 1
        requirements:
          - {id: R-1, description: alarms are valid, checks: [cloudwatch-statistic]}
        checks:
          select: [cloudwatch-statistic]
          suppress:
            - check: cloudwatch-statistic
              resource: "payments/lat*"
              reason: "vendor dashboard needs both until ticket OPS-12"
    """)
    result, data = run_with_report()
    assert result.ret == 0
    finding = data["checks"][0]["findings"][0]
    assert (finding["suppressed"], finding["reason"]) == (True, "vendor dashboard needs both until ticket OPS-12")


def test_suppression_matching_nothing_fails_the_gate(checked_project, write_requirements):
    write_requirements("""
        version: 1
        requirements:
          - {id: R-1, description: outputs exist, checks: [outputs]}
        checks:
          select: [outputs]
          suppress:
            - check: outputs
              resource: aws_s3_bucket.gone
              reason: "kept from an older version of the stack"
    """)
    result = checked_project.runpytest()
    assert result.ret == 1
    result.stdout.fnmatch_lines(["FAIL requirements.yaml:8: suppression of 'outputs' for 'aws_s3_bucket.gone'",
                                 "     matches no finding; remove it"])


def test_unknown_check_id_is_a_usage_error(checked_project, write_requirements):
    write_requirements("""
        version: 1
        requirements:
          - {id: R-1, description: x, checks: [cloudwatch-statistics]}
    """)
    result = checked_project.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*requirement R-1 names an unknown check 'cloudwatch-statistics'. Did you mean 'cloudwatch-statistic'?"])


def test_checks_off_and_synth_failure(checked_project):
    result = checked_project.runpytest("--iac-checks", "off", "--collect-only", "-q")
    result.stdout.no_fnmatch_line("iac::*")
    (checked_project.path / "cdktf.out" / "stacks" / "payments" / "cdk.tf.json").write_text('{"resource": []}')
    result = checked_project.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR  # read at startup: one usage error, not a failed check
    result.stderr.fnmatch_lines(["ERROR: stack entry 'cdktf.out'*$.resource must be an object of resource types, got an array"])


def test_plugin_adds_a_check_through_the_hook(checked_project, write_requirements):
    write_requirements("""
        version: 1
        requirements:
          - {id: R-1, description: alarms are named, checks: [alarm-names]}
        checks:
          select: [alarm-names]
    """)
    checked_project.makeconftest("""
        from pytest_iac.checks.base import Check, Finding

        def alarm_names(ctx):
            for view in ctx.template.resources("aws_cloudwatch_metric_alarm"):
                if not view["alarm_name"].startswith("payments-"):
                    yield Finding(view.address, f"alarm_name {view['alarm_name']!r} lacks the 'payments-' prefix")

        def pytest_iac_checks(config):
            return [Check(id="alarm-names", description="alarms carry the team prefix", run=alarm_names)]
    """)
    result = checked_project.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*[[]error] aws_cloudwatch_metric_alarm.latency (payments/latency): alarm_name 'api-latency-p99' lacks*"])


def test_missing_terraform_skips_validate_and_strict_fails_it(checked_project, write_requirements, monkeypatch):
    write_requirements("""
        version: 1
        requirements:
          - {id: R-1, description: valid terraform, checks: [validate]}
        checks:
          select: [validate]
    """)
    monkeypatch.setenv("PYTEST_IAC_TERRAFORM", str(checked_project.path / "no-terraform-here"))
    result = checked_project.runpytest("-rs")
    result.assert_outcomes(passed=1, skipped=1)
    assert result.ret == 1, "a skipped check does not satisfy its requirement"
    result = checked_project.runpytest("--iac-strict")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*(fails under --iac-strict)*"])


VALID_STACK = {
    "terraform": {"required_providers": {"aws": {"source": "aws", "version": "5.100.0"}}},
    "provider": {"aws": [{"region": "us-east-1"}]},
    "resource": {"aws_sqs_queue": {"jobs": {"//": {"metadata": {"path": "payments/jobs"}}, "name": "jobs"}}},
}


def test_validate_result_is_reused_while_the_output_and_tools_are_unchanged(pytester, write_requirements, monkeypatch,
                                                                         terraform_mirror):
    monkeypatch.delenv("CI", raising=False)
    stack_file = pytester.path / "cdktf.out" / "stacks" / "payments" / "cdk.tf.json"
    stack_file.parent.mkdir(parents=True)
    stack_file.write_text(json.dumps(VALID_STACK))
    write_requirements("version: 1\nrequirements:\n  - {id: R-1, description: valid, checks: [validate]}\n"
                       "checks:\n  select: [validate]\n")

    def validate_result():
        result = pytester.runpytest("--iac-app", "cdktf.out", "--iac-requirements", "requirements.yaml",
                                    "--iac-report-json", "r.json")
        assert result.ret == 0, result.stdout.str()
        return json.loads((pytester.path / "r.json").read_text())["checks"][0]

    assert validate_result()["cached"] is False
    assert validate_result()["cached"] is True
    stack_file.write_text(json.dumps({**VALID_STACK, "output": {"queue": {"value": "${aws_sqs_queue.jobs.url}"}}}))
    assert validate_result()["cached"] is False


UNSTATED_SSE = {
    "resource": {"aws_s3_bucket": {"data": {"//": {"metadata": {"path": "payments/data"}}, "bucket": "data-dev"}}},
    "output": {"bucket": {"value": "${aws_s3_bucket.data.bucket}"}},
}


def test_warnings_of_passing_checks_are_listed_and_reported(pytester, write_requirements, run_with_report):
    """A bucket without an encryption configuration passes encryption-at-rest with a warning: the
    terminal summary lists it (check, resource, message) and both reports carry it."""
    stack = pytester.path / "cdktf.out" / "stacks" / "payments"
    stack.mkdir(parents=True)
    (stack / "cdk.tf.json").write_text(json.dumps(UNSTATED_SSE))
    write_requirements("""
        version: 1
        app: {entry: cdktf.out}
        requirements:
          - {id: R-1, description: data is encrypted, checks: [encryption-at-rest]}
        checks:
          select: [encryption-at-rest, outputs]
    """)
    result, report = run_with_report("--iac-requirements=requirements.yaml", "--iac-report-md=r.md")
    result.assert_outcomes(passed=2)
    result.stdout.re_match_lines([
        r"iac check warning: encryption-at-rest\[payments\] aws_s3_bucket\.data \(payments/data\): .*encrypt"])
    assert result.stdout.str().count("iac check warning:") == 1, "one line per warning, none for clean checks"
    [warning] = report["check_warnings"]
    assert warning == {"check": "encryption-at-rest", "stack": "payments", "address": "aws_s3_bucket.data",
                       "path": "payments/data", "message": warning["message"]}
    assert "encrypt" in warning["message"]
    markdown = (pytester.path / "r.md").read_text()
    assert "### Checks that passed with warnings" in markdown
    assert "| encryption-at-rest[payments] | aws_s3_bucket.data (payments/data) |" in markdown


def test_checks_without_the_gate_still_show_their_warnings(pytester):
    stack = pytester.path / "cdktf.out" / "stacks" / "payments"
    stack.mkdir(parents=True)
    (stack / "cdk.tf.json").write_text(json.dumps(UNSTATED_SSE))
    result = pytester.runpytest("--iac-app=cdktf.out", "--iac-checks=on", "-k", "encryption", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.re_match_lines([r"iac check warning: encryption-at-rest\[payments\] aws_s3_bucket\.data "])


def test_json_entry_of_any_name_is_validated(pytester, write_requirements, monkeypatch, terraform_mirror):
    monkeypatch.delenv("CI", raising=False)
    (pytester.path / "my-stack.json").write_text(json.dumps(VALID_STACK))
    write_requirements("version: 1\nrequirements:\n  - {id: R-1, description: valid, checks: [validate]}\n"
                       "checks:\n  select: [validate]\n")
    result = pytester.runpytest("--iac-app=my-stack.json", "--iac-requirements=requirements.yaml",
                                "--iac-report-json=r.json", "-p", "no:cacheprovider")
    assert result.ret == 0, result.stdout.str()
    check = json.loads((pytester.path / "r.json").read_text())["checks"][0]
    assert (check["id"], check["status"]) == ("validate", "passed")
