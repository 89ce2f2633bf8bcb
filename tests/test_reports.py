"""What the report files carry: per-resource evidence, reports without a requirements file, and
the Markdown report's sections, driven through pytester from synthesized JSON."""

from __future__ import annotations

import json

import pytest

EXAMINING = """
    import pytest

    @pytest.mark.requirement("R-1")
    def test_network(iac_stack):
        iac_stack.has_resource_properties("aws_vpc", {"cidr_block": "10.0.0.0/16"})

    def test_key(iac_stack):
        assert iac_stack.resource("aws_kms_key.key")["enable_key_rotation"] is True
        iac_stack.has_resource_properties("aws_vpc", {"cidr_block": "10.0.0.0/16"})
"""


@pytest.fixture
def stack_project(pytester, synthesized_stack):
    pytester.makeini("[pytest]\niac_app = cdktf.out\n")
    pytester.makepyfile(test_stack=EXAMINING)
    return pytester


def test_resource_coverage_names_each_resource_its_construct_path_and_examiners(stack_project, write_requirements):
    write_requirements({"R-1": "network"})
    result = stack_project.runpytest("--iac-requirements=requirements.yaml", "--iac-report-json=r.json",
                                     "--iac-checks=off")
    assert result.ret == 0, result.stdout.str()
    each = json.loads((stack_project.path / "r.json").read_text())["resources"]["each"]
    by_address = {e.pop("address"): e for e in each}
    assert len(by_address) == 13
    assert by_address["aws_vpc.vpc"] == {
        "path": "payments/vpc",
        "examined_by": ["test_stack.py::test_key", "test_stack.py::test_network"],
    }
    assert by_address["aws_kms_key.key"]["examined_by"] == ["test_stack.py::test_key"]
    assert by_address["aws_s3_bucket.storage_logs_6F1A2B3C"] == {"path": "payments/storage/logs", "examined_by": []}


def test_json_report_without_a_requirements_file_carries_synthesis_and_resources(stack_project):
    result = stack_project.runpytest("--iac-report-json=r.json")
    result.assert_outcomes(passed=2)
    assert result.ret == 0
    data = json.loads((stack_project.path / "r.json").read_text())
    assert data["verdict"] == "pass"
    assert data["requirements"] == []
    assert data["synth"]["stacks"] == ["payments"] and data["synth"]["resources"] == 13
    assert (data["resources"]["total"], data["resources"]["covered"]) == (13, 2)
    assert "coverage" not in data, "line coverage is measured only under the gate"
    assert "iac requirements" not in result.stdout.str(), "no gate section without a requirements file"


def test_checks_are_reported_without_a_requirements_file(stack_project):
    result = stack_project.runpytest("--iac-report-json=r.json", "--iac-checks=on", "-p", "no:cacheprovider")
    data = json.loads((stack_project.path / "r.json").read_text())
    secrets = next(c for c in data["checks"] if c["id"] == "plaintext-secrets")
    assert secrets["status"] == "failed"
    assert [(f["address"], f["path"]) for f in secrets["findings"]] == [("aws_db_instance.db", "payments/db")]
    assert result.ret == 1, "failing check items fail the run by themselves"



def test_markdown_report_without_a_requirements_file(stack_project):
    result = stack_project.runpytest("--iac-report-md=r.md")
    assert result.ret == 0
    markdown = (stack_project.path / "r.md").read_text()
    assert markdown.startswith("## ✅ pytest-iac: PASS")
    assert "No requirements file" in markdown


def test_markdown_report_carries_every_section(stack_project, write_requirements, monkeypatch):
    write_requirements("""
        version: 1
        requirements:
          - {id: R-1, description: "network | layout"}
          - {id: R-2, description: no secrets in the code, checks: [plaintext-secrets]}
        checks:
          select: [plaintext-secrets, encryption-at-rest]
        coverage:
          resources_fail_under: 10
    """)
    summary = stack_project.path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = stack_project.runpytest("--iac-requirements=requirements.yaml", "--iac-report-md=r.md",
                                     "-p", "no:cacheprovider")
    assert result.ret == 1
    markdown = (stack_project.path / "r.md").read_text()
    assert summary.read_text() == markdown
    assert markdown.startswith("## ❌ pytest-iac: FAIL\n\npytest exit status: 1\n\n- 1 of 2 requirements not satisfied (failed: R-2)\n")
    assert "| R-1 | passed | 1/1 passing | network \\| layout |" in markdown
    assert "| R-2 | failed | 0/1 passing | no secrets in the code |" in markdown
    assert "- Line coverage: **not measured** (required 100%) — no Python source to measure" in markdown
    assert "- Resource coverage: **2/13** asserted on (15.38%) (required 10%)" in markdown
    assert "- `aws_s3_bucket.storage_logs_6F1A2B3C` (payments/storage/logs)" in markdown
    assert "| plaintext-secrets | payments | failed | 1 | 0 | 0 |" in markdown
    assert "| encryption-at-rest | payments | passed | 0 | 2 | 0 |" in markdown
    assert "- **warning** encryption-at-rest `aws_s3_bucket.storage_logs_6F1A2B3C` (payments/storage/logs)" in markdown
    assert "kms_master_key_id=&lt;your key's ARN&gt;" in markdown
    assert "- **error** plaintext-secrets `aws_db_instance.db` (payments/db): password is a literal" in markdown
    assert "| `cdktf.out` | payments | 13 |" in markdown
