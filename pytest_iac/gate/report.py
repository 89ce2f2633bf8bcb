"""The gate's report files: the JSON document (the one dict every format renders), and
writing each asked-for format. Renderers live beside it: ``terminal``, ``markdown``, ``html``.

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
from pytest_iac.gate.markdown import render_markdown
from pytest_iac.gate.run_outcome import RunOutcome
from pytest_iac.gate.verdict import Verdict

REPORT_VERSION = 1


def report_data(config: pytest.Config, verdict: Verdict, run: RunOutcome) -> dict[str, Any]:
    """``verdict`` and ``reasons`` cover the whole run (see ``run_outcome``); ``gate`` is the
    requirement gate's own verdict."""
    extras = verdict.extras.to_json()
    syntheses = extras["syntheses"]
    data = {
        "version": REPORT_VERSION,
        "verdict": run.verdict,
        "exitstatus": run.exitstatus,
        "gate": "pass" if verdict.passed else "fail",
        "reasons": run.reasons,
        "partial": verdict.partial,
        "requirements_file": _requirements_file(config),
        "synth": {
            "count": len(syntheses),
            "seconds": round(sum(s["seconds"] for s in syntheses), 3),
            "stacks": sorted({name for s in syntheses for name in s["stacks"]}),
            "resources": max((s["resources"] for s in syntheses), default=0),
            "syntheses": syntheses,
        },
        "requirements": [r.to_json() for r in verdict.requirements],
        "hollow": extras["hollow"],
        "caught": extras["caught"],
    }
    for key in ("coverage", "resources", "checks"):
        if key in extras:
            data[key] = extras[key]
    if verdict.extras.checks is not None:
        data["check_warnings"] = [{"check": c.id, "stack": c.stack, "address": f.address, "path": f.path,
                                   "message": f.message} for c in verdict.extras.checks for f in c.warnings]
    config.hook.pytest_iac_report_data(config=config, data=data)
    return data


def _requirements_file(config: pytest.Config) -> str | None:
    requirements = config.stash[STATE].settings.requirements
    if requirements is None:
        return None
    return str(requirements.display_path or requirements.path)


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # as open() would have made it, not mkstemp's 0600
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_incomplete(config: pytest.Config) -> None:
    """Written at session start and replaced at the end: a run that dies between leaves a
    report a CI reads as failed, never the previous run's."""
    settings = config.stash[STATE].settings
    data = {"version": REPORT_VERSION, "verdict": "incomplete", "exitstatus": None,
            "reasons": ["the run did not finish: it was killed or crashed before the gate decided"],
            "requirements": []}
    if settings.report_json:
        write_atomic(settings.report_json, json.dumps(data, indent=2) + "\n")
    if settings.report_md:
        write_atomic(settings.report_md, render_markdown(data))


def write_reports(config: pytest.Config, verdict: Verdict, run: RunOutcome) -> None:
    settings = config.stash[STATE].settings
    from pytest_iac.masking import mask_data

    data = mask_data(report_data(config, verdict, run))
    if settings.report_json:
        write_atomic(settings.report_json, json.dumps(data, indent=2) + "\n")
    markdown = render_markdown(data)
    if settings.report_md:
        write_atomic(settings.report_md, markdown)
    if settings.report_html:
        write_html_report(config, verdict, data, settings.report_html)
    summary = settings.env.github_step_summary
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(markdown)


def write_html_report(config: pytest.Config, verdict: Verdict, data: dict[str, Any], directory: Path) -> None:
    """``index.html``, and coverage.py's own HTML report of the stack code in ``coverage/`` when
    line coverage was measured (or another reporter already put one there): the page links it."""
    from pytest_iac.gate.html import COVERAGE_INDEX, render_html

    cov = config.stash[STATE].settings.coverage
    evidence = verdict.evidence
    line = verdict.extras.coverage
    if cov is not None and evidence is not None and line is not None and line.percent is not None:
        from pytest_iac.gate.covreports import write_html

        write_html(evidence, cov, directory / "coverage", title="stack code coverage (pytest-iac)")
    html = render_html(data, coverage_link=(directory / COVERAGE_INDEX).is_file())
    write_atomic(directory / "index.html", html)
