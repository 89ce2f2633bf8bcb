"""The gate: links tests to requirements, gathers the run's evidence, fails the run.

Registered only with ``--iac-requirements``. Each test process (the only one, or every xdist
worker) packs its evidence into one JSON-safe payload: linked tests, line-coverage data, the
resources that exist and those the tests examined, the syntheses made. The controller
receives test reports through the usual hooks and payloads through ``config.workeroutput``;
a worker that sends none makes the gate fail.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from pytest_iac.role import Controller, Worker, role
from pytest_iac.state import STATE
from pytest_iac.gate.evidence_types import Evidence, LinkedTest, SynthesisSummary, WorkerPayload
from pytest_iac.gate.linking import link, narrowed_by_args
from pytest_iac.gate.verdict import Verdict, worse

WORKER_KEY = "pytest_iac"


class RequirementGate:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.state = config.stash[STATE]
        self.role = role(config)
        self.requirements = self.state.settings.requirements
        assert self.requirements is not None
        self.tests: dict[str, LinkedTest] = {}
        self.outcomes: dict[str, str] = {}
        self.partial = False
        self.deselected: list[pytest.Item] = []
        self.problems: list[str] = []
        self.payloads: list[WorkerPayload] = []
        self.verdict: Verdict | None = None

    # -- collection -------------------------------------------------------------------------
    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected.extend(items)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            self._link(item, selected=True)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        for item in self.deselected:
            self._link(item, selected=False, report_errors=False)
        self.partial = bool(self.deselected) or narrowed_by_args(self.config)

    def _link(self, item: pytest.Item, *, selected: bool, report_errors: bool = True) -> None:
        assert self.requirements is not None
        test = link(item, self.requirements, selected=selected,
                    report_error=self._collection_error if report_errors else None)
        if test is None:
            return
        if selected:
            item.user_properties.extend(("requirement", req_id) for req_id in test.requirements)
        self.tests[item.nodeid] = test

    def _collection_error(self, item: pytest.Item, message: str) -> None:
        report = pytest.CollectReport(item.nodeid, "failed", f"{item.nodeid}: {message}", [], sections=[])
        self.config.hook.pytest_collectreport(report=report)

    # -- evidence ---------------------------------------------------------------------------
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        outcome = _phase_outcome(report)
        if outcome is not None:
            self.outcomes[report.nodeid] = worse(self.outcomes.get(report.nodeid), outcome)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        assert isinstance(self.role, Controller)
        payload = self.role.received(node, WORKER_KEY)
        if payload is None:
            name = getattr(getattr(node, "gateway", None), "id", "?")
            self.problems.append(
                f"worker {name} sent no pytest-iac results"
                + (f" ({error})" if error else "") + "; the gate cannot pass without them"
            )
        else:
            self.payloads.append(WorkerPayload.from_json(payload))

    def _own_payload(self) -> WorkerPayload:
        """This process's evidence. Stops line-coverage measurement: call once, after the tests."""
        from pytest_iac.gate import linecov

        state = self.state
        coverage = None
        if state.measurement is not None:
            coverage = state.measurement.stop()
        elif state.cov_mode == "pytest-cov":
            coverage = linecov.from_pytest_cov(self.config.pluginmanager.getplugin("_cov"))
        examined = set().union(*state.resources.examined.values()) if state.resources.examined else set()
        return WorkerPayload(
            tests=tuple(self.tests.values()),
            partial=self.partial,
            coverage=coverage,
            coverage_replay=tuple(state.coverage_replay),
            addresses=tuple(sorted({a for s in state.syntheses for a in s.addresses()})),
            examined=tuple(sorted(examined)),
            syntheses=tuple(SynthesisSummary.from_json(s.summary()) for s in state.syntheses),
            checks=tuple(state.check_results),
            synth_errors=tuple(state.synth_errors),
        )

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, object, object]:
        try:
            return (yield)
        finally:
            if not session.config.option.collectonly and self.role.decides:
                if self.state.cov_mode != "workers":
                    self.payloads.append(self._own_payload())
                self.verdict = self._decide()
                if not self.verdict.passed:
                    session.testsfailed += 1

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if isinstance(self.role, Worker):
            self.role.send(WORKER_KEY, self._own_payload().to_json())
            return
        if session.config.option.collectonly:
            return
        if self.verdict is None:
            self.problems.append("the run ended before any test ran, so no requirement was checked")
            if self.state.cov_mode != "workers":
                self.payloads.append(self._own_payload())
            self.verdict = self._decide()
            if session.exitstatus == 0:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED
        from pytest_iac.gate.report import write_reports

        self.config.hook.pytest_iac_verdict(config=self.config, verdict=self.verdict)
        write_reports(self.config, self.verdict)

    def _decide(self) -> Verdict:
        from pytest_iac.checks.items import unused_suppressions
        from pytest_iac.gate.evidence import evaluate

        evidence = Evidence.merge(self.payloads)
        problems = self.problems + unused_suppressions(self.config, list(evidence.checks))
        return evaluate(self.state, self.requirements, evidence, self.outcomes,
                        problems=problems, rootdir=self.config.rootpath)

    # -- output -----------------------------------------------------------------------------
    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.verdict is None:
            return
        from pytest_iac.gate.terminal import render_terminal

        render_terminal(terminalreporter, self.verdict, verbose=self.config.option.verbose > 0)


def _phase_outcome(report: pytest.TestReport) -> str | None:
    xfail = hasattr(report, "wasxfail")
    if report.when == "call":
        if xfail:
            return "xfailed" if report.skipped else "xpassed"
        return report.outcome
    if report.failed:
        return "error"
    if report.skipped:
        return "xfailed" if xfail else "skipped"
    return None

