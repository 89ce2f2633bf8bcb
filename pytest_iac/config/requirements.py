"""The requirements file as the plugin uses it: frozen dataclasses, read-only after loading.

Loading and validating the YAML is :mod:`pytest_iac.config.yaml_loader`'s job; this module
imports only the standard library, so every room can use the model without paying for yaml.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterable, Mapping

from pytest_iac._text import closest

__all__ = [
    "AppSpec", "CheckSettings", "CheckovSettings", "CoverageSettings", "DeploymentSettings", "Requirement",
    "RequirementsError", "RequirementsFile", "Suppression",
]

KINDS = ("unit", "integration", "any")
TARGETS = ("local", "aws", "outputs")
SEVERITIES = ("error", "warning")
WHEN_MISSING = ("fail", "skip")
DEFAULT_DOCS = ("README.md",)


class RequirementsError(Exception):
    """A problem in the requirements file; ``str()`` is ready to show the user."""

    def __init__(self, path: str, problem: str, hint: str = "",
                 line: int | None = None, column: int | None = None) -> None:
        self.path, self.problem, self.hint, self.line, self.column = path, problem, hint, line, column
        where = path if line is None else f"{path}:{line}:{column}"
        super().__init__(f"{where}: {problem}." + (f" {hint}" if hint else ""))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.path, self.problem, self.hint, self.line, self.column))


@dataclass(frozen=True)
class Requirement:
    id: str
    description: str
    kind: str = "any"
    markers: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class AppSpec:
    """``kwargs`` is a read-only mapping; nested YAML lists and mappings in it stay plain Python objects."""

    entry: str | None = None
    stack_id: str | None = None
    kwargs: Mapping[str, Any] = field(default_factory=lambda: types.MappingProxyType({}), hash=False)
    vars: Mapping[str, Any] = field(default_factory=lambda: types.MappingProxyType({}), hash=False)
    var_files: tuple[str, ...] = ()
    entry_at: tuple[int, int] | None = field(default=None, compare=False)  # line, column of entry


@dataclass(frozen=True)
class CoverageSettings:
    fail_under: float = 100.0
    source: tuple[str, ...] = ()
    branch: bool = False
    resources_fail_under: float | None = None


@dataclass(frozen=True)
class Suppression:
    """Accept ``check``'s findings on ``resource``: an address or construct path, globs allowed."""

    check: str
    resource: str
    reason: str
    line: int = 0
    policy: str | None = None  # checkov findings: the policy id (glob) accepted; None accepts any


@dataclass(frozen=True)
class CheckovSettings:
    """``checks.checkov``: checkov runs only when ``enabled``. ``line`` is the section's line and
    ``lines`` each policy id's, for usage errors about ids checkov does not know."""

    enabled: bool = False
    checks: tuple[str, ...] = ()
    skip_checks: tuple[str, ...] = ()
    missing: str = "fail"
    line: int = 0
    lines: Mapping[str, int] = field(default_factory=lambda: types.MappingProxyType({}), hash=False)


@dataclass(frozen=True)
class CheckSettings:
    """``severity`` maps check ids to "error" or "warning" (read-only); ``ephemeral`` says the stack
    is meant to be destroyed; ``docs`` are paths relative to the requirements file's directory."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    kms_required: tuple[str, ...] = ()
    suppress: tuple[Suppression, ...] = ()
    severity: Mapping[str, str] = field(default_factory=lambda: types.MappingProxyType({}), hash=False)
    ephemeral: bool = False
    env_suffix: str | None = None
    docs: tuple[str, ...] = DEFAULT_DOCS
    checkov: CheckovSettings = CheckovSettings()


@dataclass(frozen=True)
class DeploymentSettings:
    target: str = "local"
    account_id: str | None = None
    outputs_file: str | None = None


@dataclass(frozen=True)
class RequirementsFile:
    """A loaded file. ``path`` is as given (relative entries resolve against its directory);
    ``display_path`` is what messages show; ``coverage_given`` names the coverage keys the file
    sets, so settings can rank CLI > ini > YAML > default."""

    path: str
    version: int
    project: str | None
    app: AppSpec | None
    requirements: tuple[Requirement, ...]
    coverage: CoverageSettings = CoverageSettings()
    checks: CheckSettings = CheckSettings()
    deployment: DeploymentSettings = DeploymentSettings()
    coverage_given: frozenset[str] = frozenset()
    display_path: str = ""

    @cached_property
    def _by_id(self) -> dict[str, Requirement]:
        return {r.id: r for r in self.requirements}

    def get(self, id: str) -> Requirement | None:
        return self._by_id.get(id)

    def closest_id(self, id: str) -> str | None:
        return closest(id, self._by_id)

    def requirements_for_markers(self, marker_names: Iterable[str]) -> tuple[str, ...]:
        names = set(marker_names)
        return tuple(r.id for r in self.requirements if names.intersection(r.markers))
