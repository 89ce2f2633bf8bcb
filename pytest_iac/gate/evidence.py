"""Merge the evidence of every test process and turn it into one verdict.

Line coverage, resource coverage and hollow tests join the requirement results here. Missing
evidence fails the gate: a process that measured nothing, a synthesis that failed, a stack no
test looked at.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pytest_iac.config.requirements import RequirementsFile
from pytest_iac.state import State
from pytest_iac.gate.verdict import LinkedTest, Verdict, decide, requirement_results


def evaluate(
    state: State,
    requirements: RequirementsFile | None,
    tests: dict[str, LinkedTest],
    outcomes: Mapping[str, str],
    payloads: list[dict[str, Any]],
    *,
    partial: bool,
    problems: list[str],
    rootdir: Path,
) -> Verdict:
    assert requirements is not None
    problems = list(problems) + [
        f"stack synthesis failed: {error.splitlines()[0]}" for error in state.synth_errors
    ]
    for payload in payloads:
        partial = partial or payload["partial"]
        for data in payload["tests"]:
            tests.setdefault(data["nodeid"], LinkedTest.from_json(data))
    gated: list[str] = []
    extras: dict[str, Any] = {
        "syntheses": [s for p in payloads for s in p["syntheses"]],
        "hollow": sorted(t.hollow for t in tests.values() if t.hollow and outcomes.get(t.nodeid) == "passed"),
    }
    cov = state.settings.coverage
    if cov is not None:
        _line_coverage(state, cov, payloads, rootdir, problems, gated, extras)
        _resource_coverage(cov.resource_fail_under, payloads, problems, gated, extras)
    missing = [t.nodeid for t in tests.values() if t.selected and t.nodeid not in outcomes]
    results = requirement_results(requirements.requirements, list(tests.values()), outcomes, partial)
    verdict = decide(results, partial=partial, strict=state.settings.strict,
                     missing_results=missing, problems=problems, gated=gated)
    verdict.extras = extras
    return verdict


def _line_coverage(state: State, cov: Any, payloads: list[dict[str, Any]], rootdir: Path,
                   problems: list[str], gated: list[str], extras: dict[str, Any]) -> None:
    from pytest_iac.gate.linecov import report

    if not cov.sources:
        extras["coverage"] = {"percent": None, "fail_under": cov.fail_under, "missing": {},
                              "note": "no Python source to measure (the entry is synthesized output)"}
        return
    blobs = [p["coverage"] for p in payloads]
    if not blobs or any(blob is None for blob in blobs):
        problems.append("line coverage was not measured in every test process, so the gate cannot tell")
        extras["coverage"] = {"percent": None, "fail_under": cov.fail_under, "missing": {}}
        return
    replayed = [r for p in payloads for r in p.get("coverage_replay", [])]
    result = report(blobs, cov.sources, cov.branch, rootdir, replayed)
    extras["coverage"] = result.to_json(cov.fail_under)
    if result.percent is None:
        gated.append(f"line coverage not measured: {result.problem}")
    elif result.percent < cov.fail_under:
        gated.append(f"Required line coverage of {cov.fail_under:g}% not reached. Total coverage: {result.percent:.2f}%")


def _resource_coverage(fail_under: float | None, payloads: list[dict[str, Any]],
                       problems: list[str], gated: list[str], extras: dict[str, Any]) -> None:
    from pytest_iac.gate.rescov import resource_coverage

    addresses = {a for p in payloads for a in p["addresses"]}
    examined = {a for p in payloads for a in p["examined"]}
    result = resource_coverage(addresses, examined)
    extras["resources"] = result.to_json(fail_under)
    if fail_under is None:
        return
    if result.percent is None:
        gated.append("resource coverage not measured: no test used the synthesized stack")
    elif result.percent < fail_under:
        gated.append(
            f"Required resource coverage of {fail_under:g}% not reached: {result.covered} of "
            f"{result.total} resources asserted on ({result.percent:.2f}%)"
        )
