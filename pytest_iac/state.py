"""The plugin's per-run state, kept in ``config.stash[STATE]`` (never in private attributes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pytest_iac.gate.evidence_types import CheckResult
    from pytest_iac.gate.linecov import Measurement
    from pytest_iac.gate.pytest_cov_bridge import PytestCovRecorder
    from pytest_iac.config.settings import Settings
    from pytest_iac.synthesis.synthesize import Synthesis


@dataclass
class ResourceRecorder:
    """Which resources (by address) each test really examined through the query API, and which
    of its query assertions failed (caught by the test or not)."""

    current: str | None = None
    examined: dict[str, set[str]] = field(default_factory=dict)
    failed_queries: dict[str, list[str]] = field(default_factory=dict)

    def record(self, address: str) -> None:
        if self.current is not None:
            self.examined.setdefault(self.current, set()).add(address)

    def record_failure(self, query: str, error: AssertionError) -> None:
        if self.current is not None:
            first = next((line for line in str(error).splitlines() if line.strip()), "")
            self.failed_queries.setdefault(self.current, []).append(f"{query}: {first}"[:300])


@dataclass
class State:
    settings: Settings
    syntheses: list[Synthesis] = field(default_factory=list)
    synth_errors: list[str] = field(default_factory=list)
    resources: ResourceRecorder = field(default_factory=ResourceRecorder)
    cov_mode: str | None = None  # "own", "workers" (xdist controller), "pytest-cov", None
    measurement: Measurement | None = None
    pytest_cov: PytestCovRecorder | None = None  # with --cov: records syntheses for pytest-cov
    cleanup: list[Callable[[], None]] = field(default_factory=list)
    check_results: list[CheckResult] = field(default_factory=list)
    coverage_replay: list[dict[str, Any]] = field(default_factory=list)  # synthesis coverage to replay
    run_dir: Path | None = None  # xdist controller: the workers' shared synthesis cache

    def synthesis_recorder(self) -> Measurement | PytestCovRecorder | None:
        """What records a synthesis's line coverage for the cache, if lines are measured here."""
        return self.measurement or self.pytest_cov


STATE = pytest.StashKey[State]()
