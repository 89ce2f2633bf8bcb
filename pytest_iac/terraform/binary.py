"""The terraform binary: where it is, which version it is, for which platform."""

from __future__ import annotations

import functools
import json
import os
import shutil
from dataclasses import dataclass

from pytest_iac.terraform.errors import TerraformError, TerraformUnavailable
from pytest_iac.terraform.process import run, tail_lines
from pytest_iac.terraform.versions import Version, parse_version
from pytest_iac.terraform.workdir import terraform_env

__all__ = ["Terraform", "find_terraform"]


@dataclass(frozen=True)
class Terraform:
    path: str
    version: Version
    version_text: str  # "1.11.4"
    platform: str  # "linux_amd64"


def find_terraform(explicit: str | os.PathLike[str] | None = None, *, origin: str = "given") -> Terraform:
    """``explicit`` (a path or a name on PATH; ``origin`` says where it came from, e.g. the
    settings' ``PYTEST_IAC_TERRAFORM``), else ``terraform`` on PATH."""
    wanted = os.fspath(explicit) if explicit else "terraform"
    origin = origin if explicit else "PATH"
    path = shutil.which(wanted)
    if path is None:
        raise TerraformUnavailable(f"terraform not found ({origin}: {wanted!r}); "
                                   "install it or set PYTEST_IAC_TERRAFORM")
    stat = os.stat(path)
    return _version(os.path.realpath(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _version(path: str, _mtime: int, _size: int) -> Terraform:
    """Cached by path, modification time and size: asking costs a process per call otherwise."""
    out = run([path, "version", "-json"], cwd=None, env=terraform_env(None), timeout=30, what="terraform version")
    try:
        info = json.loads(out.stdout)
        text = info["terraform_version"]
        version = parse_version(text)
    except (ValueError, KeyError, TypeError):
        raise TerraformError(f"{path} version -json gave no version:\n{tail_lines(out.stdout + out.stderr)}") from None
    return Terraform(path, version, text, info.get("platform") or _default_platform())


def _default_platform() -> str:
    machine = os.uname().machine.lower()
    arch = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)
    return f"{os.uname().sysname.lower()}_{arch}"
