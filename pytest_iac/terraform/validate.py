"""``terraform validate`` on a stack, offline, with the real provider schema.

``validate`` never writes into the user's tree: it copies ``cdk.tf.json`` into a private temporary
directory, symlinks the stack directory's other files (``assets/``, zips) next to it (given the
stack's ``StackPaths``, inside a farm mirroring the project, so that relative paths resolve as
under ``cdktf deploy``: see ``terraform/workdir.py``), runs
``terraform init -backend=false -plugin-dir=<mirror>`` and ``terraform validate -json``, maps each
diagnostic to a resource address and removes the directory. With an unpacked mirror terraform
symlinks the provider's platform directory into ``.terraform/providers``; a packed (``.zip``)
mirror is extracted, i.e. copied, unless a plugin cache is configured.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_iac import rundirs
from pytest_iac.terraform.binary import Terraform, find_terraform
from pytest_iac.terraform.diagnostics import Diagnostic, parse_diagnostics
from pytest_iac.terraform.errors import TerraformError
from pytest_iac.terraform.mirror import Mirror, find_mirror, required_providers, user_cache
from pytest_iac.terraform.process import run, tail_lines
from pytest_iac.terraform.workdir import CONFIG_FILE, private_cli_config, terraform_env, working_copy

if TYPE_CHECKING:
    from pytest_iac.synthesis.layout import StackPaths

__all__ = ["ValidateResult", "validate"]

INIT_TIMEOUT, VALIDATE_TIMEOUT = 120.0, 300.0


@dataclass(frozen=True)
class ValidateResult:
    valid: bool
    diagnostics: tuple[Diagnostic, ...]
    terraform: Terraform
    mirror: Mirror
    workdir: Path  # the private working copy (removed when validate returns)
    provider_linked: bool | None  # provider dirs in .terraform were symlinks (None: init did not install)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


def validate(stack_dir: str | os.PathLike[str], *,
             plugin_dir: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
             terraform: Terraform | str | os.PathLike[str] | None = None,
             init_timeout: float = INIT_TIMEOUT, validate_timeout: float = VALIDATE_TIMEOUT,
             tmp_root: str | os.PathLike[str] | None = None, paths: StackPaths | None = None) -> ValidateResult:
    """Run ``terraform validate`` on a private copy of ``stack_dir/cdk.tf.json``; ``paths`` says
    where its relative paths resolve (default: from ``stack_dir``).

    Raises ``TerraformUnavailable`` (no terraform, no offline provider: a skip reason) or
    ``TerraformError`` (timeout, crash); problems in the stack come back as diagnostics."""
    stack = Path(stack_dir)
    config_path = stack / CONFIG_FILE if stack.is_dir() else stack
    stack = config_path.parent
    config_text = config_path.read_text(encoding="utf-8")
    config = json.loads(config_text)
    tf = terraform if isinstance(terraform, Terraform) else find_terraform(terraform)
    mirror = find_mirror(required_providers(config), platform=tf.platform, plugin_dir=plugin_dir)
    workdir = rundirs.make("tf", tmp_root)
    timings: dict[str, float] = {}
    try:
        cli_config = private_cli_config(workdir / ".pytest-iac.tfrc")
        run_dir = working_copy(config_text, stack, workdir, paths)
        env = terraform_env(cli_config, cache=user_cache() if mirror.packed else None)
        init = [tf.path, "init", "-backend=false", "-input=false", "-no-color"]
        init += [f"-plugin-dir={d}" for d in mirror.dirs]
        began = time.perf_counter()
        init_run = run(init, cwd=run_dir, env=env, timeout=init_timeout, what="terraform init", check=False)
        timings["init"] = time.perf_counter() - began
        began = time.perf_counter()
        out = run([tf.path, "validate", "-json", "-no-color"], cwd=run_dir, env=env, timeout=validate_timeout,
                   what="terraform validate", check=False)
        timings["validate"] = time.perf_counter() - began
        try:
            diagnostics = parse_diagnostics(out.stdout, config_text)
        except (ValueError, TerraformError):
            raise TerraformError(f"terraform validate -json failed (exit {out.returncode}) in a copy of {stack}:\n"
                                 f"{tail_lines(out.stdout + out.stderr)}") from None
        if init_run.returncode != 0 and not any(d.line for d in diagnostics if d.severity == "error"):
            raise TerraformError(f"terraform init failed (exit {init_run.returncode}) in a copy of {stack}:\n"
                                 f"{tail_lines(init_run.stdout + init_run.stderr)}")
        linked = _provider_linked(run_dir)
        diagnostics = [_path_note(d, stack, paths) for d in diagnostics]
        return ValidateResult(not any(d.severity == "error" for d in diagnostics), tuple(diagnostics), tf, mirror,
                              workdir, linked, timings)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _provider_linked(workdir: Path) -> bool | None:
    root = workdir / ".terraform" / "providers"
    platform_dirs = [p for p in root.glob("*/*/*/*/*")] if root.is_dir() else []
    return all(p.is_symlink() for p in platform_dirs) if platform_dirs else None


_NO_FILE = re.compile(r"open ([^:]+): no such file or directory")


def _path_note(diag: Diagnostic, stack: Path, paths: StackPaths | None) -> Diagnostic:
    """Name the file a missing relative path resolves to. One that climbs above the project
    leaves the farm terraform runs in: when it exists from the real directory, say so and make
    it a warning instead of a false error."""
    match = _NO_FILE.search(diag.detail)
    if not match or os.path.isabs(match.group(1)):
        return diag
    relative = match.group(1)
    resolved = paths.resolve(relative) if paths is not None else Path(os.path.normpath(stack / relative))
    if not resolved.exists():
        base = paths.working_dir if paths is not None else stack
        note = f" [{relative} resolves to {resolved} (relative to {base}, where cdktf runs terraform)]"
        return Diagnostic(diag.severity, diag.summary, diag.detail + note, diag.address, diag.context, diag.line)
    note = (f" [{relative} exists relative to the stack dir; paths outside the project cannot be checked in the "
            "private copy terraform validate runs in]")
    return Diagnostic("warning", diag.summary, diag.detail + note, diag.address, diag.context, diag.line)

