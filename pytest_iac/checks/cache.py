"""Results of checks that depend only on the synthesized output, their settings and the tools' versions.

``validate`` costs seconds (terraform loads the provider schema) and so does ``checkov`` (its
import alone is ~1.5 s); while the stack's JSON, its asset files, the tools and pytest-iac are
unchanged (for a Terraform module entry: its plan), their findings are the same, so they are kept
in pytest's cache directory next to the synthesis cache. Writes are atomic; an unreadable entry is
a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_iac.synthesis import inputs

if TYPE_CHECKING:
    from pytest_iac.synthesis.layout import StackPaths

CACHEABLE = frozenset({"validate", "checkov"})


def result_key(check_id: str, stack_dir: Path, config: dict[str, Any], plugin_dir: Path | None,
               terraform_path: str | None = None, paths: StackPaths | None = None,
               settings: Any = None, plan: Mapping[str, Any] | None = None) -> str | None:
    """The key of a check's result, or None when it can't be known (the tool is missing).
    ``plugin_dir`` and ``terraform_path`` are the settings' (``pytest_iac.config.settings``). For
    validate, the files the stack names by relative path are part of it, resolved as terraform will
    (``paths``); for checkov, its version, ``settings`` (checkov's section of the YAML) and a module
    entry's ``plan`` whole: checkov reads the plan, of which ``config`` (the query view) keeps only
    a part, so a plan changed only elsewhere must not reuse old findings."""
    tools = (_checkov(settings) if check_id == "checkov"
             else _terraform(stack_dir, config, plugin_dir, terraform_path, paths))
    if tools is None:
        return None
    material = {"check": check_id, "config": config, "tools": tools, "versions": inputs.versions()}
    if check_id == "checkov" and plan is not None:
        material["plan"] = hashlib.sha256(json.dumps(plan, sort_keys=True, default=str).encode()).hexdigest()
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()[:32]


def _terraform(stack_dir: Path, config: dict[str, Any], plugin_dir: Path | None, terraform_path: str | None,
               paths: StackPaths | None) -> dict[str, Any] | None:
    from pytest_iac.checks.assets import referenced_paths
    from pytest_iac.terraform.binary import find_terraform
    from pytest_iac.terraform.errors import TerraformError, TerraformUnavailable

    try:
        terraform = find_terraform(terraform_path)
    except (TerraformUnavailable, TerraformError):
        return None
    return {
        "files": inputs.digest_tree(str(stack_dir)),
        "working_dir": str(paths.working_dir) if paths is not None else None,
        "referenced": {p: inputs.digest_tree(str(paths.resolve(p) if paths is not None else stack_dir / p))
                       for p in referenced_paths(config)},
        "terraform": [terraform.path, terraform.version_text],
        "plugin_dir": str(plugin_dir or ""),
    }


def _checkov(settings: Any) -> dict[str, Any] | None:
    """checkov's version (read from its metadata, without importing it) and the policy selection."""
    try:
        version = metadata.version("checkov")
    except metadata.PackageNotFoundError:
        return None
    return {"checkov": version, "checks": list(getattr(settings, "checks", ())),
            "skip_checks": list(getattr(settings, "skip_checks", ()))}


def load(directory: Path, key: str) -> dict[str, Any] | None:
    try:
        result = json.loads((directory / f"{key}.json").read_text())
    except (OSError, ValueError):
        return None
    return result if isinstance(result, dict) and isinstance(result.get("findings"), list) else None


def store(directory: Path, key: str, result: dict[str, Any]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".{key}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(result))
    os.replace(tmp, directory / f"{key}.json")
