"""The exit status and the reports tell the truth about the whole run: a failed run never exits
0, the JSON verdict covers every failure, and a run that dies leaves an ``incomplete`` report."""

from __future__ import annotations

import json
import signal

import pytest

REQS = {"R-1": "first thing", "R-2": "second thing"}

LINKED = """
    import pytest

    def value():
        return 2

    @pytest.mark.requirement("R-1")
    def test_one():
        assert value() == 2
"""


def _report(pytester: pytest.Pytester, name: str = "r.json") -> dict:
    return json.loads((pytester.path / name).read_text(encoding="utf-8"))


def test_pytest_exit_with_returncode_0_cannot_hide_a_failed_gate(pytester, write_requirements):
    write_requirements(REQS)
    pytester.makepyfile(LINKED + """
    @pytest.mark.requirement("R-2")
    def test_two():
        pytest.exit("leaving early", returncode=0)
    """)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml", "--iac-report-json=r.json")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["FAIL no result for 1 linked test(s)*", "iac: exit status 0 replaced by 1*"])
    data = _report(pytester)
    assert (data["verdict"], data["exitstatus"], data["gate"]) == ("fail", 1, "fail")


def test_pytest_exit_in_another_plugins_sessionfinish_cannot_hide_a_failed_gate(pytester, write_requirements):
    write_requirements({**REQS, "R-3": "nobody tests me"})
    pytester.makeconftest("""
        import pytest
        def pytest_sessionfinish(session):
            pytest.exit("all good, really", returncode=0)
    """)
    pytester.makepyfile(LINKED)
    result = pytester.runpytest_subprocess("--iac-requirements", "requirements.yaml", "--iac-report-json=r.json")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert _report(pytester)["exitstatus"] == 1


def test_a_conftest_that_zeroes_the_exit_status_is_overruled(pytester, write_requirements):
    write_requirements(REQS)
    pytester.makeconftest("""
        def pytest_sessionfinish(session):
            session.exitstatus = 0
    """)
    pytester.makepyfile(LINKED)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["FAIL 1 of 2 requirements not satisfied (untested: R-2)"])


def test_json_verdict_covers_unlinked_failures_errors_and_checks(pytester, write_requirements):
    write_requirements({"R-1": "x"})
    pytester.makepyfile(LINKED + """
    @pytest.fixture
    def broken():
        raise RuntimeError("fixture broke")

    def test_unlinked():
        assert value() == 3

    def test_errored(broken):
        assert broken == 1
    """)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml", "--iac-report-json=r.json",
                                "--iac-report-md=r.md")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["PASS all 1 requirements satisfied"])
    data = _report(pytester)
    assert (data["verdict"], data["gate"], data["exitstatus"]) == ("fail", "pass", 1)
    name = "test_json_verdict_covers_unlinked_failures_errors_and_checks.py"
    assert data["reasons"] == [
        f"test error in setup: {name}::test_errored: RuntimeError: fixture broke",
        f"test failed: {name}::test_unlinked: assert 2 == 3",
    ]
    markdown = (pytester.path / "r.md").read_text(encoding="utf-8")
    assert markdown.startswith("## ❌ pytest-iac: FAIL\n\npytest exit status: 1\n")
    assert f"- test failed: {name}::test_unlinked: assert 2 == 3" in markdown


def test_a_collection_error_is_a_reason(pytester, write_requirements):
    write_requirements({"R-1": "x"})
    pytester.makepyfile(LINKED)
    pytester.makepyfile(test_broken="import no_such_module_here\n")
    result = pytester.runpytest("--iac-requirements", "requirements.yaml", "--iac-report-json=r.json")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    data = _report(pytester)
    assert data["verdict"] == "fail"
    assert data["exitstatus"] == 2
    assert any(r.startswith("collection error: test_broken.py: ") and "no_such_module_here" in r
               for r in data["reasons"]), data["reasons"]
    assert "pytest exit status 2 (interrupted)" in data["reasons"]


def test_a_passing_run_reports_pass_and_exit_status_0(pytester, write_requirements):
    write_requirements({"R-1": "x"})
    pytester.makepyfile(LINKED)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml", "--iac-report-json=r.json")
    assert result.ret == 0
    data = _report(pytester)
    assert (data["verdict"], data["gate"], data["exitstatus"], data["reasons"]) == ("pass", "pass", 0, [])


def test_a_killed_run_leaves_an_incomplete_report(pytester, write_requirements):
    write_requirements({"R-1": "x"})
    previous = {"version": 1, "verdict": "pass", "exitstatus": 0, "reasons": [], "requirements": []}
    (pytester.path / "r.json").write_text(json.dumps(previous), encoding="utf-8")
    (pytester.path / "r.md").write_text("## ✅ pytest-iac: PASS\n", encoding="utf-8")
    pytester.makepyfile(LINKED + """
    import os, signal

    def test_dies():
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    result = pytester.runpytest_subprocess("--iac-requirements", "requirements.yaml",
                                           "--iac-report-json=r.json", "--iac-report-md=r.md")
    assert result.ret == -signal.SIGKILL
    data = _report(pytester)
    assert (data["verdict"], data["exitstatus"]) == ("incomplete", None)
    assert data["reasons"] == ["the run did not finish: it was killed or crashed before the gate decided"]
    assert (pytester.path / "r.md").read_text(encoding="utf-8").startswith("## ⏳ pytest-iac: INCOMPLETE")
    assert not list(pytester.path.glob(".r.json.*")), "no temporary file left beside the report"


def test_blocking_the_gate_prints_a_warning_line(pytester, write_requirements):
    write_requirements({**REQS, "R-3": "nobody tests me"})
    pytester.makepyfile(LINKED)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml", "-p", "no:iac-gate")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["iac: WARNING the requirement gate is off*no requirement was checked"])
    result.stdout.no_fnmatch_line("*iac requirements*")


def test_unregistering_the_gate_prints_a_warning_line(pytester, write_requirements):
    write_requirements(REQS)
    pytester.makeconftest("""
        def pytest_sessionstart(session):
            session.config.pluginmanager.unregister(name="iac-gate")
    """)
    pytester.makepyfile(LINKED)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml")
    result.stdout.fnmatch_lines(["iac: WARNING the requirement gate is off*"])


def test_no_warning_line_while_the_gate_is_on(pytester, write_requirements):
    write_requirements({"R-1": "x"})
    pytester.makepyfile(LINKED)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml")
    assert result.ret == 0
    result.stdout.no_fnmatch_line("*gate is off*")


def test_fixtures_listing_gives_no_verdict(pytester, write_requirements):
    write_requirements({**REQS, "R-3": "nobody tests me"})
    pytester.makepyfile(LINKED)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml", "--fixtures")
    assert result.ret == 0
    result.stdout.no_fnmatch_line("*iac requirements*")
