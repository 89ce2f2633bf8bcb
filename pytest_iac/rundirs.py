"""Run-private temporary directories, named by the process that owns them.

Every temporary directory pytest-iac makes (``pytest-iac-synth-*``, ``pytest-iac-deploy-*``,
``pytest-iac-run-*``, ``pytest-iac-tf-*``) carries its owner's pid in its name. The owner
removes it at the end of the session; a run that was killed (``kill -9``, OOM) cannot, so the
next run sweeps the directories whose owner is gone. A directory marked kept (a deployment kept
with ``--iac-keep-deployment``, or whose destroy failed) is never swept: it holds the state that
its destroy script needs.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

__all__ = ["KINDS", "keep", "make", "named", "sweep"]

KINDS = ("synth", "deploy", "run", "tf", "validate")
KEEP_MARKER = ".pytest-iac-keep"
_NAME = re.compile(r"^pytest-iac-(?:%s)-(\d+)-" % "|".join(KINDS))


def make(kind: str, root: str | Path | None = None) -> Path:
    """A new private directory of this process (``pytest-iac-<kind>-<pid>-<random>``)."""
    return Path(tempfile.mkdtemp(prefix=f"pytest-iac-{kind}-{os.getpid()}-", dir=root))


def named(kind: str, owner: int, tag: str) -> Path:
    """The path (not created) of a directory shared by a run's processes, owned by ``owner``."""
    return Path(tempfile.gettempdir()) / f"pytest-iac-{kind}-{owner}-{tag}"


def keep(directory: Path) -> None:
    """Mark ``directory`` as kept on purpose: no later run sweeps it."""
    try:
        (directory / KEEP_MARKER).touch()
    except OSError:
        pass


def sweep(root: str | Path | None = None) -> list[Path]:
    """Remove the directories of runs whose owner process is gone; return what was removed."""
    base = Path(root or tempfile.gettempdir())
    removed = []
    try:
        candidates = list(os.scandir(base))
    except OSError:
        return []
    for entry in candidates:
        match = _NAME.match(entry.name)
        if match is None or _alive(int(match.group(1))):
            continue
        path = Path(entry.path)
        try:
            if not entry.is_dir(follow_symlinks=False) or (path / KEEP_MARKER).exists():
                continue
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process, or not a pid we can judge: leave it
    return True
