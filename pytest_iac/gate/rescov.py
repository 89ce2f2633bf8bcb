"""Resource coverage: which synthesized resources the tests really examined, and which tests."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_iac.gate.evidence_types import ResourceCoverageFigure


@dataclass(frozen=True)
class ResourceCoverageResult:
    total: int
    covered: int
    uncovered: dict[str, list[str]] = field(default_factory=dict)  # type -> addresses
    each: list[dict[str, Any]] = field(default_factory=list)  # {address, path, examined_by}

    @property
    def percent(self) -> float | None:
        return round(100.0 * self.covered / self.total, 2) if self.total else None

    def figure(self, fail_under: float | None) -> ResourceCoverageFigure:
        return ResourceCoverageFigure(self.total, self.covered, self.percent, fail_under, self.uncovered,
                                      self.each)


def resource_coverage(
    addresses: Iterable[str],
    examined: Iterable[str],
    paths: Mapping[str, str] | None = None,
    examiners: Mapping[str, Iterable[str]] | None = None,
) -> ResourceCoverageResult:
    """``addresses`` are ``stack:type.name``; shown without the stack when there is only one.
    ``paths`` (construct paths) and ``examiners`` (test node ids) are keyed the same way."""
    everything, seen = set(addresses), set(examined)
    paths, examiners = paths or {}, examiners or {}
    single_stack = len({a.partition(":")[0] for a in everything}) <= 1
    uncovered: dict[str, list[str]] = {}
    each: list[dict[str, Any]] = []
    for address in sorted(everything):
        stack, _, local = address.partition(":")
        shown = local if single_stack else address
        each.append({"address": shown, "path": paths.get(address), "examined_by": list(examiners.get(address, ()))})
        if address not in seen:
            uncovered.setdefault(_type_of(local), []).append(shown)
    return ResourceCoverageResult(len(everything), len(everything & seen), uncovered, each)


def _type_of(address: str) -> str:
    """``aws_vpc.main`` and a plan's ``module.net.aws_subnet.s[0]`` -> the resource type."""
    parts = re.sub(r"\[[^\]]*\]", "", address).split(".")
    while len(parts) > 2 and parts[0] == "module":
        parts = parts[2:]
    return parts[0]
