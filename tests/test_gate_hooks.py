"""The gate's hooks: ``pytest_iac_verdict`` sees the final verdict once, ``pytest_iac_report_data``
adds to the report before it is written."""

from __future__ import annotations

import json

import pytest

TESTS = """
    import pytest

    @pytest.mark.requirement("R-1")
    def test_one():
        assert len(__name__) + 1 > 2

    @pytest.mark.requirement("R-2")
    def test_two():
        assert len(__name__) == -1
"""

VERDICT_HOOK = """
    import json

    def pytest_iac_verdict(config, verdict):
        with open("verdicts.jsonl", "a") as handle:
            handle.write(json.dumps({
                "passed": verdict.passed,
                "reasons": verdict.reasons,
                "statuses": {r.id: r.status for r in verdict.requirements},
                "tests": [t.nodeid for t in verdict.evidence.tests],
            }) + "\\n")
"""


def _calls(pytester: pytest.Pytester) -> list[dict[str, object]]:
    return [json.loads(line) for line in (pytester.path / "verdicts.jsonl").read_text().splitlines()]


def test_verdict_hook_sees_the_final_verdict_once(pytester, write_requirements):
    write_requirements({"R-1": "a", "R-2": "b", "R-3": "c"})
    pytester.makepyfile(TESTS)
    pytester.makeconftest(VERDICT_HOOK)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert _calls(pytester) == [{
        "passed": False,
        "reasons": ["2 of 3 requirements not satisfied (failed: R-2; untested: R-3)"],
        "statuses": {"R-1": "passed", "R-2": "failed", "R-3": "untested"},
        "tests": ["test_verdict_hook_sees_the_final_verdict_once.py::test_one",
                  "test_verdict_hook_sees_the_final_verdict_once.py::test_two"],
    }]


def test_verdict_hook_runs_on_the_xdist_controller_only(pytester, write_requirements, xdist):
    write_requirements({"R-1": "a", "R-2": "b"})
    pytester.makepyfile(TESTS)
    pytester.makeconftest(VERDICT_HOOK)
    result = pytester.runpytest_subprocess("--iac-requirements", "requirements.yaml", "-n", "2")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    calls = _calls(pytester)
    assert len(calls) == 1
    assert calls[0]["statuses"] == {"R-1": "passed", "R-2": "failed"}
    assert len(calls[0]["tests"]) == 2


def test_verdict_hook_is_not_called_without_the_gate(pytester):
    pytester.makepyfile(TESTS)
    pytester.makeconftest(VERDICT_HOOK)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    assert not (pytester.path / "verdicts.jsonl").exists()


def test_report_data_hook_adds_keys_to_the_json_report(pytester, write_requirements):
    write_requirements({"R-1": "a"})
    pytester.makepyfile("""
        import pytest

        @pytest.mark.requirement("R-1")
        def test_one():
            assert len(__name__) + 1 > 2
    """)
    pytester.makeconftest("""
        def pytest_iac_report_data(config, data):
            data["team"] = {"owner": "payments", "verdict_seen": data["verdict"]}
    """)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml", "--iac-report-json=r.json",
                                "--iac-report-md=r.md")
    assert result.ret == 0
    data = json.loads((pytester.path / "r.json").read_text())
    assert data["team"] == {"owner": "payments", "verdict_seen": "pass"}
    assert data["requirements"][0]["status"] == "passed"
    assert (pytester.path / "r.md").read_text().startswith("## ✅ pytest-iac: PASS")


HOLLOW = """
    import pytest

    @pytest.mark.requirement("R-1")
    def test_hollow():
        assert 1 == 1
"""


def test_a_hollow_test_warns_at_its_line_and_the_warning_can_be_an_error(pytester, write_requirements):
    write_requirements({"R-1": "r"}, coverage={"resources_fail_under": 0})
    pytester.makepyfile(test_it=HOLLOW)
    result = pytester.runpytest_subprocess("--iac-requirements", "requirements.yaml", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(["*test_it.py:*: HollowTestWarning: hollow test, only trivial assertions*: "
                                 "it does not count for R-1"])
    assert result.ret == 1  # the gate: R-1 has no passing evidence
    strict = pytester.runpytest_subprocess("--iac-requirements", "requirements.yaml", "-p", "no:cacheprovider",
                                           "-W", "error::pytest_iac.HollowTestWarning")
    strict.assert_outcomes(failed=1)


def test_report_only_resource_coverage_warns_once(pytester, write_requirements):
    write_requirements({"R-1": "r"})
    pytester.makepyfile(test_it="""
        import pytest

        @pytest.mark.requirement("R-1")
        def test_real():
            assert __name__.startswith("test_")
    """)
    result = pytester.runpytest_subprocess("--iac-requirements", "requirements.yaml", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(["*ReportOnlyCoverageWarning: resource coverage is reported but cannot fail the run*"])
    write_requirements({"R-1": "r"}, coverage={"resources_fail_under": 0})
    gated = pytester.runpytest_subprocess("--iac-requirements", "requirements.yaml", "-p", "no:cacheprovider")
    assert "ReportOnlyCoverageWarning" not in gated.stdout.str()
