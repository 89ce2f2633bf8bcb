"""The gate's section of the terminal summary: one line per requirement, the coverage figures,
one verdict line. Every line fits the terminal: descriptions are cut with ``…`` (``-v`` shows
them whole), lists and reasons wrap."""

from __future__ import annotations

import pytest

from pytest_iac.gate.evidence_types import VerdictExtras
from pytest_iac.gate.verdict import Verdict
from pytest_iac.gate.wording import fit, headline, ranges, tests_cell, wrap

STATUS_MARKUP = {"passed": "green", "failed": "red", "untested": "red", "skipped": "yellow", "not run": "yellow"}


def render_terminal(tr: pytest.TerminalReporter, verdict: Verdict, *, verbose: bool) -> None:
    width = terminal_width(tr)
    tr.write_sep("=", "iac requirements")
    id_width = max([len(r.id) for r in verdict.requirements] + [2])
    tests_width = max([len(tests_cell(r.tests)) for r in verdict.requirements] + [12])
    for result in verdict.requirements:
        tests = tests_cell(result.tests)
        prefix = f"{result.id:<{id_width}}  {result.status:<9}  {tests:<{tests_width}}  "
        description = result.description if verbose else fit(result.description, width - 1 - len(prefix))
        tr.write(f"{result.id:<{id_width}}  ")
        tr.write(f"{result.status:<9}", **{STATUS_MARKUP.get(result.status, "bold"): True})
        tr.write_line(f"  {tests:<{tests_width}}  {description}".rstrip())
        if verbose:
            for test in result.tests:
                tr.write_line(f"{'':<{id_width}}    {test['outcome']:<9} {test['nodeid']}")
    for location in verdict.extras.hollow:
        _lines(tr, f"hollow test (does not count): {location}", width, yellow=True)
    for failure in verdict.extras.caught:
        _lines(tr, f"caught query failure (does not count): {failure}", width, yellow=True)
    _render_coverage(tr, verdict.extras, width)
    if verdict.partial:
        _lines(tr, "partial run: requirements outside it are 'not run' (--iac-strict fails them)", width)
    if verdict.passed:
        statuses = [r.status for r in verdict.requirements]
        text = headline(statuses, verdict.partial)
        _lines(tr, f"PASS ({text})" if verdict.partial else f"PASS {text}", width, green=True, bold=True)
    else:
        from pytest_iac.masking import mask_text

        _render_fail(tr, [mask_text(reason) for reason in verdict.reasons], width)


def _render_fail(tr: pytest.TerminalReporter, reasons: list[str], width: int) -> None:
    """One line when it fits; else one reason a line (wrapped), under the FAIL of the first."""
    line = "FAIL " + " | ".join(reasons)
    if len(line) < width:
        tr.write_line(line, red=True, bold=True)
        return
    for index, reason in enumerate(reasons):
        _lines(tr, ("FAIL " if index == 0 else "     ") + reason, width, red=True, bold=True)


def terminal_width(tr: pytest.TerminalReporter) -> int:
    return tr.config.get_terminal_writer().fullwidth


def _lines(tr: pytest.TerminalReporter, text: str, width: int, indent: str = "     ", **markup: bool) -> None:
    for line in wrap(text, width - 1, indent):
        tr.write_line(line, **markup)


def _render_coverage(tr: pytest.TerminalReporter, extras: VerdictExtras, width: int) -> None:
    line = extras.coverage
    if line is not None:
        figure = "not measured" if line.percent is None else f"{line.percent:.2f}%"
        _lines(tr, f"line coverage: {figure} (required {line.fail_under:g}%)"
               + (f" - {line.note}" if line.note else ""), width, indent="  ")
        for filename, lines in line.missing.items():
            _lines(tr, f"  {filename}: missing {ranges(lines)}", width, indent="    ")
    resources = extras.resources
    if resources is not None:
        figure = "no stack synthesized" if resources.percent is None else (
            f"{resources.covered}/{resources.total} asserted on ({resources.percent:.2f}%)")
        required = "report only" if resources.fail_under is None else f"required {resources.fail_under:g}%"
        _lines(tr, f"resource coverage: {figure} ({required})", width, indent="  ")
        for rtype, addresses in resources.uncovered.items():
            _lines(tr, f"  {rtype}: {', '.join(addresses)}", width, indent="    ")
