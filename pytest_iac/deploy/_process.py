"""Long-lived children: the moto server runs for the whole session, its output going to a log
file, and is stopped as a group at teardown. A job apart from ``pytest_iac.terraform.process.run``,
which waits for a command and captures its output; both stop their children with ``stop_group``."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path


def spawn(cmd: Sequence[str], *, env: Mapping[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start ``cmd`` in its own session, so that its whole process group can be stopped; its
    output goes to ``log``."""
    with open(log, "ab") as out:
        return subprocess.Popen(list(cmd), env=dict(env), stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                start_new_session=True)


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
