"""The gate under pytest-xdist: results travel from workers, and a dead worker fails the gate."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.usefixtures("xdist")

TESTS = """
    import pytest

    @pytest.mark.requirement("R-1")
    def test_one():
        assert 1 + 1 == 2

    @pytest.mark.requirement("R-2")
    def test_two():
        assert 2 + 2 == 5

    @pytest.mark.parametrize("n", range(6))
    @pytest.mark.requirement("R-4")
    def test_many(n):
        assert n >= 0
"""
REQS = {"R-1": "a", "R-2": "b", "R-3": "c", "R-4": "d"}


def _report(pytester, *args):
    result = pytester.runpytest_subprocess("--iac-requirements", "requirements.yaml", "--iac-report-json", "r.json", *args)
    data = json.loads((pytester.path / "r.json").read_text())
    return result, {r["id"]: r["status"] for r in data["requirements"]}, data


def test_xdist_gives_the_same_verdict_as_serial(pytester, write_requirements):
    write_requirements(REQS)
    pytester.makepyfile(TESTS)
    serial, serial_status, serial_data = _report(pytester)
    dist, dist_status, dist_data = _report(pytester, "-n", "2")
    assert serial.ret == dist.ret == 1
    assert serial_status == dist_status == {"R-1": "passed", "R-2": "failed", "R-3": "untested", "R-4": "passed"}
    assert serial_data["reasons"] == dist_data["reasons"]
    dist.stdout.fnmatch_lines(["*= iac requirements =*", "FAIL 2 of 4 requirements not satisfied (failed: R-2; untested: R-3)"])


def test_xdist_partial_run_is_detected(pytester, write_requirements):
    write_requirements(REQS)
    pytester.makepyfile(TESTS)
    result, status, _ = _report(pytester, "-n", "2", "-k", "one")
    assert result.ret == 0
    assert status == {"R-1": "passed", "R-2": "not run", "R-3": "not run", "R-4": "not run"}


def test_a_crashed_worker_fails_the_gate(pytester, write_requirements):
    write_requirements({"R-1": "a"})
    pytester.makepyfile("""
        import os
        import pytest

        @pytest.mark.requirement("R-1")
        def test_ok():
            assert True is True

        def test_crash():
            os._exit(3)
    """)
    result, status, data = _report(pytester, "-n", "2")
    assert result.ret != 0
    assert data["verdict"] == "fail"
    assert len(data["reasons"]) == 1
    assert re.fullmatch(
        r"worker gw\d sent no pytest-iac results \(Not properly terminated\); the gate cannot pass without them",
        data["reasons"][0],
    )
    result.stdout.fnmatch_lines(["FAIL worker gw? sent no pytest-iac results*"])
