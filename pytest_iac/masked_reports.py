"""Test reports with their secrets masked, before any reporter sees them.

A failure's text reaches the terminal (``-l`` locals and ``-vv`` diffs included), JUnit XML,
xdist's controller and the JSON report through the ``TestReport`` pytest makes. Masking the
report right after it is made (``pytest_runtest_makereport``) covers all of them at once: the
traceback entries and their locals, the crash message, the captured output sections and the
user properties, with the rules of ``masking`` (secret shapes and remembered secret values).
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_iac.masking import mask_text

__all__ = ["mask_report"]

_DEPTH = 8


def mask_report(report: pytest.TestReport) -> None:
    report.longrepr = _masked(report.longrepr, 0)
    report.sections = [(title, mask_text(content)) for title, content in report.sections]
    report.user_properties = [(name, _masked(value, 0)) for name, value in report.user_properties]


def _masked(value: Any, depth: int) -> Any:
    """``value`` with its strings masked: pytest's repr objects are changed in place."""
    if isinstance(value, str):
        return mask_text(value)
    if depth > _DEPTH or value is None:
        return value
    if isinstance(value, list):
        value[:] = [_masked(v, depth + 1) for v in value]
        return value
    if isinstance(value, tuple):
        return tuple(_masked(v, depth + 1) for v in value)
    if type(value).__module__.startswith("_pytest") and hasattr(value, "__dict__"):
        for name, attribute in list(vars(value).items()):
            object.__setattr__(value, name, _masked(attribute, depth + 1))
    return value
