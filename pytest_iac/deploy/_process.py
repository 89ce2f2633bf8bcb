"""Child processes that never outlive the test session: own process group, stopped as a group.

A *guarded* child is started through a small Python wrapper that watches the pytest process: if
pytest dies without cleaning up (``kill -9``, a crashed CI runner), the wrapper ends the child
within a second, so no moto server or provider plugin is left behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

# argv: parent pid, then the command. Runs the command as a child and ends it when the parent
# is gone; SIGTERM/SIGINT to the group reach both, and the wrapper exits with the child.
_GUARD = """
import os, signal, subprocess, sys, time
parent = int(sys.argv[1])
child = subprocess.Popen(sys.argv[2:])
signal.signal(signal.SIGTERM, lambda *_: (child.terminate(), sys.exit(143)))
while child.poll() is None:
    if os.getppid() != parent:
        child.terminate()
        try:
            child.wait(5)
        except subprocess.TimeoutExpired:
            child.kill()
        sys.exit(1)
    time.sleep(0.5)
sys.exit(child.returncode)
"""


def spawn(cmd: Sequence[str], *, env: Mapping[str, str], cwd: str | os.PathLike[str] | None = None,
          log: Path | None = None, guard: bool = True, stdout: int | None = None) -> subprocess.Popen[bytes]:
    """Start ``cmd`` in its own session (so its whole group can be stopped); output to ``log``.

    ``guard`` wraps it so that it ends when this process ends; leave it off for a child that
    must survive the session (``--iac-keep-deployment``)."""
    argv = [sys.executable, "-c", _GUARD, str(os.getpid()), *cmd] if guard else list(cmd)
    out = open(log, "ab") if log is not None else subprocess.DEVNULL  # noqa: SIM115 - closed below
    try:
        return subprocess.Popen(argv, cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL,
                                stdout=stdout if stdout is not None else out, stderr=out,
                                start_new_session=True)
    finally:
        if log is not None:
            out.close()  # type: ignore[union-attr]


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
