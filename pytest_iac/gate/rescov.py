"""Resource coverage: which synthesized resources the tests really examined."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from pytest_iac.gate.evidence_types import ResourceCoverageFigure


@dataclass(frozen=True)
class ResourceCoverageResult:
    total: int
    covered: int
    uncovered: dict[str, list[str]] = field(default_factory=dict)  # type -> addresses

    @property
    def percent(self) -> float | None:
        return round(100.0 * self.covered / self.total, 2) if self.total else None

    def figure(self, fail_under: float | None) -> ResourceCoverageFigure:
        return ResourceCoverageFigure(self.total, self.covered, self.percent, fail_under, self.uncovered)


def resource_coverage(addresses: Iterable[str], examined: Iterable[str]) -> ResourceCoverageResult:
    """``addresses`` are ``stack:type.name``; shown without the stack when there is only one."""
    everything, seen = set(addresses), set(examined)
    single_stack = len({a.partition(":")[0] for a in everything}) <= 1
    uncovered: dict[str, list[str]] = {}
    for address in sorted(everything - seen):
        stack, _, local = address.partition(":")
        uncovered.setdefault(_type_of(local), []).append(local if single_stack else address)
    return ResourceCoverageResult(len(everything), len(everything & seen), uncovered)


def _type_of(address: str) -> str:
    """``aws_vpc.main`` and a plan's ``module.net.aws_subnet.s[0]`` -> the resource type."""
    parts = re.sub(r"\[[^\]]*\]", "", address).split(".")
    while len(parts) > 2 and parts[0] == "module":
        parts = parts[2:]
    return parts[0]
