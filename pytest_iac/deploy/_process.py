"""Child processes in their own process group, stopped as a group (nothing they started is left)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path


def spawn(cmd: Sequence[str], *, env: Mapping[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start ``cmd`` in its own session, so that its whole process group can be stopped; its
    output goes to ``log``."""
    with open(log, "ab") as out:
        return subprocess.Popen(list(cmd), env=dict(env), stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                start_new_session=True)


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


def pid_alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def tail(path: Path, lines: int = 20) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.strip().splitlines()[-lines:])
