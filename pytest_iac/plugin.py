"""pytest-iac's pytest hooks: options, markers, fixtures, header and summary lines.

Loading this module imports only the standard library and pytest; cdktf, yaml, coverage and
the user's code are imported when a fixture or an option asks for them. The requirement gate
is a separate plugin object, registered only when ``--iac-requirements`` is given.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest

from pytest_iac.fixtures import iac_stack, iac_synth
from pytest_iac.settings import add_options, resolve
from pytest_iac.state import STATE, State

__all__ = ["iac_stack", "iac_synth"]

GATE_PLUGIN_NAME = "iac-gate"


def requirement(*ids: str) -> tuple[str, ...]:
    """Signature of ``@pytest.mark.requirement``: called with the marker's arguments, so Python's
    own TypeError names what is wrong."""
    if not ids:
        raise TypeError("requirement() needs at least one requirement id, e.g. requirement('PAY-001')")
    for value in ids:
        if not isinstance(value, str) or not value.strip():
            raise TypeError(f"requirement() ids must be non-empty strings, got {value!r}")
    return ids


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "requirement(*ids): link this test to requirement ids of the requirements YAML "
        "(pytest-iac); it counts for them when it passes",
    )
    config.addinivalue_line("markers", "iac_check: a built-in pytest-iac check item")
    settings = resolve(config)
    if settings.entry is not None:
        from pytest_iac.entry import EntryError

        try:
            settings.entry.kind  # noqa: B018 - validates the entry's form now, as a usage error
        except EntryError as exc:
            raise pytest.UsageError(str(exc)) from None
    config.stash[STATE] = State(settings=settings)
    if settings.requirements is not None:
        from pytest_iac.gate import RequirementGate

        config.pluginmanager.register(RequirementGate(config), GATE_PLUGIN_NAME)


def pytest_report_header(config: pytest.Config) -> str | None:
    settings = config.stash[STATE].settings
    if settings.entry is None and settings.requirements is None:
        return None
    parts = []
    if settings.entry is not None:
        parts.append(f"entry {settings.entry.entry} ({settings.entry.kind})")
    if settings.requirements is not None:
        parts.append(
            f"requirements {settings.requirements.display_path or settings.requirements.path} ({len(settings.requirements.requirements)})"
            + (", strict" if settings.strict else "")
        )
    return "iac: " + ", ".join(parts)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    recorder = item.config.stash[STATE].resources
    recorder.current = item.nodeid
    try:
        return (yield)
    finally:
        recorder.current = None


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    state = config.stash[STATE]
    for synthesis in state.syntheses:
        t = synthesis.timings
        terminalreporter.write_line(
            f"iac synth: {synthesis.entry} -> {len(synthesis.stacks)} stack(s) "
            f"({', '.join(synthesis.stacks)}), {synthesis.resource_count} resources in "
            f"{t.get('total', 0):.2f}s (import {t.get('import', 0):.2f}s, synth {t.get('synth', 0):.2f}s)"
        )
    if len(state.syntheses) > 1:
        terminalreporter.write_line(f"iac synth: {len(state.syntheses)} syntheses this session")
