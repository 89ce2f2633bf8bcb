"""The gate: links tests to requirements, gathers the run's evidence, fails the run.

Registered with ``--iac-requirements``, or report-only (``requirements`` None) when a report is
asked for without it: it then links nothing, decides from the other evidence alone, and never
fails the run. Each test process (the only one, or every xdist
worker) packs its evidence into one JSON-safe payload: linked tests, line-coverage data, the
resources that exist and those the tests examined, the syntheses made. The controller
receives test reports through the usual hooks and payloads through ``config.workeroutput``;
a worker that sends none makes the gate fail.

The gate owns the final exit status: a run whose verdict (gate, tests, exit status) failed
never ends with 0, even after ``pytest.exit(returncode=0)`` in a test or in another plugin's
``pytest_sessionfinish``. What it cannot catch: ``os._exit`` (no Python code runs after it), a
signal that kills the process (the report written at session start then says ``incomplete``),
and code that changes the status after ``pytest_sessionfinish`` (``pytest_unconfigure``).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from pytest_iac.role import Controller, Worker, role
from pytest_iac.state import STATE
from pytest_iac.gate.evidence_types import Evidence, LinkedTest, SynthesisSummary, WorkerPayload
from pytest_iac.gate.linking import link, narrowed_by_args
from pytest_iac.gate.run_outcome import FailureLog, RunOutcome, run_outcome
from pytest_iac.gate.verdict import Verdict, worse

WORKER_KEY = "pytest_iac"


class RequirementGate:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.state = config.stash[STATE]
        self.role = role(config)
        self.requirements = self.state.settings.requirements
        self.tests: dict[str, LinkedTest] = {}
        self.outcomes: dict[str, str] = {}
        self.partial = False
        self.deselected: list[pytest.Item] = []
        self.problems: list[str] = []
        self.payloads: list[WorkerPayload] = []
        self.verdict: Verdict | None = None
        self.failures = FailureLog()
        self.caught: dict[str, list[str]] = {}
        self.run: RunOutcome | None = None
        self.replaced_exitstatus: int | None = None
        self._warn_report_only(config)

    def _warn_report_only(self, config: pytest.Config) -> None:
        """A coverage figure with no threshold cannot fail the run: say so once, as a warning
        users can filter or make an error."""
        cov = self.state.settings.coverage
        if self.requirements is None or cov is None or cov.resource_fail_under is not None or not self.role.decides:
            return
        from pytest_iac.warnings import ReportOnlyCoverageWarning

        config.issue_config_time_warning(ReportOnlyCoverageWarning(
            "resource coverage is reported but cannot fail the run: set coverage.resources_fail_under in "
            "the requirements YAML (or --iac-resource-fail-under) to gate it"), stacklevel=2)

    def _quiet(self) -> bool:
        """No verdict in runs that run no tests by design (--collect-only, --fixtures)."""
        option = self.config.option
        return bool(option.collectonly or getattr(option, "showfixtures", False)
                    or getattr(option, "show_fixtures_per_test", False))

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if self.role.decides and not self._quiet():
            from pytest_iac.gate.report import write_incomplete

            write_incomplete(self.config)

    # -- collection -------------------------------------------------------------------------
    def pytest_runtest_call(self, item: pytest.Item) -> None:
        """A hollow linked test gets a HollowTestWarning at its own line (it does not count for
        its requirements either way; ``-W error::pytest_iac.HollowTestWarning`` makes it fail)."""
        linked = self.tests.get(item.nodeid)
        if linked is None or not linked.hollow:
            return
        import warnings

        from pytest_iac.warnings import HollowTestWarning

        _, line, _ = item.location
        reason = linked.hollow.split(": ", 1)[-1]  # "file:line: why" -> why
        warnings.warn_explicit(HollowTestWarning(
            f"hollow test, {reason}: it does not count for {', '.join(linked.requirements)}"),
            HollowTestWarning, str(item.path), (line or 0) + 1)

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected.extend(items)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            self._link(item, selected=True)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        self.failures.collect_report(report)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        for item in self.deselected:
            self._link(item, selected=False, report_errors=False)
        self.partial = bool(self.deselected) or narrowed_by_args(self.config)

    def _link(self, item: pytest.Item, *, selected: bool, report_errors: bool = True) -> None:
        if self.requirements is None:
            return
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
        self.failures.test_report(report)
        outcome = _phase_outcome(report)
        failed_queries = getattr(report, "iac_failed_queries", None)
        if outcome == "passed" and failed_queries:
            outcome, self.caught[report.nodeid] = "caught", list(failed_queries)
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
        examiners: dict[str, list[str]] = {}
        for nodeid, addresses in state.resources.examined.items():
            for address in addresses:
                examiners.setdefault(address, []).append(nodeid)
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
            paths={a: p for s in state.syntheses for a, p in s.resource_paths().items()},
            examiners={a: tuple(sorted(ids)) for a, ids in sorted(examiners.items())},
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
                if not self.verdict.passed and self.requirements is not None:
                    session.testsfailed += 1

    @pytest.hookimpl(wrapper=True, trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> Generator[None, object, object]:
        """Innermost wrapper: it runs after every plain ``pytest_sessionfinish`` (and sees a
        ``pytest.exit`` one of them raises), before xdist sends a worker's output and before the
        terminal summary is printed."""
        exit_request: BaseException | None = None
        try:
            result = yield
        except pytest.exit.Exception as exc:
            exit_request, result = exc, None
        if isinstance(self.role, Worker):
            self.role.send(WORKER_KEY, self._own_payload().to_json())
        elif not self._quiet():
            self._finish(session, exit_request)
        if exit_request is not None:
            raise exit_request
        return result

    def _finish(self, session: pytest.Session, exit_request: BaseException | None) -> None:
        if self.verdict is None:
            self.problems.append("the run ended before any test ran, so no requirement was checked")
            if self.state.cov_mode != "workers":
                self.payloads.append(self._own_payload())
            self.verdict = self._decide()
        requested = getattr(exit_request, "returncode", None)
        status = int(requested if requested is not None else session.exitstatus)
        run = run_outcome(self.verdict.reasons, self.failures, status)
        if not run.passed and status == 0 and self.requirements is not None:  # report-only fails nothing
            self.replaced_exitstatus, status = 0, int(pytest.ExitCode.TESTS_FAILED)
            if requested is not None:
                exit_request.returncode = status  # type: ignore[union-attr]
            session.exitstatus = status
            run = run_outcome(self.verdict.reasons, self.failures, status)
        self.run = run
        from pytest_iac.gate.report import write_reports

        self.config.hook.pytest_iac_verdict(config=self.config, verdict=self.verdict)
        write_reports(self.config, self.verdict, run)

    def _decide(self) -> Verdict:
        from pytest_iac.checks.items import unused_suppressions
        from pytest_iac.gate.evidence import evaluate

        evidence = Evidence.merge(self.payloads)
        problems = self.problems + unused_suppressions(self.config, list(evidence.checks))
        return evaluate(self.state, self.requirements, evidence, self.outcomes,
                        problems=problems, rootdir=self.config.rootpath, caught=self.caught)

    # -- output -----------------------------------------------------------------------------
    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.verdict is None or self.requirements is None:
            return
        from pytest_iac.gate.terminal import render_terminal

        render_terminal(terminalreporter, self.verdict, verbose=self.config.option.verbose > 0)
        if self.replaced_exitstatus is not None and self.run is not None:
            terminalreporter.write_line(
                f"iac: exit status {self.replaced_exitstatus} replaced by {self.run.exitstatus}: "
                "the run failed (see the reasons above)", red=True, bold=True)


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

