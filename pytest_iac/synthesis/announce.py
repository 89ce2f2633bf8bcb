"""The line said before a cold synthesis, so the first run does not sit on ``collecting ...``
for ten seconds with nothing on the screen. Not under ``-q``, and not from an xdist worker
(its terminal is not the user's)."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

import pytest

from pytest_iac.role import Worker, role

__all__ = ["announce_synthesis", "estimate", "summary_lines"]

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


def summary_lines(s: dict[str, Any], *, module: bool, width: int) -> list[str]:
    """The summary line of one synthesis (or a module's plan): one line when it fits the
    terminal; else what ran on one line and how long it took on the next, the time's
    breakdown left out when even that is too wide (the JSON report keeps it)."""
    cache = (f", cache {s['cache']}" if s["cache"] else "") + (
        f" (saved {s['saved_seconds']:.1f}s)" if s.get("saved_seconds") is not None else "")
    if module:
        prefix = "iac plan: "
        head = f"{prefix}Terraform module {s['entry']} -> {s['resources']} resource instances"
        tails = [f"planned in {s['seconds']:.2f}s (terraform init, plan, show){cache}",
                 f"planned in {s['seconds']:.2f}s{cache}"]
    else:
        prefix = "iac synth: "
        head = f"{prefix}{s['entry']} -> {len(s['stacks'])} stack(s) ({', '.join(s['stacks'])})"
        took = f"{s['resources']} resources in {s['seconds']:.2f}s"
        tails = [f"{took} (import {s['import_seconds']:.2f}s, synth {s['synth_seconds']:.2f}s){cache}", took + cache]
    if len(whole := f"{head}, {tails[0]}") <= width:
        return [whole]
    tail = next((t for t in tails if len(prefix + t) <= width), tails[-1])
    return [head if len(head) <= width else head[:width - 1] + "…", prefix + tail]
