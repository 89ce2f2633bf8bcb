"""The whole run's outcome: the requirement gate's verdict joined with every failed or errored
test, every collection error and pytest's exit status.

A CI that reads only the JSON report must learn what pytest's exit status says: the report's
``verdict`` is ``pass`` only when the gate passed, nothing failed and the exit status is 0,
and ``reasons`` gives one line per failure. Check items are tests here like any other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

__all__ = ["FailureLog", "RunFailure", "RunOutcome", "run_outcome"]

_MESSAGE_LIMIT = 200
EXIT_NAMES = {2: "interrupted", 3: "internal error", 4: "usage error", 5: "no tests collected"}


@dataclass(frozen=True)
class RunFailure:
    """One failed test phase or collection error, with the first line of its message."""

    nodeid: str
    kind: str  # "failed", "error" (setup/teardown), "crashed" (an xdist worker died) or "collection error"
    when: str  # "call", "setup", "teardown", "collect" (or what xdist says of a crash)
    message: str

    def reason(self) -> str:
        what = {"failed": "test failed", "error": f"test error in {self.when}",
                "crashed": "test crashed"}.get(self.kind, self.kind)
        return f"{what}: {self.nodeid}" + (f": {self.message}" if self.message else "")


@dataclass
class FailureLog:
    """Every failure the deciding process saw, in the order pytest reported them (under xdist
    the controller sees the workers' reports, so it logs them all)."""

    failures: dict[tuple[str, str], RunFailure] = field(default_factory=dict)

    def test_report(self, report: pytest.TestReport) -> None:
        if not report.failed:
            return
        kind = {"call": "failed", "setup": "error", "teardown": "error"}.get(report.when, "crashed")
        self.failures.setdefault((report.nodeid, report.when),
                                 RunFailure(report.nodeid, kind, report.when, _message(report)))

    def collect_report(self, report: pytest.CollectReport) -> None:
        if report.failed:
            nodeid = report.nodeid or "(session)"
            self.failures.setdefault((nodeid, "collect"),
                                     RunFailure(nodeid, "collection error", "collect", _message(report)))


@dataclass(frozen=True)
class RunOutcome:
    """What the reports say of the run: ``passed`` covers the gate, the tests and the exit status."""

    passed: bool
    exitstatus: int
    reasons: list[str]
    failures: tuple[RunFailure, ...] = ()

    @property
    def verdict(self) -> str:
        return "pass" if self.passed else "fail"


def run_outcome(gate_reasons: list[str], log: FailureLog, exitstatus: int) -> RunOutcome:
    """The run's verdict from the gate's reasons, the failures seen and the exit status
    (the status as it will be, after the gate has corrected it)."""
    phases = {"collect": 0, "setup": 1, "call": 2, "teardown": 3}
    # by node id, so a serial run and an xdist run (reports in any order) give the same reasons
    failures = tuple(sorted(log.failures.values(), key=lambda f: (f.nodeid, phases.get(f.when, 4))))
    reasons = list(gate_reasons) + [f.reason() for f in failures]
    if exitstatus != 0 and (exitstatus != 1 or not reasons):
        name = EXIT_NAMES.get(exitstatus, "failed")
        reasons.append(f"pytest exit status {exitstatus} ({name})")
    return RunOutcome(passed=not reasons and exitstatus == 0, exitstatus=exitstatus, reasons=reasons,
                      failures=failures)


def _message(report: pytest.TestReport | pytest.CollectReport) -> str:
    """The error's one line: the crash message, else the first ``E`` line of the text, else its
    last line (xdist's note of a crashed worker ends with what crashed)."""
    crash = getattr(report.longrepr, "reprcrash", None)
    crash_lines = [line.strip() for line in str(getattr(crash, "message", "") or "").splitlines() if line.strip()]
    lines = [line.strip() for line in (report.longreprtext or "").splitlines() if line.strip()]
    errors = [line[1:].strip() for line in lines if line.startswith("E ")]
    candidates = crash_lines[:1] or errors[:1] or lines[-1:]
    from pytest_iac.masking import mask_text

    first = mask_text(candidates[0]) if candidates else ""
    return first if len(first) <= _MESSAGE_LIMIT else first[: _MESSAGE_LIMIT - 3] + "..."
