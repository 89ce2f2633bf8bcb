"""Line coverage of the synthesis through the cache: the reports, pytest-cov's figures and the
gate's agree on a cold run, on a cache hit and under xdist, with and without pytest-cov."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.usefixtures("cdktf")

STACK = """
    from cdktf import TerraformResource, TerraformStack


    def bucket_name(suffix):
        if suffix:
            return f"data-{suffix}"
        return "data"


    def never_called():
        return "nobody"


    class CovStack(TerraformStack):
        def __init__(self, scope, id, *, suffix="dev"):
            super().__init__(scope, id)
            bucket = TerraformResource(self, "bucket", terraform_resource_type="aws_s3_bucket")
            bucket.add_override("bucket", bucket_name(suffix))
"""

TESTS = """
    import pytest

    @pytest.mark.requirement("R-1")
    def test_bucket(iac_stack):
        iac_stack.has_resource_properties("aws_s3_bucket", {"bucket": "data-dev"})
"""


@pytest.fixture
def project(pytester, monkeypatch):
    pytester.makepyfile(covstack=STACK, test_stack=TESTS)
    pytester.makefile(".yaml", requirements="version: 1\nrequirements:\n  - {id: R-1, description: bucket}\n"
                      "coverage:\n  source: [covstack]\n  fail_under: 0\n")
    pytester.makeini("[pytest]\npythonpath = .\niac_app = covstack:CovStack\niac_stack_id = cov\n"
                     "iac_requirements = requirements.yaml\niac_checks = off\n")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("COVERAGE_FILE", raising=False)
    return pytester


def _run(pytester, name: str, *args: str) -> tuple[pytest.RunResult, dict, dict]:
    """One run; returns its result, the gate's report and the json coverage report."""
    result = pytester.runpytest_subprocess(f"--iac-report-json={name}.json", f"--iac-cov-report=json:{name}.cov.json",
                                           *args)
    assert result.ret == 0, result.stdout.str()[-3000:]
    report = json.loads((pytester.path / f"{name}.json").read_text())
    return result, report, json.loads((pytester.path / f"{name}.cov.json").read_text())


def _caches(report: dict) -> list[str | None]:
    return sorted(s["cache"] or "off" for s in report["synth"]["syntheses"])


def _figures(report: dict, cov_json: dict) -> tuple[float, float, dict]:
    return report["coverage"]["percent"], round(cov_json["totals"]["percent_covered"], 2), report["coverage"]["missing"]


def test_a_cache_hit_reports_the_cold_runs_figures(project, coverage_cli_total):
    _, cold, cold_cov = _run(project, "cold")
    cold_cli = coverage_cli_total()
    _, warm, warm_cov = _run(project, "warm")
    assert (_caches(cold), _caches(warm)) == (["miss"], ["hit"])
    gate, reported, missing = _figures(cold, cold_cov)
    assert gate == reported == cold_cli
    assert list(missing.values()) == [[7, 11]], "only the unused branch and function are missed"
    assert _figures(warm, warm_cov) == (gate, reported, missing)
    assert coverage_cli_total() == gate


def test_xdist_reports_the_serial_figures(project, xdist, coverage_cli_total):
    _, serial, serial_cov = _run(project, "serial", "--iac-cache", "off")
    _, dist, dist_cov = _run(project, "dist", "-n", "2", "--iac-cache", "off")
    assert _figures(dist, dist_cov) == _figures(serial, serial_cov)
    assert coverage_cli_total() == serial["coverage"]["percent"]


def _pytest_cov_total(pytester, name: str) -> float:
    return round(json.loads((pytester.path / f"{name}.pc.json").read_text())["totals"]["percent_covered"], 2)


def _with_cov(pytester, name: str, *args: str) -> tuple[pytest.RunResult, dict, dict]:
    return _run(pytester, name, "--cov=covstack", f"--cov-report=json:{name}.pc.json", *args)


def test_pytest_cov_keeps_the_cache_and_its_figures(project, with_pytest_cov, coverage_cli_total):
    _, off, off_cov = _with_cov(project, "off", "--iac-cache", "off")
    _, cold, cold_cov = _with_cov(project, "cold")
    _, warm, warm_cov = _with_cov(project, "warm")
    assert (_caches(off), _caches(cold), _caches(warm)) == (["off"], ["miss"], ["hit"])
    expected = _pytest_cov_total(project, "off")
    assert 0 < expected < 100
    for name, report, cov_json in (("off", off, off_cov), ("cold", cold, cold_cov), ("warm", warm, warm_cov)):
        assert _pytest_cov_total(project, name) == expected, name
        assert _figures(report, cov_json)[:2] == (expected, expected), name
    assert coverage_cli_total() == expected, "pytest-cov's data file holds the replayed lines"


def test_pytest_cov_under_xdist_synthesizes_once(project, with_pytest_cov, xdist):
    project.makepyfile(test_more="""
        import pytest

        @pytest.mark.parametrize("n", range(8))
        def test_many(iac_stack, n):
            iac_stack.resource_count_is("aws_s3_bucket", 1)
    """)
    _, serial, _ = _with_cov(project, "serial", "--iac-cache", "off")
    result, dist, dist_cov = _with_cov(project, "dist", "-n", "2", "--iac-cache", "off")
    result.assert_outcomes(passed=9)
    assert _caches(dist) == ["hit", "miss"], "one worker synthesizes, the other reuses its output"
    expected = _pytest_cov_total(project, "serial")
    assert _pytest_cov_total(project, "dist") == expected
    assert _figures(dist, dist_cov)[:2] == (expected, expected)
    assert dist["coverage"] == serial["coverage"]


def test_pytest_cov_without_the_gate_keeps_its_figure_on_a_hit(project, with_pytest_cov):
    project.makeini("[pytest]\npythonpath = .\niac_app = covstack:CovStack\niac_stack_id = cov\n")
    totals = []
    for name in ("cold", "warm"):
        result = project.runpytest_subprocess("--cov=covstack", f"--cov-report=json:{name}.pc.json")
        result.assert_outcomes(passed=1)
        result.stdout.fnmatch_lines([f"iac synth: *cache {'miss' if name == 'cold' else 'hit (saved *s)'}"])
        totals.append(_pytest_cov_total(project, name))
    assert totals[0] == totals[1] > 0
