"""Line (and branch) coverage of the stack's code, measured with coverage.py.

Measurement starts in ``pytest_load_initial_conftests``, before conftest files or test modules
import the stack, so import-time lines count. Data is moved around as serialized
``CoverageData`` (xdist workers send it to the controller), and one report is made from the
combined data. When pytest-cov is measuring (``--cov``), its data is reused instead of tracing
twice.
"""

from __future__ import annotations

import base64
import contextlib
import fnmatch
import importlib.util
import io
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pytest_iac.gate.evidence_types import LineCoverageFigure

if TYPE_CHECKING:
    import coverage

# Our own messages say what is wrong; coverage's warnings would only repeat it (and turn into
# errors under a user's filterwarnings = error).
_QUIET = ["no-data-collected", "module-not-imported", "module-not-measured", "couldnt-parse", "already-imported"]


@dataclass(frozen=True)
class LineCoverageResult:
    percent: float | None  # None: nothing was measured
    missing: dict[str, list[int]] = field(default_factory=dict)  # file -> missing line numbers
    statements: int = 0
    problem: str | None = None  # why there is no figure

    def figure(self, fail_under: float) -> LineCoverageFigure:
        return LineCoverageFigure(self.percent, fail_under, self.missing)


def _coverage(sources: tuple[str, ...], branch: bool) -> coverage.Coverage:
    import coverage

    cov = coverage.Coverage(source=list(sources), branch=branch, data_file=None)
    cov.set_option("run:disable_warnings", _QUIET)
    return cov


SYNTH_CONTEXT = "pytest-iac-synthesis"


class Measurement:
    """A running measurement in this process."""

    records_apart = False  # the synthesis is measured into this run's data as it runs

    def __init__(self, sources: tuple[str, ...], branch: bool) -> None:
        self.sources, self.branch = sources, branch
        self.cov = _coverage(sources, branch)
        self.cov.start()

    def scope(self) -> dict[str, Any]:
        """What a synthesis recording depends on: a cache entry recorded under another scope
        cannot be replayed into this measurement."""
        return {"tool": "pytest-iac", "sources": list(self.sources), "branch": self.branch}

    @contextlib.contextmanager
    def synthesis_context(self) -> Iterator[dict[str, Any]]:
        """Measure the block under its own context; yields what it ran, filled in at exit
        (``{"lines": {file: [n]}, "arcs": {file: [[a, b]]}}``), for the synthesis cache."""
        recorded: dict[str, Any] = {}
        self.cov.switch_context(SYNTH_CONTEXT)
        try:
            yield recorded
        finally:
            self.cov.switch_context("")
            data = self.cov.get_data()
            data.set_query_contexts([f"^{SYNTH_CONTEXT}$"])
            recorded["lines"] = {f: sorted(data.lines(f) or []) for f in data.measured_files() if data.lines(f)}
            if data.has_arcs():
                recorded["arcs"] = {f: sorted(data.arcs(f) or []) for f in data.measured_files() if data.arcs(f)}
            data.set_query_contexts(None)

    def stop(self) -> str:
        """Stop measuring; return the data, serialized for a trip to another process."""
        self.cov.stop()
        return base64.b64encode(self.cov.get_data().dumps()).decode("ascii")


def from_pytest_cov(plugin: Any) -> str | None:
    """The data pytest-cov collected (and, under xdist, combined), serialized; None if none."""
    controller = getattr(plugin, "cov_controller", None)
    cov = getattr(controller, "cov", None)
    if cov is None:
        return None
    return base64.b64encode(cov.get_data().dumps()).decode("ascii")


def combine(
    serialized: list[str],
    sources: tuple[str, ...],
    branch: bool,
    replayed: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> coverage.Coverage:
    """A ``Coverage`` holding every process's data and the synthesis coverage replayed from the
    cache: what the gate judges, and what the coverage reports and the data file are made from."""
    from coverage import CoverageData

    cov = _coverage(sources, branch)
    combined = cov.get_data()
    for blob in serialized:
        part = CoverageData(no_disk=True)
        part.loads(base64.b64decode(blob))
        combined.update(part)
    for recorded in replayed:
        replay(combined, recorded)
    return cov


def replay(data: coverage.CoverageData, recorded: dict[str, Any]) -> None:
    """Add synthesis coverage recorded on a cache miss (``synthesis_context``) to ``data``."""
    with_arcs = data.has_arcs() if data.measured_files() else bool(recorded.get("arcs"))
    if with_arcs and recorded.get("arcs"):
        data.add_arcs({f: [tuple(a) for a in arcs] for f, arcs in recorded["arcs"].items()})
    elif not with_arcs:
        data.add_lines(recorded.get("lines", {}))


def report(
    serialized: list[str],
    sources: tuple[str, ...],
    branch: bool,
    rootdir: Path,
    replayed: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> LineCoverageResult:
    """Combine serialized data (and synthesis coverage replayed from the cache) and measure it
    against ``sources``."""
    return measure(combine(serialized, sources, branch, replayed), sources, rootdir)


def measure(cov: coverage.Coverage, sources: tuple[str, ...], rootdir: Path) -> LineCoverageResult:
    """The gate's figure: coverage.py's own total over the files of ``sources``."""
    from coverage.exceptions import NoDataError

    combined = cov.get_data()
    include = include_patterns(sources)
    try:
        percent = cov.report(file=io.StringIO(), include=include, ignore_errors=True)
    except NoDataError:
        return LineCoverageResult(
            None, problem=f"no code of {', '.join(sources)} ran, so line coverage was not measured"
        )
    missing, statements = {}, 0
    for filename in sorted(combined.measured_files()):
        if not any(fnmatch.fnmatch(filename, pattern) for pattern in include):
            continue
        try:
            _, lines, _, missed, _ = cov.analysis2(filename)
        except Exception:  # a file that vanished or cannot be parsed: coverage itself skips it
            continue
        statements += len(lines)
        if missed:
            missing[_relative(filename, rootdir)] = sorted(missed)
    return LineCoverageResult(round(percent, 2), missing, statements)


def include_patterns(sources: tuple[str, ...]) -> list[str]:
    """File patterns of the sources, so that data measured more widely (pytest-cov's) is cut
    down to the stack's code."""
    paths = [_source_path(source) for source in sources]
    return [str(path / "*") if path.is_dir() else str(path) for path in paths]


def _source_path(source: str) -> Path:
    """A source is a path (made absolute by the settings) or an importable package name."""
    path = Path(source)
    if path.exists():
        return path.resolve()
    try:
        spec = importlib.util.find_spec(source)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0]).resolve()
    if spec is not None and spec.origin:
        return Path(spec.origin).resolve()
    return path.resolve()


def _relative(filename: str, rootdir: Path) -> str:
    path = Path(filename)
    try:
        return path.relative_to(rootdir).as_posix()
    except ValueError:
        return path.as_posix()
