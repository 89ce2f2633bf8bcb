"""Merge the evidence of every test process and turn it into one verdict.

Line coverage, resource coverage and hollow tests join the requirement results here. Without a
requirements file (reports only) there are no requirement results, the rest is the same. Missing
evidence fails the gate: a process that measured nothing, a synthesis that failed, a stack no
test looked at.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pytest_iac.config.requirements import RequirementsFile
from pytest_iac.gate.evidence_types import Evidence, LineCoverageFigure, LinkedTest, ResourceCoverageFigure, VerdictExtras
from pytest_iac.gate.verdict import Verdict, decide, requirement_results
from pytest_iac.state import State


def evaluate(
    state: State,
    requirements: RequirementsFile | None,
    evidence: Evidence,
    outcomes: Mapping[str, str],
    *,
    problems: list[str],
    rootdir: Path,
    caught: Mapping[str, list[str]] | None = None,
) -> Verdict:
    """``caught``: the failed query assertions of tests that passed anyway, by node id."""
    problems = list(problems) + [f"stack synthesis failed: {error.splitlines()[0]}" for error in evidence.synth_errors]
    tests: list[LinkedTest] = list(evidence.tests)
    gated: list[str] = []
    coverage = None
    cov = state.settings.coverage
    if cov is not None:
        coverage = _line_coverage(state, cov, evidence, rootdir, problems, gated)
    resources = _resource_coverage(cov.resource_fail_under if cov else None, evidence, gated)
    missing = [t.nodeid for t in tests if t.selected and t.nodeid not in outcomes]
    listed = requirements.requirements if requirements is not None else ()
    results = requirement_results(listed, tests, outcomes, evidence.partial)
    verdict = decide(results, partial=evidence.partial, strict=state.settings.strict,
                     missing_results=missing, problems=problems, gated=gated)
    verdict.extras = VerdictExtras(
        syntheses=evidence.syntheses,
        hollow=tuple(sorted(t.hollow for t in tests if t.hollow and outcomes.get(t.nodeid) == "passed")),
        caught=tuple(f"{nodeid}: {query}" for nodeid, queries in sorted((caught or {}).items())
                     if outcomes.get(nodeid) == "caught" for query in queries),
        coverage=coverage,
        resources=resources,
        checks=evidence.checks,
    )
    verdict.evidence = evidence
    return verdict


def _line_coverage(state: State, cov: Any, evidence: Evidence, rootdir: Path, problems: list[str],
                   gated: list[str]) -> LineCoverageFigure:
    from pytest_iac.gate.linecov import report

    entry = state.settings.entry
    if entry is not None and entry.kind == "module":
        return _block_coverage(entry.path, cov.fail_under, evidence, rootdir, gated)
    if not cov.sources:
        return LineCoverageFigure(None, cov.fail_under,
                                  note="no Python source to measure (the entry is synthesized output)")
    blobs = evidence.coverage
    if not blobs or any(blob is None for blob in blobs):
        problems.append("line coverage was not measured in every test process, so the gate cannot tell")
        return LineCoverageFigure(None, cov.fail_under)
    result = report([b for b in blobs if b is not None], cov.sources, cov.branch, rootdir,
                    list(evidence.coverage_replay))
    if result.percent is None:
        gated.append(f"line coverage not measured: {result.problem}")
    elif result.percent < cov.fail_under:
        gated.append(f"Required line coverage of {cov.fail_under:g}% not reached. Total coverage: {result.percent:.2f}%")
    return result.figure(cov.fail_under)


def _block_coverage(module: Path, fail_under: float, evidence: Evidence, rootdir: Path,
                    gated: list[str]) -> LineCoverageFigure:
    """A Terraform module's line-coverage figure: its blocks (see gate/blockcov.py)."""
    from pytest_iac.gate.blockcov import block_coverage

    result = block_coverage(module, evidence.examined, rootdir)
    note = f"block coverage of the module's .tf files ({result.statements} blocks)"
    if result.percent is None:
        gated.append(f"block coverage not measured: {result.problem}")
    elif result.percent < fail_under:
        gated.append(f"Required block coverage of {fail_under:g}% not reached. Total coverage: {result.percent:.2f}%")
    return LineCoverageFigure(result.percent, fail_under, result.missing, note=note)


def _resource_coverage(fail_under: float | None, evidence: Evidence, gated: list[str]) -> ResourceCoverageFigure:
    from pytest_iac.gate.rescov import resource_coverage

    result = resource_coverage(evidence.addresses, evidence.examined, evidence.paths, evidence.examiners)
    if fail_under is not None and result.percent is None:
        gated.append("resource coverage not measured: no test used the synthesized stack")
    elif fail_under is not None and result.percent is not None and result.percent < fail_under:
        gated.append(
            f"Required resource coverage of {fail_under:g}% not reached: {result.covered} of "
            f"{result.total} resources asserted on ({result.percent:.2f}%)"
        )
    return result.figure(fail_under)
