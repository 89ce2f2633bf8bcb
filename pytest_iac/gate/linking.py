"""Linking tests to requirements: the marker's signature, the test's kind, hollow tests, and
whether the command line narrowed the run.

A test is linked through ``@pytest.mark.requirement(...)``, through a marker the YAML maps to
requirements, or (a check item) through a requirement naming its check.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pytest_iac.gate.evidence_types import LinkedTest

if TYPE_CHECKING:
    from pytest_iac.config.requirements import RequirementsFile

INTEGRATION_FIXTURES = {"iac_deployment"}


def requirement(*ids: str) -> tuple[str, ...]:
    """Signature of ``@pytest.mark.requirement``: called with the marker's arguments, so Python's
    own TypeError names what is wrong."""
    if not ids:
        raise TypeError("requirement() needs at least one requirement id, e.g. requirement('PAY-001')")
    for value in ids:
        if not isinstance(value, str) or not value.strip():
            raise TypeError(f"requirement() ids must be non-empty strings, got {value!r}")
    return ids


def link(
    item: pytest.Item,
    requirements: RequirementsFile,
    *,
    selected: bool,
    report_error: Callable[[pytest.Item, str], None] | None,
) -> LinkedTest | None:
    """The item's link to the requirements it counts for, or None when it counts for none.

    A bad marker or an unknown id is passed to ``report_error`` (when given): a bad marker
    unlinks the test, an unknown id is dropped.
    """
    ids: list[str] = []
    for mark in item.iter_markers("requirement"):
        try:
            ids.extend(requirement(*mark.args, **mark.kwargs))
        except TypeError as exc:
            if report_error is not None:
                report_error(item, f"@pytest.mark.requirement: {exc}")
            return None
    for req_id in ids:
        if requirements.get(req_id) is None and report_error is not None:
            hint = requirements.closest_id(req_id)
            report_error(
                item,
                f"unknown requirement id {req_id!r} in @pytest.mark.requirement"
                + (f". Did you mean {hint!r}?" if hint else "")
                + f" (ids are defined in {requirements.display_path or requirements.path})",
            )
    ids.extend(requirements.requirements_for_markers(m.name for m in item.iter_markers()))
    check = getattr(item, "check", None)  # a check item counts for requirements naming it
    if check is not None:
        ids.extend(r.id for r in requirements.requirements if check.id in r.checks)
    known = tuple(dict.fromkeys(i for i in ids if requirements.get(i) is not None))
    if not known:
        return None
    return LinkedTest(item.nodeid, known, kind_of(item), selected, hollow=hollow(item) if selected else None)


def hollow(item: pytest.Item) -> str | None:
    """``file:line: why`` when the test asserts nothing real, else None."""
    from pytest_iac.gate.hollow import hollow_reason

    function = getattr(item, "function", None)
    reason = hollow_reason(function) if function is not None else None
    if reason is None:
        return None
    path, line, _ = item.location
    return f"{path}:{(line or 0) + 1}: {reason}"


def kind_of(item: pytest.Item) -> str:
    """Integration tests use the deployment fixture, carry an ``integration`` marker, or live in
    an ``integration`` directory (the layout real cdktf projects use)."""
    fixtures = set(getattr(item, "fixturenames", ()))
    if fixtures & INTEGRATION_FIXTURES or item.get_closest_marker("integration"):
        return "integration"
    return "integration" if "integration" in Path(str(item.path)).parts else "unit"


def narrowed_by_args(config: pytest.Config) -> bool:
    """True when the command line named node ids or paths narrower than the default selection."""
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        return False
    defaults = [config.rootpath / p for p in config.getini("testpaths")] or [config.rootpath]
    given = []
    for arg in config.args:
        if "::" in arg:
            return True
        given.append((config.invocation_params.dir / arg).resolve())
    return not all(any(d.resolve().is_relative_to(g) for g in given) for d in defaults)
