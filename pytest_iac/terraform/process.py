"""The one way pytest-iac runs a command to completion: in its own process group, with a
timeout, an environment, a working directory and its output captured.

A process group, because terraform starts provider plugins: a timeout or an interrupt must end
them too, not only terraform. An interrupt (Ctrl-C, SIGTERM) first gets SIGINT, so terraform can
stop cleanly, and the group is killed if it does not. Long-lived children (the moto server) and
streamed ``apply``/``destroy`` runs start their own processes but stop them with ``stop_group``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from pytest_iac.terraform.errors import TerraformError, TerraformUnavailable

__all__ = ["group_alive", "run", "stop_group", "tail_lines"]


def run(cmd: Sequence[str], *, cwd: str | os.PathLike[str] | None, env: Mapping[str, str], timeout: float,
        what: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` and return its exit status and output. ``TerraformUnavailable`` when it cannot
    start; ``TerraformError`` naming ``what``, the command and the tail of its output when it times
    out or (``check``) exits non-zero."""
    cmd = list(cmd)
    try:
        proc = subprocess.Popen(cmd, cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
    except OSError as exc:
        raise TerraformUnavailable(f"cannot run {cmd[0]}: {exc}") from None
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop_group(proc, first=signal.SIGKILL)
        stdout, stderr = _drain(proc)
        raise TerraformError(f"{what} timed out after {timeout:g} s ({' '.join(cmd)}):\n"
                             f"{tail_lines(stdout + stderr)}") from None
    except BaseException:
        stop_group(proc, first=signal.SIGINT)
        raise
    if check and proc.returncode != 0:
        raise TerraformError(f"{what} failed (exit {proc.returncode}) ({' '.join(cmd)}):\n"
                             f"{tail_lines(stdout + stderr)}")
    return subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)


def _drain(proc: subprocess.Popen[str]) -> tuple[str, str]:
    try:
        stdout, stderr = proc.communicate(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover - a grandchild holds the pipes open
        return "", ""
    return stdout or "", stderr or ""


def stop_group(proc: subprocess.Popen[bytes] | subprocess.Popen[str], *, timeout: float = 5.0,
               first: int = signal.SIGTERM) -> None:
    """Signal the child's process group, wait, then kill the group. Never raises."""
    for sig, wait in ((first, timeout), (signal.SIGKILL, 5.0)):
        if proc.poll() is not None and not group_alive(proc.pid):
            break
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if proc.poll() is not None and not group_alive(proc.pid):
                break
            time.sleep(0.05)
    try:
        proc.wait(1)
    except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL did not end it
        pass


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's group
        return True
    return True


def tail_lines(text: str, lines: int = 30) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def tail_file(path: Path, lines: int = 20) -> str:
    """The last lines of a log file, ``""`` when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return tail_lines(text, lines)
