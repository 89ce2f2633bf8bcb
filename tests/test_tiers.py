"""The suite's own tiers: a missing tool skips a slow test here and fails it under CI."""

from __future__ import annotations

import inspect

import pytest

from conftest import require

PROJECT_TEST = """
    from conftest import require

    def test_needs_a_tool():
        require(None, "terraform", "put it on PATH")
"""


@pytest.mark.parametrize(("ci", "outcome"), [(None, {"skipped": 1}), ("true", {"failed": 1})])
def test_missing_tool_skips_locally_and_fails_under_ci(pytester, monkeypatch, ci, outcome):
    pytester.makeconftest("import os\nimport pytest\n\n" + inspect.getsource(require))
    pytester.makepyfile(PROJECT_TEST)
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    result = pytester.runpytest("-rsf")
    result.assert_outcomes(**outcome)
    result.stdout.fnmatch_lines(["*terraform is not available (put it on PATH)*"])


def test_tier_markers_follow_the_tool_fixtures(pytestconfig):
    """Each tier is registered; the fast tier is what -m "not (...)" leaves."""
    registered = {line.split(":")[0] for line in pytestconfig.getini("markers")}
    assert {"synth", "terraform", "deploy", "xdist", "browser"} <= registered
