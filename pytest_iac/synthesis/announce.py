"""The line said before a cold synthesis, so the first run does not sit on ``collecting ...``
for ten seconds with nothing on the screen. Not under ``-q``, and not from an xdist worker
(its terminal is not the user's)."""

from __future__ import annotations

from contextlib import nullcontext

import pytest

from pytest_iac.role import Worker, role

__all__ = ["announce_synthesis", "estimate"]

TYPICAL_SECONDS = 10  # cdktf, jsii and the AWS provider bindings' first import dominate


def estimate(cache: str, previous_seconds: float | None) -> str:
    """What to expect: ``cache`` is ``"off"`` or ``"miss"``; ``previous_seconds`` the last
    synthesis of this entry when the cache remembers one (its inputs changed since)."""
    if cache == "off":
        return f"~{_seconds(previous_seconds)} s; the synthesis cache is off"
    if previous_seconds is None:
        return f"first run: ~{TYPICAL_SECONDS} s; cached afterwards"
    return f"its inputs changed: ~{_seconds(previous_seconds)} s as last time; cached afterwards"


def announce_synthesis(config: pytest.Config, entry: str, expect: str) -> None:
    if config.get_verbosity() < 0 or isinstance(role(config), Worker):
        return
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    capman = config.pluginmanager.get_plugin("capturemanager")
    with capman.global_and_fixture_disabled() if capman is not None else nullcontext():
        reporter.ensure_newline()
        if getattr(getattr(reporter, "_tw", None), "width_of_current_line", 0):
            reporter.write("\n")  # after "collecting ..." or a test's progress dots
        reporter.write_line(f"iac: synthesizing {entry} ({expect})")


def _seconds(value: float | None) -> int:
    return TYPICAL_SECONDS if value is None else max(1, round(value))
