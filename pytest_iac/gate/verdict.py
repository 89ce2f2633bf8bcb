"""Pure verdict logic: from links and outcomes to requirement statuses and one verdict.

No pytest here, so the rules are easy to read and to test. Statuses: ``passed``, ``failed``,
``skipped``, ``untested``, ``not run``. Only a ``passed`` test of the requirement's kind
satisfies it; xfailed, xpassed, skipped and errored tests do not, nor a ``caught`` one (it
passed, but a query assertion failed during it and it caught the error).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from pytest_iac.gate.evidence_types import Evidence, LinkedTest, VerdictExtras

__all__ = ["LinkedTest", "RequirementResult", "Verdict", "decide", "requirement_results", "worse"]

PASSING = "passed"
# An outcome per test, worst phase wins: error (setup/teardown) > failed > skipped > xfailed > ...
OUTCOME_RANK = {"error": 5, "failed": 4, "caught": 4, "xpassed": 3, "skipped": 2, "xfailed": 2, "passed": 1}


@dataclass
class RequirementResult:
    id: str
    description: str
    kind: str
    status: str
    tests: list[dict[str, str]] = field(default_factory=list)  # {nodeid, outcome}

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Verdict:
    passed: bool
    reasons: list[str]
    requirements: list[RequirementResult]
    partial: bool
    extras: VerdictExtras = field(default_factory=VerdictExtras)
    evidence: Evidence | None = None  # what it was decided from (set by the gate)


def worse(a: str | None, b: str) -> str:
    """Combine two phase outcomes of one test, keeping the worse."""
    return b if a is None or OUTCOME_RANK[b] > OUTCOME_RANK[a] else a


def kind_counts(requirement_kind: str, test_kind: str) -> bool:
    return requirement_kind == "any" or requirement_kind == test_kind


def requirement_results(
    requirements: Iterable[Any],
    tests: Sequence[LinkedTest],
    outcomes: Mapping[str, str],
    partial: bool,
) -> list[RequirementResult]:
    results = []
    for req in requirements:
        linked = [t for t in tests if req.id in t.requirements and kind_counts(req.kind, t.kind)]
        ran = [t for t in linked if t.selected]
        entries = [{"nodeid": t.nodeid, "outcome": _outcome(t, outcomes)} for t in ran]
        got = [e["outcome"] for e in entries]
        if not linked:
            status = "not run" if partial else "untested"
        elif not ran:
            status = "not run"
        elif PASSING in got:
            status = "passed"
        elif any(o in ("failed", "error", "no result", "xpassed", "caught") for o in got):
            status = "failed"
        elif "hollow" in got:
            status = "untested"
        else:
            status = "skipped"
        results.append(RequirementResult(req.id, req.description, req.kind, status, entries))
    return results


def _outcome(test: LinkedTest, outcomes: Mapping[str, str]) -> str:
    outcome = outcomes.get(test.nodeid, "no result")
    return "hollow" if outcome == PASSING and test.hollow else outcome


def decide(
    results: list[RequirementResult],
    *,
    partial: bool,
    strict: bool,
    missing_results: Sequence[str] = (),
    problems: Sequence[str] = (),
    gated: Sequence[str] = (),
) -> Verdict:
    """The verdict: fails on unsatisfied requirements, missing data, or any other problem.

    ``gated`` reasons (coverage below its threshold) don't fail a partial run unless strict.
    """
    reasons = list(problems)
    if not partial or strict:
        reasons.extend(gated)
    if missing_results:
        shown = ", ".join(missing_results[:5]) + (" ..." if len(missing_results) > 5 else "")
        reasons.append(
            f"no result for {len(missing_results)} linked test(s) ({shown}): the run stopped early "
            "or a worker crashed, so the gate cannot tell"
        )
    tolerated = {"passed"} | ({"not run"} if partial and not strict else set())
    by_status: dict[str, list[str]] = {}
    for result in results:
        if result.status not in tolerated:
            by_status.setdefault(result.status, []).append(result.id)
    if by_status:
        detail = "; ".join(f"{status}: {', '.join(ids)}" for status, ids in by_status.items())
        count = sum(len(ids) for ids in by_status.values())
        reasons.append(f"{count} of {len(results)} requirements not satisfied ({detail})")
    return Verdict(passed=not reasons, reasons=reasons, requirements=results, partial=partial)
