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
        "iac synth: envstack:EnvStack -> 1 stack(s) (EnvStack), 0 resources in *s (import *s, synth *s), cache miss",
        "iac synth: the stack code read TEAM",
    ])
    assert "JSII_" not in cold.stdout.str()

    hit = project.runpytest_subprocess()
    hit.assert_outcomes(passed=1)
    hit.stdout.fnmatch_lines(["iac synth: envstack:EnvStack -> * cache hit (saved *s)",
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
