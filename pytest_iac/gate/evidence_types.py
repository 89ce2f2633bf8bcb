"""The gate's evidence as typed data: what each test process sends, and what the verdict shows.

Evidence crosses a process boundary under xdist (``config.workeroutput``), so every type here
is a frozen dataclass with ``to_json``/``from_json``; the only process, each worker and the
controller build and read the same types, so a field cannot be sent by one and forgotten by
another. This module imports nothing of the plugin: the checks build ``CheckResult``, the gate
merges ``WorkerPayload`` objects into one ``Evidence``, the reports read ``VerdictExtras``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class LinkedTest:
    """A collected test and the requirements it counts for."""

    nodeid: str
    requirements: tuple[str, ...]
    kind: str  # "unit" or "integration"
    selected: bool = True
    hollow: str | None = None  # "file:line: why" when the test asserts nothing real

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinkedTest:
        return cls(**{**data, "requirements": tuple(data["requirements"])})


@dataclass(frozen=True)
class FindingResult:
    """A check's finding as judged for this run: its severity and whether the YAML suppressed it."""

    address: str | None
    path: str | None
    message: str
    severity: str
    suppressed: bool = False
    reason: str | None = None
    suppression_line: int | None = None
    policy: str | None = None  # the outside rule's id (checkov); the JSON carries it only when set

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if self.policy is None:
            del data["policy"]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FindingResult:
        return cls(**data)


@dataclass(frozen=True)
class CheckResult:
    """One check item's result. ``cached`` is known only when the check ran; ``reason`` only
    when it was skipped (the JSON report carries each key only then)."""

    id: str
    stack: str | None
    severity: str
    status: str  # "passed", "failed" or "skipped"
    findings: tuple[FindingResult, ...] = ()
    cached: bool | None = None
    reason: str | None = None

    @property
    def name(self) -> str:
        """As the item is named: ``encryption-at-rest[payments]``, or the id of a project check."""
        return self.id if self.stack is None else f"{self.id}[{self.stack}]"

    @property
    def warnings(self) -> tuple[FindingResult, ...]:
        """What a passing check still has to say: its unsuppressed warnings (a failed check
        shows all of its findings in its failure report already)."""
        if self.status != "passed":
            return ()
        return tuple(f for f in self.findings if f.severity == "warning" and not f.suppressed)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "stack": self.stack, "severity": self.severity,
                                "findings": [f.to_json() for f in self.findings]}
        if self.cached is not None:
            data["cached"] = self.cached
        data["status"] = self.status
        if self.reason is not None:
            data["reason"] = self.reason
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CheckResult:
        findings = tuple(FindingResult.from_json(f) for f in data["findings"])
        return cls(**{**data, "findings": findings})


@dataclass(frozen=True)
class SynthesisSummary:
    """One synthesis, as the terminal line and the report's ``synth.syntheses`` show it."""

    entry: str
    stacks: tuple[str, ...]
    resources: int
    seconds: float
    import_seconds: float
    synth_seconds: float
    cache: str | None
    env_read: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # e.g. "ignored 1 App created while importing lib.main"

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "stacks": list(self.stacks), "env_read": list(self.env_read),
                "notes": list(self.notes)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SynthesisSummary:
        return cls(**{**data, "stacks": tuple(data["stacks"]), "env_read": tuple(data["env_read"]),
                      "notes": tuple(data.get("notes", ()))})


@dataclass(frozen=True)
class WorkerPayload:
    """One test process's evidence: the only process's, or one xdist worker's.

    ``coverage`` is serialized ``CoverageData`` (None when this process measured nothing);
    ``coverage_replay`` holds the synthesis coverage recorded in cache entries it reused.
    """

    tests: tuple[LinkedTest, ...]
    partial: bool
    coverage: str | None
    coverage_replay: tuple[dict[str, Any], ...]
    addresses: tuple[str, ...]
    examined: tuple[str, ...]
    syntheses: tuple[SynthesisSummary, ...]
    checks: tuple[CheckResult, ...]
    synth_errors: tuple[str, ...]
    paths: dict[str, str] = field(default_factory=dict)  # address -> construct path
    examiners: dict[str, tuple[str, ...]] = field(default_factory=dict)  # address -> test node ids

    def to_json(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in ("tests", "syntheses", "checks"):
            data[name] = [item.to_json() for item in data[name]]
        for name in ("coverage_replay", "addresses", "examined", "synth_errors"):
            data[name] = list(data[name])
        data["paths"] = dict(self.paths)
        data["examiners"] = {address: list(ids) for address, ids in self.examiners.items()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WorkerPayload:
        return cls(
            tests=tuple(LinkedTest.from_json(t) for t in data["tests"]),
            partial=data["partial"],
            coverage=data["coverage"],
            coverage_replay=tuple(data["coverage_replay"]),
            addresses=tuple(data["addresses"]),
            examined=tuple(data["examined"]),
            syntheses=tuple(SynthesisSummary.from_json(s) for s in data["syntheses"]),
            checks=tuple(CheckResult.from_json(c) for c in data["checks"]),
            synth_errors=tuple(data["synth_errors"]),
            paths=dict(data.get("paths", {})),
            examiners={address: tuple(ids) for address, ids in data.get("examiners", {}).items()},
        )


@dataclass(frozen=True)
class Evidence:
    """Every process's payload merged: what the verdict is decided from.

    Equal for a serial run and an xdist run of the same tests. Only what depends on how the
    run was split is left out of the comparison: the syntheses (one per worker, with their
    timings) and the serialized coverage data (its combined figure is compared in the report).
    """

    tests: tuple[LinkedTest, ...]  # in collection order (every worker collects them all)
    partial: bool
    addresses: tuple[str, ...]
    examined: tuple[str, ...]
    checks: tuple[CheckResult, ...]  # by check id and stack, whichever process ran them
    synth_errors: tuple[str, ...]
    paths: dict[str, str] = field(default_factory=dict)  # address -> construct path
    examiners: dict[str, tuple[str, ...]] = field(default_factory=dict)  # address -> sorted node ids
    syntheses: tuple[SynthesisSummary, ...] = field(default=(), compare=False)
    coverage: tuple[str | None, ...] = field(default=(), compare=False)
    coverage_replay: tuple[dict[str, Any], ...] = field(default=(), compare=False)

    @classmethod
    def merge(cls, payloads: Iterable[WorkerPayload]) -> Evidence:
        payloads = list(payloads)
        tests: dict[str, LinkedTest] = {}
        for payload in payloads:
            for test in payload.tests:
                tests.setdefault(test.nodeid, test)
        checks = sorted((c for p in payloads for c in p.checks), key=lambda c: (c.id, c.stack or ""))
        examiners: dict[str, set[str]] = {}
        for payload in payloads:
            for address, ids in payload.examiners.items():
                examiners.setdefault(address, set()).update(ids)
        return cls(
            tests=tuple(tests.values()),
            partial=any(p.partial for p in payloads),
            addresses=tuple(sorted({a for p in payloads for a in p.addresses})),
            examined=tuple(sorted({a for p in payloads for a in p.examined})),
            checks=tuple(checks),
            synth_errors=tuple(dict.fromkeys(e for p in payloads for e in p.synth_errors)),
            paths=dict(sorted({a: path for p in payloads for a, path in p.paths.items()}.items())),
            examiners={a: tuple(sorted(ids)) for a, ids in sorted(examiners.items())},
            syntheses=tuple(s for p in payloads for s in p.syntheses),
            coverage=tuple(p.coverage for p in payloads),
            coverage_replay=tuple(r for p in payloads for r in p.coverage_replay),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "tests": [t.to_json() for t in self.tests],
            "partial": self.partial,
            "addresses": list(self.addresses),
            "examined": list(self.examined),
            "checks": [c.to_json() for c in self.checks],
            "synth_errors": list(self.synth_errors),
            "paths": dict(self.paths),
            "examiners": {address: list(ids) for address, ids in self.examiners.items()},
            "syntheses": [s.to_json() for s in self.syntheses],
            "coverage": list(self.coverage),
            "coverage_replay": list(self.coverage_replay),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Evidence:
        return cls(
            tests=tuple(LinkedTest.from_json(t) for t in data["tests"]),
            partial=data["partial"],
            addresses=tuple(data["addresses"]),
            examined=tuple(data["examined"]),
            checks=tuple(CheckResult.from_json(c) for c in data["checks"]),
            synth_errors=tuple(data["synth_errors"]),
            paths=dict(data.get("paths", {})),
            examiners={address: tuple(ids) for address, ids in data.get("examiners", {}).items()},
            syntheses=tuple(SynthesisSummary.from_json(s) for s in data["syntheses"]),
            coverage=tuple(data["coverage"]),
            coverage_replay=tuple(data["coverage_replay"]),
        )


@dataclass(frozen=True)
class LineCoverageFigure:
    """Line coverage as the verdict reports it; ``note`` says why there is nothing to measure."""

    percent: float | None
    fail_under: float
    missing: dict[str, list[int]] = field(default_factory=dict)
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if self.note is None:
            del data["note"]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LineCoverageFigure:
        return cls(**data)


@dataclass(frozen=True)
class ResourceCoverageFigure:
    total: int
    covered: int
    percent: float | None
    fail_under: float | None
    uncovered: dict[str, list[str]] = field(default_factory=dict)  # type -> addresses
    # per resource, by address: {"address", "path" (construct path or None), "examined_by": [node ids]}
    # (a list, not keyed by address: the report's masking reads keys like api_key as secrets)
    each: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ResourceCoverageFigure:
        return cls(**data)


@dataclass(frozen=True)
class VerdictExtras:
    """What the verdict shows beside the requirements. ``checks`` is None when the gate had no
    check results to show (the report then has no ``checks`` key); likewise the figures."""

    syntheses: tuple[SynthesisSummary, ...] = ()
    hollow: tuple[str, ...] = ()
    caught: tuple[str, ...] = ()  # "nodeid: query: message" of passed tests whose query assertion failed
    coverage: LineCoverageFigure | None = None
    resources: ResourceCoverageFigure | None = None
    checks: tuple[CheckResult, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"syntheses": [s.to_json() for s in self.syntheses], "hollow": list(self.hollow),
                                "caught": list(self.caught)}
        if self.coverage is not None:
            data["coverage"] = self.coverage.to_json()
        if self.resources is not None:
            data["resources"] = self.resources.to_json()
        if self.checks is not None:
            data["checks"] = [c.to_json() for c in self.checks]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VerdictExtras:
        return cls(
            syntheses=tuple(SynthesisSummary.from_json(s) for s in data["syntheses"]),
            hollow=tuple(data["hollow"]),
            caught=tuple(data.get("caught", ())),
            coverage=LineCoverageFigure.from_json(data["coverage"]) if "coverage" in data else None,
            resources=ResourceCoverageFigure.from_json(data["resources"]) if "resources" in data else None,
            checks=tuple(CheckResult.from_json(c) for c in data["checks"]) if "checks" in data else None,
        )
