"""pytest-iac's extension points, loaded through ``pytest_addhooks``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pytest_iac.checks.base import Check
    from pytest_iac.gate.verdict import Verdict


@pytest.hookspec
def pytest_iac_checks(config: pytest.Config) -> list[Check]:
    """Return checks to run beside the built-in ones (a list of ``pytest_iac.checks.base.Check``).

    Implement it in a ``conftest.py`` or a plugin; each check is collected as an item per stack
    (``iac::<id>[<stack>]``), can be selected, suppressed and linked to requirements in the YAML
    like a built-in one. Ids must be unique.
    """
    raise NotImplementedError


@pytest.hookspec
def pytest_iac_verdict(config: pytest.Config, verdict: Verdict) -> None:
    """Called once with the requirement gate's final verdict, before the reports are written.

    Only with ``--iac-requirements``, and only on the process that decides it: the only one, or
    the xdist controller (never on a worker). ``verdict.passed``, ``verdict.reasons`` and
    ``verdict.requirements`` say what the terminal says; ``verdict.extras`` holds the coverage
    figures, hollow tests, syntheses and check results; ``verdict.evidence`` the merged evidence
    of every test process it was decided from. Treat them as read-only: to fail the run, fail a
    test, not the verdict.
    """


@pytest.hookspec
def pytest_iac_report_data(config: pytest.Config, data: dict[str, Any]) -> None:
    """Add keys to the report before it is written: ``data`` is the JSON report's dict (see the
    README for its keys), changed in place; it must stay JSON-serializable.

    Called once per run, after ``pytest_iac_verdict``, and also when no report file is asked for
    (the Markdown summary is rendered from the same dict). Add keys under a name of your own;
    changing the documented keys changes what every reader of the report sees.
    """
