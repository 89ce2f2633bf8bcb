"""What the terminal says about the synthesis: a line before a cold one (the first run would
otherwise sit on "collecting ..." for seconds), the time a cache hit saved, and the variables
the stack code read, without jsii's own ``JSII_*``."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("cdktf")

STACK = """
    import os

    from cdktf import TerraformOutput, TerraformStack


    class EnvStack(TerraformStack):
        def __init__(self, scope, id):
            super().__init__(scope, id)
            TerraformOutput(self, "team", value=os.environ.get("TEAM", "none"))
"""


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    pytester.makepyfile(envstack=STACK, test_stack="def test_team(iac_stack):\n    iac_stack.has_output('team')\n")
    pytester.makeini("[pytest]\npythonpath = .\niac_app = envstack:EnvStack\niac_checks = off\n")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("JSII_HOST_STACK_TRACES", "0")  # jsii reads it while the stack code runs
    return pytester


def test_cold_synthesis_is_announced_and_a_hit_says_what_it_saved(project: pytest.Pytester) -> None:
    cold = project.runpytest_subprocess()
    cold.assert_outcomes(passed=1)
    cold.stdout.fnmatch_lines([
        "iac: synthesizing envstack:EnvStack (first run: ~10 s; cached afterwards)",
        "iac synth: envstack:EnvStack -> 1 stack(s) (EnvStack)",  # too wide for 80 columns: two lines
        "iac synth: 0 resources in *s (import *s, synth *s), cache miss",
        "iac synth: the stack code read TEAM",
    ])
    assert "JSII_" not in cold.stdout.str()

    hit = project.runpytest_subprocess()
    hit.assert_outcomes(passed=1)
    hit.stdout.fnmatch_lines(["iac synth: envstack:EnvStack -> 1 stack(s) (EnvStack)", "iac synth: * cache hit (saved *s)",
                              "iac synth: the stack code read TEAM"])
    assert "iac: synthesizing" not in hit.stdout.str() and "JSII_" not in hit.stdout.str()

    (project.path / "envstack.py").write_text((project.path / "envstack.py").read_text() + "\n# changed\n")
    changed = project.runpytest_subprocess()
    changed.stdout.fnmatch_lines(["iac: synthesizing envstack:EnvStack (its inputs changed: ~* s as last time;"
                                  " cached afterwards)"])


def test_without_the_cache_and_under_q(project: pytest.Pytester) -> None:
    off = project.runpytest_subprocess("--iac-cache", "off")
    off.assert_outcomes(passed=1)
    off.stdout.fnmatch_lines(["iac: synthesizing envstack:EnvStack (~10 s; the synthesis cache is off)"])
    quiet = project.runpytest_subprocess("--iac-cache", "off", "-q")
    quiet.assert_outcomes(passed=1)
    assert "iac: synthesizing" not in quiet.stdout.str()


SUMMARY = {"entry": "lib.tap_stack:TapStack", "stacks": ["TapStackdev"], "resources": 68, "seconds": 9.34,
           "import_seconds": 7.12, "synth_seconds": 1.71, "cache": "hit", "saved_seconds": 8.8}


@pytest.mark.parametrize("width", [80, 120, 200])
def test_synthesis_summary_fits_the_terminal(width: int) -> None:
    from pytest_iac.synthesis.announce import summary_lines

    lines = summary_lines(SUMMARY, module=False, width=width)
    whole = ("iac synth: lib.tap_stack:TapStack -> 1 stack(s) (TapStackdev), 68 resources in 9.34s "
             "(import 7.12s, synth 1.71s), cache hit (saved 8.8s)")
    timed = "iac synth: 68 resources in 9.34s (import 7.12s, synth 1.71s), cache hit (saved 8.8s)"
    assert lines == ([whole] if len(whole) <= width else [
        "iac synth: lib.tap_stack:TapStack -> 1 stack(s) (TapStackdev)",
        timed if len(timed) <= width else "iac synth: 68 resources in 9.34s, cache hit (saved 8.8s)"])
    assert all(len(line) <= width for line in lines)


def test_a_long_entry_is_cut_and_the_breakdown_kept_when_it_fits() -> None:
    from pytest_iac.synthesis.announce import summary_lines

    long = {**SUMMARY, "entry": "a" * 100, "cache": "miss", "saved_seconds": None}
    assert summary_lines(long, module=False, width=80) == [
        "iac synth: " + "a" * 68 + "…",
        "iac synth: 68 resources in 9.34s (import 7.12s, synth 1.71s), cache miss"]
