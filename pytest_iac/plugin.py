"""pytest-iac's pytest hooks: options, markers, fixtures, header and summary lines.

Loading this module imports only the standard library and pytest; cdktf, yaml, coverage and
the user's code are imported when a fixture or an option asks for them. The requirement gate
is a separate plugin object, registered only when ``--iac-requirements`` or a report is asked for.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest

from pytest_iac.fixtures import iac_deployment, iac_snapshot, iac_stack, iac_synth
from pytest_iac.role import ROLE, decide_role, role
from pytest_iac.config.options import add_options, path_moving_rootdir
from pytest_iac.config.settings import resolve
from pytest_iac.state import STATE, State

__all__ = ["iac_deployment", "iac_snapshot", "iac_stack", "iac_synth"]

GATE_PLUGIN_NAME = "iac-gate"


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from pytest_iac import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    """Resolve the settings, and start measuring line coverage before any conftest (and so
    any stack module) is imported."""
    state = State(settings=resolve(early_config))
    early_config.stash[STATE] = state
    _check_synthesized_entry(state)
    if state.settings.entry is not None and state.settings.lazy_providers:
        from pytest_iac.synthesis import lazy_providers

        installed = lazy_providers.install()
        state.cleanup.append(lambda: lazy_providers.uninstall(installed))
    namespace = early_config.known_args_namespace
    pytest_cov = bool(getattr(namespace, "cov_source", None)) and early_config.pluginmanager.has_plugin("pytest_cov")
    if pytest_cov and state.settings.entry is not None:
        # with or without the gate, pytest-cov's figures must hold the lines of a cached synthesis
        from pytest_iac.gate.pytest_cov_bridge import PytestCovRecorder, ReplayIntoPytestCov

        state.pytest_cov = PytestCovRecorder(early_config.pluginmanager)
        early_config.pluginmanager.register(ReplayIntoPytestCov(state.pytest_cov, state.coverage_replay),
                                            "iac-pytest-cov")
    cov = state.settings.coverage
    if cov is None or not cov.sources:
        return
    if pytest_cov:
        state.cov_mode = "pytest-cov"
    else:
        from pytest_iac.gate.linecov import Measurement

        state.cov_mode = "own"
        state.measurement = Measurement(cov.sources, cov.branch)


def _check_synthesized_entry(state: State) -> None:
    entry = state.settings.entry
    if entry is None or entry.kind != "synthesized":
        return
    from pytest_iac.config.entry import EntryError
    from pytest_iac.synthesis.synthesize import check_synthesized

    try:
        check_synthesized(entry)
    except EntryError as exc:
        raise pytest.UsageError(str(exc)) from None


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "requirement(*ids): link this test to requirement ids of the requirements YAML "
        "(pytest-iac); it counts for them when it passes",
    )
    config.addinivalue_line("markers", "iac_check: a built-in pytest-iac check item")
    moved = path_moving_rootdir(config.invocation_params.args, config.invocation_params.dir)
    if moved:
        from pytest_iac.warnings import OptionPathWarning

        config.issue_config_time_warning(OptionPathWarning(moved), stacklevel=2)
    config.stash[ROLE] = process_role = decide_role(config)
    if STATE not in config.stash:  # the plugin was registered after the initial conftests
        config.stash[STATE] = State(settings=resolve(config))
        _check_synthesized_entry(config.stash[STATE])
    state = config.stash[STATE]
    from pytest_iac.assertions import audit

    state.cleanup.append(audit.listen(state.resources.record_failure))
    requirements = state.settings.requirements
    for marker in sorted({m for r in (requirements.requirements if requirements else ()) for m in r.markers}):
        # markers the YAML maps to requirements are registered, so --strict-markers accepts them
        ids = ", ".join(r.id for r in requirements.requirements if marker in r.markers)  # type: ignore[union-attr]
        config.addinivalue_line("markers", f"{marker}: counts for requirement(s) {ids} (pytest-iac)")
    if state.measurement is not None and not process_role.runs_tests:
        # Only now is it known (workers get the same -n): the workers measure, not us.
        state.measurement.stop()
        state.measurement, state.cov_mode = None, "workers"
    settings = state.settings
    if requirements is not None or any((settings.report_json, settings.report_md, settings.report_html)):
        # without requirements the gate only gathers what the reports show, and fails nothing
        from pytest_iac.gate.requirement_gate import RequirementGate

        config.pluginmanager.register(RequirementGate(config), GATE_PLUGIN_NAME)
        if state.settings.coverage is not None and process_role.decides:
            from pytest_iac.gate.covreports import CoverageReports

            config.pluginmanager.register(CoverageReports(config), "iac-cov-reports")


def pytest_sessionstart(session: pytest.Session) -> None:
    config = session.config
    settings = config.stash[STATE].settings
    if role(config).decides and (settings.entry is not None or settings.requirements is not None):
        from pytest_iac import rundirs  # once per run, and only when asked to do anything

        rundirs.sweep()  # what runs killed earlier (kill -9, OOM) could not remove
    if config.stash[STATE].settings.cache_clear and getattr(config, "cache", None) is not None:
        if role(config).decides:  # once per run: the controller, or the only process
            import shutil
            from pathlib import Path

            # the synthesis cache and the check results kept beside it
            shutil.rmtree(Path(config.cache.mkdir("pytest-iac")), ignore_errors=True)


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    """What is configured, and what is in force: the checks and the coverage thresholds."""
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
    cov = settings.coverage
    if cov is not None:
        measured = {
            "own": f"line coverage of {', '.join(_short(s) for s in cov.sources)} (min {cov.fail_under:g}%)",
            "workers": f"line coverage of {', '.join(_short(s) for s in cov.sources)} (min {cov.fail_under:g}%, from workers)",
            "pytest-cov": f"line coverage (min {cov.fail_under:g}%) reusing pytest-cov's measurement",
        }.get(config.stash[STATE].cov_mode or "", "line coverage: nothing to measure")
        if settings.entry is not None and settings.entry.kind == "module":
            measured = f"block coverage of the module's .tf files (min {cov.fail_under:g}%)"
        parts.append(measured)
        parts.append("resource coverage " + (
            "report only" if cov.resource_fail_under is None else f"(min {cov.resource_fail_under:g}%)"))
    width = config.get_terminal_writer().fullwidth - 1
    lines = ["iac: " + parts[0]]
    for part in parts[1:]:  # as many parts a line as fit
        if len(lines[-1]) + 2 + len(part) <= width:
            lines[-1] += ", " + part
        else:
            lines.append("iac: " + part)
    if settings.entry is not None:
        lines.append("iac: " + _checks_in_force(config))
    return lines


def _checks_in_force(config: pytest.Config) -> str:
    if not config.stash[STATE].settings.checks:
        return "checks off (--iac-checks on to run them)"
    from pytest_iac.checks.items import all_checks, selected_checks

    try:
        checks = all_checks(config)
        selected = selected_checks(config, checks)
    except pytest.UsageError:  # reported by the collection, with its context
        return "checks on"
    shown = ", ".join(c.id for c in selected)
    return f"checks on: {len(selected)} of {len(checks)}" + (f" ({shown})" if len(selected) < len(checks) else "")


def _short(source: str) -> str:
    return os.path.relpath(source) if os.path.isabs(source) else source


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Add the check items (before -k/-m deselection sees the list)."""
    if not config.stash[STATE].settings.checks:
        return
    from pytest_iac.checks.items import make_items
    from pytest_iac.synthesis.session import SynthesisFailed, session_synthesis

    try:
        synthesis, error = session_synthesis(config), None
    except SynthesisFailed as exc:
        synthesis, error = None, str(exc)
    new_items = make_items(session, synthesis, error)
    # reported like any collector's result, so the terminal's "collected N items" counts them
    config.hook.pytest_collectreport(report=pytest.CollectReport("iac", "passed", None, new_items))
    items.extend(new_items)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    recorder = item.config.stash[STATE].resources
    recorder.current = item.nodeid
    try:
        return (yield)
    finally:
        recorder.current = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Every report is masked (``masked_reports``); a test's failed query assertions travel on its
    call report (to the xdist controller too), so the gate never counts a test that caught one."""
    from pytest_iac.masked_reports import mask_report

    report = yield
    mask_report(report)
    if call.when == "call":
        failed = item.config.stash[STATE].resources.failed_queries.pop(item.nodeid, None)
        if failed:
            report.iac_failed_queries = failed  # type: ignore[attr-defined]
    return report


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist controller: give the workers one run-private synthesis cache directory, owned (and
    removed at the end) by this process, for when pytest's cache is off."""
    from pytest_iac.synthesis.session import RUN_DIR_KEY, run_cache_dir

    node.workerinput[RUN_DIR_KEY] = str(run_cache_dir(node.config))


def pytest_assertrepr_compare(op: str, left: object, right: object) -> list[str] | None:
    if "Sensitive" not in (type(left).__name__, type(right).__name__):
        return None
    from pytest_iac.terraform.sensitive import explain_comparison

    return explain_comparison(op, left, right)


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(STATE, None)
    for action in state.cleanup if state else ():
        action()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """One line per synthesis: this process's, or (xdist controller) the workers' via the gate;
    a warning line when requirements are configured but the gate was blocked or unregistered."""
    if config.stash[STATE].settings.requirements is not None and not config.pluginmanager.has_plugin(GATE_PLUGIN_NAME):
        terminalreporter.write_line(
            f"iac: WARNING the requirement gate is off ({GATE_PLUGIN_NAME} blocked by -p no:{GATE_PLUGIN_NAME} "
            "or unregistered) although iac_requirements is set: no requirement was checked", yellow=True, bold=True)
    # the time a cache hit saved is this process's news, not evidence for the gate
    summaries = [{**s.summary(), "saved_seconds": s.saved_seconds} for s in config.stash[STATE].syntheses]
    gate = config.pluginmanager.get_plugin(GATE_PLUGIN_NAME)
    if not summaries and gate is not None and gate.verdict is not None:
        summaries = [s.to_json() for s in gate.verdict.extras.syntheses]
    entry = config.stash[STATE].settings.entry
    module = entry is not None and entry.kind == "module"
    width = config.get_terminal_writer().fullwidth
    from pytest_iac.synthesis.announce import summary_lines

    for s in summaries:
        for line in summary_lines(s, module=module, width=width):
            terminalreporter.write_line(line)
        if module:
            continue
        if s["env_read"]:
            terminalreporter.write_line(f"iac synth: the stack code read {', '.join(s['env_read'])}")
        for note in s.get("notes", ()):
            terminalreporter.write_line(f"iac synth: {note}")
    if len(summaries) > 1:
        terminalreporter.write_line(f"iac synth: {len(summaries)} syntheses this session")
    _render_check_warnings(terminalreporter, config, gate)


def _render_check_warnings(tr: pytest.TerminalReporter, config: pytest.Config, gate: object) -> None:
    """Checks that passed with warnings: one line each, so that a warning is never silent."""
    results = list(config.stash[STATE].check_results)
    verdict = getattr(gate, "verdict", None)
    if verdict is not None and verdict.extras.checks is not None:
        results = list(verdict.extras.checks)  # the workers' results too, under xdist
    if not results:
        return
    from pytest_iac.checks.items import warning_lines

    for line in warning_lines(results):
        tr.write_line(f"iac check warning: {line}", yellow=True)
