"""Where a stack's relative paths resolve: the directory ``cdktf deploy`` runs terraform in.

cdktf synthesizes into ``<project>/<output>/stacks/<stack id>/`` (``<project>`` holds
``cdktf.json``, ``<output>`` is its ``"output"``, default ``cdktf.out``) and runs terraform there,
so a Lambda's ``filename = "../../../lib/fn.zip"`` names ``<project>/lib/fn.zip``. The plugin
synthesizes into a private directory instead; a stack's paths are therefore resolved from the
directory cdktf would have used, with the private stack directory standing in for it (the files
synthesis wrote there, TerraformAssets included, are found first). This module decides the
project and the output directory without importing anything of the user's.
"""

from __future__ import annotations

import importlib.machinery
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from pytest_iac.config.entry import EntrySpec

__all__ = ["DEFAULT_OUTPUT", "ProjectLayout", "StackPaths", "entry_package_dir", "project_layout"]

DEFAULT_OUTPUT = "cdktf.out"
CDKTF_JSON = "cdktf.json"


@dataclass(frozen=True)
class ProjectLayout:
    """The project as cdktf sees it: its directory and the output directory's name."""

    project_dir: Path  # directory of cdktf.json, or of the entry when there is none
    output: str = DEFAULT_OUTPUT  # "output" of cdktf.json
    cdktf_json: Path | None = None

    def working_dir(self, stack: str, working_directory: str | None = None) -> Path:
        """Where cdktf runs terraform for ``stack`` (``workingDirectory`` of the manifest)."""
        return self.project_dir / self.output / (working_directory or f"stacks/{stack}")


@dataclass(frozen=True)
class StackPaths:
    """How one stack's relative paths resolve: from ``working_dir``, except that a path inside
    it is looked up first in ``stack_dir`` (what synthesis wrote), which stands in for it."""

    stack_dir: Path  # the directory holding the synthesized cdk.tf.json (private or the user's)
    working_dir: Path  # the directory cdktf runs terraform in
    anchor: Path  # the project directory: the farm terraform runs in mirrors it (terraform/workdir.py)

    def resolve(self, path: str) -> Path:
        full = Path(os.path.normpath(self.working_dir / path))
        try:
            inner = full.relative_to(self.working_dir)
        except ValueError:
            return full
        stand_in = self.stack_dir / inner
        return stand_in if os.path.lexists(stand_in) else full


def _cdktf_json(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        candidate = directory / CDKTF_JSON
        if candidate.is_file():
            return candidate
    return None


def _output_of(cdktf_json: Path) -> str:
    try:
        value = json.loads(cdktf_json.read_text(encoding="utf-8")).get("output")
    except (OSError, ValueError, AttributeError):
        return DEFAULT_OUTPUT
    return value if isinstance(value, str) and value.strip() else DEFAULT_OUTPUT


def project_layout(spec: EntrySpec) -> ProjectLayout:
    """The project of an entry: ``cdktf.json`` looked up from the entry's directory upwards (a
    script's directory, an output directory's parent, the directory of the setting that names a
    ``module:callable``, then the module's package); without one, the entry's directory."""
    starts = _entry_dirs(spec)
    for start in starts:
        found = _cdktf_json(start)
        if found is not None:
            return ProjectLayout(found.parent, _output_of(found), found)
    return ProjectLayout(starts[0])


def _entry_dirs(spec: EntrySpec) -> list[Path]:
    path = spec.path
    if spec.kind == "script" and path is not None:
        return [path.parent]
    if spec.kind == "synthesized" and path is not None:
        outdir = path.parent if path.is_file() else path
        return [outdir.parent]
    package = entry_package_dir(spec)
    return [spec.base_dir.resolve()] + ([package] if package is not None else [])


def entry_package_dir(spec: EntrySpec) -> Path | None:
    """The directory of the entry's module (``lib/`` for ``lib.tap_stack:TapStack``; a script's
    directory), found without importing it; None when it cannot be found."""
    if spec.kind == "script" and spec.path is not None:
        return spec.path.parent
    if spec.kind != "callable":
        return None
    module = spec.entry.partition(":")[0]
    search: list[str] | None = list(sys.path)
    origin = None
    for part in module.split("."):
        found = importlib.machinery.PathFinder.find_spec(part, search)
        if found is None:
            return None
        search = list(found.submodule_search_locations or [])
        origin = found.origin
    if origin is None or origin in ("namespace", "built-in", "frozen"):
        return Path(search[0]).resolve() if search else None
    return Path(origin).resolve().parent
