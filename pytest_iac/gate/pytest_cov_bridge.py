"""Synthesis coverage under pytest-cov (``--cov``): recorded apart, replayed into its data.

A synthesis reused from the cache runs no stack code, yet its lines count: pytest-cov's data
must get them, or both its figures and the gate's would drop. So on a cache miss the synthesis
is measured by a Coverage of its own (coverage.py pauses pytest-cov's tracer meanwhile, and
resumes it after), with pytest-cov's source, branch and configuration; the recording goes into
the cache entry, and at the end of the test loop every recording of this process, made or
reused, is added to pytest-cov's data before pytest-cov saves, combines and reports it. The
synthesis cache and xdist's synthesize-once stay on with ``--cov``.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from pytest_iac.gate.linecov import _QUIET, replay

__all__ = ["PytestCovRecorder", "ReplayIntoPytestCov"]


class PytestCovRecorder:
    """Records a synthesis for pytest-cov's measurement (``synthesis_context``) and says under
    which scope (``scope``), like ``linecov.Measurement`` does for pytest-iac's own."""

    records_apart = True  # pytest-cov's tracer is paused: the recording must be replayed too

    def __init__(self, pluginmanager: pytest.PytestPluginManager) -> None:
        self._pluginmanager = pluginmanager

    def _controller(self) -> Any | None:
        plugin = self._pluginmanager.getplugin("_cov")
        controller = getattr(plugin, "cov_controller", None)
        return controller if getattr(controller, "cov", None) is not None else None

    def scope(self) -> dict[str, Any] | None:
        controller = self._controller()
        if controller is None:
            return None
        config_file = controller.cov.config.config_file
        digest = None
        if config_file and Path(config_file).is_file():
            digest = hashlib.sha256(Path(config_file).read_bytes()).hexdigest()[:16]
        sources = sorted(str(Path(controller.topdir, s).resolve()) if Path(controller.topdir, s).exists() else s
                         for s in controller.cov_source or ())
        return {"tool": "pytest-cov", "sources": sources, "branch": bool(controller.cov.config.branch),
                "config": digest}

    @contextlib.contextmanager
    def synthesis_context(self) -> Iterator[dict[str, Any]]:
        """Measure the block with pytest-cov's settings; yields what it ran, filled in at exit
        (``{"lines": {file: [n]}, "arcs": {file: [[a, b]]}}``)."""
        import coverage

        recorded: dict[str, Any] = {}
        controller = self._controller()
        if controller is None:
            yield recorded
            return
        cov = coverage.Coverage(source=controller.cov_source, branch=controller.cov.config.branch,
                                config_file=controller.cov_config, data_file=None)
        cov.set_option("run:disable_warnings", _QUIET)
        with controller.ensure_topdir():  # pytest-cov's sources are relative to where it started
            cov.start()
        try:
            yield recorded
        finally:
            cov.stop()
            data = cov.get_data()
            recorded["lines"] = {f: sorted(data.lines(f) or []) for f in data.measured_files() if data.lines(f)}
            if data.has_arcs():
                recorded["arcs"] = {f: sorted(data.arcs(f) or []) for f in data.measured_files() if data.arcs(f)}

    def replay(self, recordings: list[dict[str, Any]]) -> None:
        """Add the recordings to pytest-cov's data, before it saves and combines it."""
        controller = self._controller()
        if controller is None or not recordings:
            return
        data = controller.cov.get_data()
        for recorded in recordings:
            replay(data, recorded)


class ReplayIntoPytestCov:
    """Registered with ``--cov`` on the processes that run tests: its loop wrapper is the
    innermost, so it replays before pytest-cov's own wrapper finishes the measurement."""

    def __init__(self, recorder: PytestCovRecorder, replayed: list[dict[str, Any]]) -> None:
        self.recorder = recorder
        self.replayed = replayed  # the run state's list, filled by cache hits during the session

    @pytest.hookimpl(wrapper=True, trylast=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, object, object]:
        try:
            return (yield)
        finally:
            self.recorder.replay(self.replayed)
