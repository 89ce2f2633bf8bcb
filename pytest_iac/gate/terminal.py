"""The gate's section of the terminal summary: one line per requirement, the coverage figures,
one verdict line."""

from __future__ import annotations

import pytest

from pytest_iac.gate.evidence_types import VerdictExtras
from pytest_iac.gate.verdict import Verdict

STATUS_MARKUP = {"passed": "green", "failed": "red", "untested": "red", "skipped": "yellow", "not run": "yellow"}


def render_terminal(tr: pytest.TerminalReporter, verdict: Verdict, *, verbose: bool) -> None:
    tr.write_sep("=", "iac requirements")
    width = max([len(r.id) for r in verdict.requirements] + [2])
    for result in verdict.requirements:
        counted = [t for t in result.tests if t["outcome"] == "passed"]
        tests = f"{len(counted)}/{len(result.tests)} passing"
        tr.write(f"{result.id:<{width}}  ")
        tr.write(f"{result.status:<9}", **{STATUS_MARKUP.get(result.status, "bold"): True})
        tr.write_line(f"  {tests:<12} {result.description}")
        if verbose:
            for test in result.tests:
                tr.write_line(f"{'':<{width}}    {test['outcome']:<9} {test['nodeid']}")
    for location in verdict.extras.hollow:
        tr.write_line(f"hollow test (does not count): {location}", yellow=True)
    for failure in verdict.extras.caught:
        tr.write_line(f"caught query failure (does not count): {failure}", yellow=True)
    _render_coverage(tr, verdict.extras)
    if verdict.partial:
        tr.write_line("partial run: requirements outside it are 'not run' (--iac-strict fails them)")
    if verdict.passed:
        tr.write_line(f"PASS all {len(verdict.requirements)} requirements satisfied", green=True, bold=True)
    else:
        from pytest_iac.masking import mask_text

        tr.write_line(mask_text("FAIL " + " | ".join(verdict.reasons)), red=True, bold=True)


def _render_coverage(tr: pytest.TerminalReporter, extras: VerdictExtras) -> None:
    line = extras.coverage
    if line is not None:
        figure = "not measured" if line.percent is None else f"{line.percent:.2f}%"
        tr.write_line(f"line coverage: {figure} (required {line.fail_under:g}%)"
                      + (f" - {line.note}" if line.note else ""))
        for filename, lines in line.missing.items():
            tr.write_line(f"  {filename}: missing {_ranges(lines)}")
    resources = extras.resources
    if resources is not None:
        figure = "no stack synthesized" if resources.percent is None else (
            f"{resources.covered}/{resources.total} asserted on ({resources.percent:.2f}%)")
        required = "report only" if resources.fail_under is None else f"required {resources.fail_under:g}%"
        tr.write_line(f"resource coverage: {figure} ({required})")
        for rtype, addresses in resources.uncovered.items():
            tr.write_line(f"  {rtype}: {', '.join(addresses)}")


def _ranges(lines: list[int]) -> str:
    """1, 2, 3, 7 -> '1-3, 7', as coverage's term-missing shows them."""
    spans: list[list[int]] = []
    for number in lines:
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)
