"""Renderers of one gate result: the terminal section, a JSON document and a Markdown table.

Files are written atomically (a temporary file in the same directory, then ``os.replace``), so
a reader never sees half a report and an interrupted run never destroys the previous one.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

from pytest_iac.state import STATE
from pytest_iac.gate.evidence_types import VerdictExtras
from pytest_iac.gate.verdict import Verdict

REPORT_VERSION = 1
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
    _render_coverage(tr, verdict.extras)
    if verdict.partial:
        tr.write_line("partial run: requirements outside it are 'not run' (--iac-strict fails them)")
    if verdict.passed:
        tr.write_line(f"PASS all {len(verdict.requirements)} requirements satisfied", green=True, bold=True)
    else:
        tr.write_line("FAIL " + " | ".join(verdict.reasons), red=True, bold=True)


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


def report_data(config: pytest.Config, verdict: Verdict) -> dict[str, Any]:
    extras = verdict.extras.to_json()
    syntheses = extras["syntheses"]
    data = {
        "version": REPORT_VERSION,
        "verdict": "pass" if verdict.passed else "fail",
        "reasons": verdict.reasons,
        "partial": verdict.partial,
        "synth": {
            "count": len(syntheses),
            "seconds": round(sum(s["seconds"] for s in syntheses), 3),
            "stacks": sorted({name for s in syntheses for name in s["stacks"]}),
            "resources": max((s["resources"] for s in syntheses), default=0),
            "syntheses": syntheses,
        },
        "requirements": [r.to_json() for r in verdict.requirements],
        "hollow": extras["hollow"],
    }
    for key in ("coverage", "resources", "checks"):
        if key in extras:
            data[key] = extras[key]
    config.hook.pytest_iac_report_data(config=config, data=data)
    return data


def render_markdown(data: dict[str, Any]) -> str:
    icon = "✅" if data["verdict"] == "pass" else "❌"
    lines = [f"## {icon} pytest-iac: {data['verdict'].upper()}", ""]
    lines += [f"- {reason}" for reason in data["reasons"]]
    lines += ["", "| requirement | status | passing tests | description |", "|---|---|---|---|"]
    for req in data["requirements"]:
        passing = sum(1 for t in req["tests"] if t["outcome"] == "passed")
        description = req["description"].replace("|", "\\|")
        lines.append(f"| {req['id']} | {req['status']} | {passing}/{len(req['tests'])} | {description} |")
    return "\n".join(lines) + "\n"


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def write_reports(config: pytest.Config, verdict: Verdict) -> None:
    settings = config.stash[STATE].settings
    data = report_data(config, verdict)
    if settings.report_json:
        write_atomic(settings.report_json, json.dumps(data, indent=2) + "\n")
    markdown = render_markdown(data)
    if settings.report_md:
        write_atomic(settings.report_md, markdown)
    summary = settings.env.github_step_summary
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(markdown)
