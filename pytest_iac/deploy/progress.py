"""What the deployment says on the terminal while it works: one progress line per resource
terraform creates or destroys (not under ``-q``), and a loud red section when something is
left behind (always).

Lines are written past pytest's capture, so they appear as they happen, also inside a test.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

import pytest

from pytest_iac.deploy.diagnostics import base_address, named

__all__ = ["PREFIX", "Output", "apply_progress"]

PREFIX = "iac deploy"


class Output:
    """Progress lines on the terminal (not under ``-q``), loud sections always."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.quiet = config.getoption("verbose", 0) < 0

    def line(self, text: str, *, loud: bool = False, **markup: bool) -> None:
        if self.quiet and not loud:
            return
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        capman = self.config.pluginmanager.get_plugin("capturemanager")
        with capman.global_and_fixture_disabled() if capman is not None else nullcontext():
            if reporter is None:
                sys.stderr.write(text + "\n")
                sys.stderr.flush()
            else:
                _newline(reporter)
                reporter.write_line(text, **markup)

    def section(self, title: str, lines: list[str]) -> None:
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        capman = self.config.pluginmanager.get_plugin("capturemanager")
        with capman.global_and_fixture_disabled() if capman is not None else nullcontext():
            if reporter is None:
                sys.stderr.write("\n".join([f"!!! {title} !!!", *lines]) + "\n")
                return
            _newline(reporter)
            reporter.write_sep("!", title, red=True, bold=True)
            for text in lines:
                reporter.write_line(text, red=True)


def _newline(reporter: Any) -> None:
    """Start a new line, also after the progress dots (which ``ensure_newline`` does not know of)."""
    reporter.ensure_newline()
    if getattr(getattr(reporter, "_tw", None), "width_of_current_line", 0):
        reporter.write("\n")


_VERBS = {"create": "created", "delete": "destroyed", "update": "updated", "replace": "replaced"}
_MARKS = {"create": "+", "delete": "-", "update": "~", "replace": "±"}


def apply_progress(out: Output, paths: dict[str, str], began: float) -> Callable[[dict[str, Any]], None]:
    """The handler of terraform's ``-json`` messages during an apply or destroy: a line per
    resource done or failed (named with its construct path), and the plan's summary."""

    def on_event(message: dict[str, Any]) -> None:
        kind = message.get("type")
        hook = message.get("hook") or {}
        address = (hook.get("resource") or {}).get("addr", "")
        action = hook.get("action", "")
        stamp = f"{PREFIX} [{time.monotonic() - began:6.1f}s]"
        label = named(address, paths.get(base_address(address)))
        if kind == "apply_complete" and action in _VERBS:
            out.line(f"{stamp} {_MARKS[action]} {label} {_VERBS[action]} in {hook.get('elapsed_seconds', 0)}s")
        elif kind == "apply_errored":
            out.line(f"{stamp} ! {label} failed after {hook.get('elapsed_seconds', 0)}s", red=True)
        elif kind == "change_summary" and message.get("changes", {}).get("operation") == "plan":
            out.line(f"{stamp} {message.get('@message', '')}")

    return on_event
