"""What a Terraform module entry needs before it can be planned, checked when the settings are
resolved, so that a wrong setup is one usage error (exit status 4) rather than a failure in
every test: a required variable nobody gives a value, a provider the offline mirror lacks.

Read from the module's files (``hcl_blocks``), without starting terraform: a warm run (the plan
cached) must not start it either.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pytest_iac.config.entry import EntryError, EntrySpec

__all__ = ["broken_module_links", "check_module"]


def check_module(spec: EntrySpec, plugin_dir: Path | None, env_vars: Mapping[str, str]) -> None:
    """``EntryError`` naming what is missing and how to give it (``env_vars``: ``TF_VAR_*`` by name)."""
    from pytest_iac.terraform.hcl_blocks import module_blocks

    assert spec.path is not None
    broken = broken_module_links(spec.path)
    if broken:
        raise EntryError(f"stack entry {spec.describe()}: {broken[0]}")
    blocks = module_blocks(spec.path)
    given = set(spec.tf_vars) | set(env_vars)
    files = [Path(f) for f in spec.var_files]
    files += [p for p in sorted(spec.path.iterdir()) if p.name in ("terraform.tfvars", "terraform.tfvars.json")
              or p.name.endswith((".auto.tfvars", ".auto.tfvars.json"))]
    for path in files:
        given |= _names_in(path, spec)
    missing = [b for b in blocks if b.kind == "variable" and b.required and b.name not in given]
    if missing:
        names = ", ".join(repr(b.name) for b in missing)
        first = missing[0].name
        where = "; ".join(f"{_rel(b.file)}:{b.line}" for b in missing)
        raise EntryError(
            f"stack entry {spec.describe()}: the module's required variable{'s' if len(missing) > 1 else ''} "
            f"{names} ha{'ve' if len(missing) > 1 else 's'} no value ({where}). Pass "
            f"{'them' if len(missing) > 1 else 'it'} with app.vars in the requirements YAML ({first}: VALUE), "
            f"--iac-tf-var {first}=VALUE (ini iac_tf_var), a file in app.var_files, or TF_VAR_{first}.")
    _check_mirror(spec, blocks, plugin_dir)


def broken_module_links(module: Path) -> list[str]:
    """Each ``*.tf`` / ``*.tf.json`` file of ``module`` and its local child modules that is a
    symbolic link to nothing, as a sentence: terraform would fail to read it, and leaving it out
    of the copy would plan another configuration than the user's."""
    from pytest_iac.terraform.hcl_blocks import module_blocks

    found, pending, seen = [], [module.resolve()], set()
    while pending:
        directory = pending.pop()
        if directory in seen or not directory.is_dir():
            continue
        seen.add(directory)
        for path in sorted(directory.iterdir()):
            if path.name.endswith((".tf", ".tf.json")) and path.is_symlink() and not path.exists():
                found.append(f"the module's file {_rel(path)} is a symbolic link to {os.readlink(path)}, which "
                             "does not exist; fix or remove the link")
        for block in module_blocks(directory):
            source = block.source() if block.kind == "module" else None
            if source and source.startswith(("./", "../")):
                pending.append((directory / source).resolve())
    return found


def _names_in(path: Path, spec: EntrySpec) -> set[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EntryError(f"stack entry {spec.describe()}: cannot read the variable file {path}: {exc}") from None
    if path.name.endswith(".json"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise EntryError(f"stack entry {spec.describe()}: {path} is not JSON: {exc}") from None
        return set(data) if isinstance(data, dict) else set()
    import re

    return set(re.findall(r"^[ \t]*([A-Za-z_][\w-]*)[ \t]*=", text, re.M))


def _check_mirror(spec: EntrySpec, blocks: list[Any], plugin_dir: Path | None) -> None:
    """Each provider the module's root needs, in the mirror (only when a mirror was given: without
    one, terraform's own places are looked in and ``terraform init`` names what is missing)."""
    from pytest_iac.terraform.errors import TerraformUnavailable
    from pytest_iac.terraform.hcl_blocks import required_providers
    from pytest_iac.terraform.mirror import find_mirror
    from pytest_iac.terraform.mirror import required_providers as requirements_of

    if plugin_dir is None:
        return
    assert spec.path is not None
    config: dict[str, Any] = {"terraform": {"required_providers": required_providers(spec.path)},
                              "resource": {b.type: {} for b in blocks if b.kind == "resource"},
                              "data": {b.type: {} for b in blocks if b.kind == "data"}}
    try:
        find_mirror(requirements_of(config), platform=_platform(), plugin_dir=plugin_dir)
    except TerraformUnavailable as exc:
        raise EntryError(f"stack entry {spec.describe()}: {exc}") from None


def _platform() -> str:
    machine = os.uname().machine.lower()
    arch = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)
    return f"{os.uname().sysname.lower()}_{arch}"


def _rel(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
