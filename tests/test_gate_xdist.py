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
        assert len(__name__) > 1

    @pytest.mark.requirement("R-2")
    def test_two():
        assert len(__name__) == 5

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
            assert __name__.startswith("test_")

        def test_crash():
            os._exit(3)
    """)
    result, status, data = _report(pytester, "-n", "2")
    assert result.ret != 0
    assert data["verdict"] == "fail"
    assert len(data["reasons"]) == 2
    assert re.fullmatch(
        r"worker gw\d sent no pytest-iac results \(Not properly terminated\); the gate cannot pass without them",
        data["reasons"][0],
    )
    assert re.fullmatch(r"test crashed: .*::test_crash: worker 'gw\d' crashed while running .*", data["reasons"][1])
    result.stdout.fnmatch_lines(["FAIL worker gw? sent no pytest-iac results*"])


EVIDENCE_HOOK = """
    import json

    def pytest_iac_verdict(config, verdict):
        with open("evidence.json", "w") as handle:
            json.dump(verdict.evidence.to_json(), handle)
"""
STACK_TESTS = """
    import pytest

    @pytest.mark.requirement("R-1")
    def test_kms(iac_stack):
        iac_stack.has_resource_properties("aws_kms_key", {"enable_key_rotation": True})

    @pytest.mark.parametrize("n", range(4))
    @pytest.mark.requirement("R-2")
    def test_vpc(iac_stack, n):
        iac_stack.has_resource_properties("aws_vpc", {"cidr_block": "10.0.0.0/16"})

    @pytest.mark.requirement("R-2")
    def test_hollow():
        assert True
"""


def _evidence(pytester, *args):
    from pytest_iac.gate.evidence_types import Evidence

    result = pytester.runpytest_subprocess("--iac-report-json=r.json", *args)
    evidence = Evidence.from_json(json.loads((pytester.path / "evidence.json").read_text()))
    return result, evidence, json.loads((pytester.path / "r.json").read_text())


@pytest.mark.parametrize("broken", [False, True], ids=["stack", "synthesis-fails"])
def test_serial_and_xdist_runs_gather_equal_evidence(pytester, write_requirements, synthesized_stack, broken):
    write_requirements({"R-1": "keys rotate", "R-2": "one network"},
                       checks={"select": ["outputs", "encryption-at-rest"]})
    # a broken synthesized entry is a usage error at startup; an entry that fails when run is not
    entry = "missing_stack_module:make" if broken else "cdktf.out"
    pytester.makeini(f"[pytest]\niac_app = {entry}\niac_requirements = requirements.yaml\n")
    pytester.makeconftest(EVIDENCE_HOOK)
    pytester.makepyfile(STACK_TESTS)
    serial, serial_evidence, serial_report = _evidence(pytester)
    dist, dist_evidence, dist_report = _evidence(pytester, "-n", "2")
    assert serial_evidence == dist_evidence
    assert serial_report["reasons"] == dist_report["reasons"]
    assert [t.nodeid.split("::")[1] for t in dist_evidence.tests] == [
        "test_kms", *(f"test_vpc[{n}]" for n in range(4)), "test_hollow"]
    if broken:
        assert len(dist_evidence.synth_errors) == 1
        assert dist_evidence.synth_errors[0].startswith(f"stack entry '{entry}'")
        assert dist_evidence.checks == dist_evidence.addresses == ()
        assert any(r.startswith(f"stack synthesis failed: stack entry '{entry}'") for r in dist_report["reasons"])
    else:
        assert dist_evidence.synth_errors == ()
        assert [(c.id, c.stack) for c in dist_evidence.checks] == [
            ("encryption-at-rest", "payments"), ("outputs", "payments")]
        assert "payments:aws_kms_key.key" in dist_evidence.examined
        assert len(dist_evidence.syntheses) == 2 and len(serial_evidence.syntheses) == 1
