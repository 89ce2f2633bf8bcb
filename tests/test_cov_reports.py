"""--iac-cov-report and the data file: coverage.py's reporters on the data the gate judged."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

NAMING = """\
PREFIX = "pay"


def bucket_name(suffix):
    if suffix:
        return f"{PREFIX}-data-{suffix}"
    return f"{PREFIX}-data"


def unused():
    return PREFIX.upper()
"""

ONE_BRANCH = """
    import pytest
    from stackpkg.naming import bucket_name

    @pytest.mark.requirement("R-1")
    def test_with_suffix():
        assert bucket_name("dev") == "pay-data-dev"
"""


@pytest.fixture
def stack_project(pytester, write_requirements):
    pkg = pytester.mkpydir("stackpkg")
    (pkg / "naming.py").write_text(NAMING)
    pytester.makeini("[pytest]\npythonpath = .\n")
    write_requirements("""
        version: 1
        requirements:
          - {id: R-1, description: names carry the suffix}
        coverage:
          source: [stackpkg]
          fail_under: 0
    """)
    pytester.makepyfile(test_naming=ONE_BRANCH)
    return pytester


def _run(pytester, *args, subprocess=True):
    run = pytester.runpytest_subprocess if subprocess else pytester.runpytest
    result = run("--iac-requirements", "requirements.yaml", "--iac-report-json", "r.json", "-p", "no:cacheprovider",
                 "--iac-checks", "off", *args)
    report = pytester.path / "r.json"
    return result, (json.loads(report.read_text()) if report.exists() else None)


def _json_total(path) -> float:
    return round(json.loads(path.read_text())["totals"]["percent_covered"], 2)


def _xml_total(path) -> float:
    return round(float(ET.parse(path).getroot().get("line-rate")) * 100, 2)


def test_every_report_type_shows_the_gate_figure(stack_project):
    result, data = _run(stack_project, "--iac-cov-report", "term-missing", "--iac-cov-report", "xml:out/cov.xml",
                        "--iac-cov-report", "json:cov.json", "--iac-cov-report", "html:cov_html",
                        "--iac-cov-report", "lcov")
    assert result.ret == 0, result.stdout.str()
    gate = data["coverage"]["percent"]
    assert 0 < gate < 100
    assert _json_total(stack_project.path / "cov.json") == gate
    assert _xml_total(stack_project.path / "out" / "cov.xml") == gate
    assert "<title>" in (stack_project.path / "cov_html" / "index.html").read_text()
    assert "SF:" in (stack_project.path / "coverage.lcov").read_text()
    result.stdout.fnmatch_lines([
        "*- iac line coverage -*",
        "Name*Stmts*Miss*Cover*Missing",
        "stackpkg*naming.py * 7, 11",
        f"TOTAL * {gate:.2f}%",
        "Coverage XML written to file *cov.xml",
        "Coverage HTML written to dir *cov_html",
    ])


def test_coverage_report_reads_the_data_file_after_the_run(stack_project, coverage_cli_total):
    _, data = _run(stack_project)
    assert (stack_project.path / ".coverage").is_file()
    assert coverage_cli_total() == data["coverage"]["percent"]


def test_data_file_goes_where_coverage_file_says(stack_project, monkeypatch, coverage_cli_total):
    monkeypatch.setenv("COVERAGE_FILE", "elsewhere.db")
    _, data = _run(stack_project)
    assert not (stack_project.path / ".coverage").exists()
    assert (stack_project.path / "elsewhere.db").is_file()
    assert coverage_cli_total() == data["coverage"]["percent"]


def test_branch_coverage_figures_agree(stack_project, coverage_cli_total):
    _, data = _run(stack_project, "--iac-cov-branch", "--iac-cov-report", "json:cov.json")
    gate = data["coverage"]["percent"]
    assert _json_total(stack_project.path / "cov.json") == gate
    assert json.loads((stack_project.path / "cov.json").read_text())["meta"]["branch_coverage"] is True
    assert coverage_cli_total() == gate


def test_ini_twin_resolves_dest_next_to_the_ini(stack_project):
    stack_project.makeini("[pytest]\npythonpath = .\niac_cov_report =\n    json:reports/cov.json\n    term\n")
    result, data = _run(stack_project)
    assert _json_total(stack_project.path / "reports" / "cov.json") == data["coverage"]["percent"]
    result.stdout.fnmatch_lines([f"TOTAL * {data['coverage']['percent']:.2f}%"])


def test_bad_type_is_a_usage_error_naming_the_valid_ones(stack_project):
    result, _ = _run(stack_project, "--iac-cov-report", "yaml:cov.yaml", subprocess=False)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--iac-cov-report: 'yaml:cov.yaml' is not a coverage report type; "
                                 "valid: term, term-missing, html, xml, json, lcov*"])


def test_without_the_gate_it_is_a_usage_error(stack_project):
    result = stack_project.runpytest("--iac-cov-report", "term")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--iac-cov-report: line coverage is measured by the requirement gate*"])


def test_xdist_workers_data_combined_into_the_same_figures(stack_project, xdist, coverage_cli_total):
    stack_project.makepyfile(test_more="""
        from stackpkg.naming import bucket_name

        def test_without_suffix():
            assert bucket_name("") == "pay-data"
    """)
    _, serial = _run(stack_project, "--iac-cov-report", "json:serial.json")
    serial_cli = coverage_cli_total()
    result, dist = _run(stack_project, "-n", "2", "--iac-cov-report", "json:dist.json")
    result.stdout.fnmatch_lines(["iac: *(min 0%, from workers)"])
    gate = dist["coverage"]["percent"]
    assert gate == serial["coverage"]["percent"] == _json_total(stack_project.path / "dist.json")
    assert _json_total(stack_project.path / "serial.json") == gate
    assert coverage_cli_total() == serial_cli == gate


def test_an_unwritable_report_is_said_and_the_others_are_written(stack_project):
    (stack_project.path / "blocked").write_text("a file, not a directory")
    result, data = _run(stack_project, "--iac-cov-report", "xml:blocked/cov.xml", "--iac-cov-report", "json:cov.json")
    assert result.ret == 0
    assert _json_total(stack_project.path / "cov.json") == data["coverage"]["percent"]
    result.stdout.fnmatch_lines(["WARNING: could not write the xml coverage report: *"])


def test_html_of_the_gate_data_renders_into_a_given_directory(stack_project):
    stack_project.makeconftest("""
        from pathlib import Path

        from pytest_iac.gate.covreports import write_html
        from pytest_iac.state import STATE

        def pytest_iac_verdict(config, verdict):
            index = write_html(verdict.evidence, config.stash[STATE].settings.coverage, Path("site") / "coverage")
            Path("index-path.txt").write_text(str(index))
    """)
    _, data = _run(stack_project)
    index = stack_project.path / "site" / "coverage" / "index.html"
    assert (stack_project.path / "index-path.txt").read_text() == str(index.relative_to(stack_project.path))
    assert f"{round(data['coverage']['percent'])}%" in index.read_text()
