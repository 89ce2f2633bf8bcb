"""The process role, decided once in pytest_configure: the only process, the xdist controller, a worker."""

from __future__ import annotations

import pytest

CONFTEST = """
    import os

    import pytest

    from pytest_iac.role import role

    @pytest.hookimpl(trylast=True)
    def pytest_configure(config):
        current = role(config)
        with open(f"role-{os.getpid()}.txt", "w") as handle:
            handle.write(f"{current.name} {current.runs_tests} {current.decides} {getattr(current, 'id', '-')}")
"""


def _roles(pytester: pytest.Pytester) -> list[str]:
    return sorted(p.read_text() for p in pytester.path.glob("role-*.txt"))


def test_a_plain_run_is_the_only_process(pytester):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile("def test_one():\n    assert 1 + 1 == 2\n")
    pytester.runpytest().assert_outcomes(passed=1)
    assert _roles(pytester) == ["single True True -"]


def test_xdist_has_one_controller_and_its_workers(pytester, xdist):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile("def test_one():\n    assert 1 + 1 == 2\n")
    pytester.runpytest_subprocess("-n", "2").assert_outcomes(passed=1)
    assert _roles(pytester) == ["controller False True -", "worker True False gw0", "worker True False gw1"]


@pytest.mark.parametrize("args", [["-n", "0"], ["-n", "2", "--collect-only"]], ids=["n0", "collect-only"])
def test_xdist_without_workers_is_the_only_process(pytester, xdist, args):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile("def test_one():\n    assert 1 + 1 == 2\n")
    assert pytester.runpytest_subprocess(*args).ret == 0
    assert _roles(pytester) == ["single True True -"]
