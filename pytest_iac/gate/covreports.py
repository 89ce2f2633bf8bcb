"""Line-coverage reports and the data file, made by coverage.py from the data the gate judged.

``--iac-cov-report TYPE[:DEST]`` asks for coverage.py's own reporters (as pytest-cov's
``--cov-report``); the combined data of every test process, with the synthesis coverage replayed
from the cache, is written where coverage.py looks for it (``.coverage``, or ``COVERAGE_FILE``),
so ``coverage report``/``html``/``xml``, Codecov and editors read the figure the gate decided
on. Only the deciding process (the only one, or the xdist controller) writes them. Under
pytest-cov (``--cov``) the data file is pytest-cov's, with the synthesis coverage replayed into
it (``pytest_cov_bridge``).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pytest_iac.state import STATE

if TYPE_CHECKING:
    import coverage

    from pytest_iac.config.settings import CoverageConfig, CovReport
    from pytest_iac.gate.evidence_types import Evidence
    from pytest_iac.gate.verdict import Verdict

__all__ = ["CoverageReports", "combined", "write_data_file", "write_html"]


def combined(evidence: Evidence, coverage_config: CoverageConfig) -> coverage.Coverage | None:
    """The Coverage the gate's figure is measured on, rebuilt from the merged evidence; None when
    a process sent no data or there is no Python source to measure."""
    from pytest_iac.gate.linecov import combine

    blobs = evidence.coverage
    if not coverage_config.sources or not blobs or any(blob is None for blob in blobs):
        return None
    return combine([b for b in blobs if b is not None], coverage_config.sources, coverage_config.branch,
                   list(evidence.coverage_replay))


def write_html(evidence: Evidence, coverage_config: CoverageConfig, directory: Path,
               title: str | None = None) -> Path | None:
    """Render coverage.py's HTML report of the gate's data into ``directory``; return its
    ``index.html`` (None when there is nothing to render). For the HTML report of the gate."""
    from pytest_iac.gate.linecov import include_patterns

    cov = combined(evidence, coverage_config)
    if cov is None:
        return None
    cov.html_report(directory=str(directory), include=include_patterns(coverage_config.sources),
                    ignore_errors=True, title=title)
    return directory / "index.html"


def write_data_file(cov: coverage.Coverage, path: Path) -> None:
    """Replace the data file at ``path`` with ``cov``'s data, for coverage.py's command line."""
    from coverage import CoverageData

    data = CoverageData(basename=str(path))
    data.erase()
    data.update(cov.get_data())
    data.write()


class CoverageReports:
    """Registered with the gate on the deciding process: writes the data file and the asked
    reports once the verdict is known, and shows the terminal ones in the summary."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.lines: list[str] = []

    def pytest_iac_verdict(self, config: pytest.Config, verdict: Verdict) -> None:
        settings = config.stash[STATE].settings
        state = config.stash[STATE]
        if settings.coverage is None or verdict.evidence is None:
            return
        cov = combined(verdict.evidence, settings.coverage)
        if cov is None:
            if settings.cov_reports:
                self.lines.append("no line coverage data, so no coverage report was written")
            return
        from coverage.exceptions import CoverageException

        if state.cov_mode != "pytest-cov":  # pytest-cov writes its own data file
            try:
                write_data_file(cov, settings.coverage_file)
            except (OSError, CoverageException) as exc:
                self.lines.append(f"WARNING: could not write the coverage data file {settings.coverage_file}: {exc}")
        for report in settings.cov_reports:
            try:
                self.lines.extend(_write(cov, report, settings.coverage.sources))
            except (OSError, CoverageException) as exc:
                self.lines.append(f"WARNING: could not write the {report.kind} coverage report: {exc}")

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.lines:
            return
        terminalreporter.write_sep("-", "iac line coverage")
        for line in self.lines:
            terminalreporter.write_line(line)


def _write(cov: coverage.Coverage, report: CovReport, sources: tuple[str, ...]) -> list[str]:
    from pytest_iac.gate.linecov import include_patterns

    include = include_patterns(sources)
    dest = str(report.dest) if report.dest is not None else None
    if report.kind in ("term", "term-missing"):
        text = io.StringIO()
        cov.report(file=text, include=include, ignore_errors=True, precision=2,
                   show_missing=report.kind == "term-missing", skip_covered=report.skip_covered)
        return text.getvalue().rstrip("\n").splitlines()
    if report.kind == "html":
        cov.html_report(directory=dest, include=include, ignore_errors=True)
        return [f"Coverage HTML written to dir {dest or cov.config.html_dir}"]
    if report.kind == "xml":
        cov.xml_report(outfile=dest, include=include, ignore_errors=True)
        return [f"Coverage XML written to file {dest or cov.config.xml_output}"]
    if report.kind == "json":
        cov.json_report(outfile=dest, include=include, ignore_errors=True)
        return [f"Coverage JSON written to file {dest or cov.config.json_output}"]
    cov.lcov_report(outfile=dest, include=include, ignore_errors=True)
    return [f"Coverage LCOV written to file {dest or cov.config.lcov_output}"]
