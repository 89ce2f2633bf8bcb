"""The one way pytest-iac runs a terraform command to completion: in its own process group,
with a timeout, an environment, a working directory and its output captured."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping
from pathlib import Path

from pytest_iac.terraform.errors import TerraformError, TerraformUnavailable

__all__ = ["run", "tail_lines"]


def run(cmd: list[str], *, cwd: Path | None, env: Mapping[str, str], timeout: float, what: str,
         check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run in its own process group, so a timeout also ends terraform's provider plugins."""
    try:
        proc = subprocess.Popen(cmd, cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
    except OSError as exc:
        raise TerraformUnavailable(f"cannot run {cmd[0]}: {exc}") from None
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
        stdout, stderr = proc.communicate()
        raise TerraformError(f"{what} timed out after {timeout:g} s ({' '.join(cmd)}):\n"
                             f"{tail_lines(stdout + stderr)}") from None
    result = subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)
    if check and proc.returncode != 0:
        raise TerraformError(f"{what} failed (exit {proc.returncode}):\n{tail_lines(stdout + stderr)}")
    return result


def tail_lines(text: str, lines: int = 30) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
