"""What a synthesis read: the code it ran, the files it opened, the trees its assets come from.

Recorded while synthesizing (a profile hook for the code, wrapped ``open`` for data files) and
turned into digests, so that a later run can tell, without importing anything, whether any
input changed. Files inside the interpreter or site-packages are not listed one by one: the
installed versions stand for them.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import io
import os
import sys
import sysconfig
import threading
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

_LIBRARY_ROOTS = tuple(
    {os.path.realpath(p) for p in (sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"],
                                   sysconfig.get_paths()["platlib"], os.path.dirname(os.path.dirname(__file__)),
                                   sys.prefix, sys.base_prefix, sys.exec_prefix)}
)


def _is_user_file(path: str) -> bool:
    if not path or path.startswith("<"):
        return False
    real = os.path.realpath(path)
    return not real.startswith(_LIBRARY_ROOTS) and "site-packages" not in real


@contextlib.contextmanager
def recording() -> Iterator[set[str]]:
    """Collect the user files whose code runs, or which are opened, inside the block."""
    seen: set[str] = set()

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event == "call":
            seen.add(frame.f_code.co_filename)

    real_open = builtins.open

    def recording_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, os.PathLike)) and "r" in mode:
            seen.add(os.path.abspath(os.fspath(file)))
        return real_open(file, mode, *args, **kwargs)

    previous_profile = sys.getprofile()
    sys.setprofile(profile)
    threading.setprofile(profile)
    builtins.open = io.open = recording_open  # type: ignore[assignment]
    try:
        yield seen
    finally:
        builtins.open = io.open = real_open  # type: ignore[assignment]
        sys.setprofile(previous_profile)
        threading.setprofile(None)  # type: ignore[arg-type]


def digest_file(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


def digest_tree(root: str) -> str:
    """Names, sizes and modification times of every file under ``root`` (a file: its content).

    Covers what the JavaScript side of cdktf reads (asset directories), which Python can't see.
    """
    if os.path.isfile(root):
        return digest_file(root) or "missing"
    entries = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(directory, name)
            with contextlib.suppress(OSError):
                stat = os.stat(path)
                entries.append(f"{os.path.relpath(path, root)}\0{stat.st_size}\0{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(entries).encode()).hexdigest()


def file_digests(paths: set[str], output_dir: Path) -> dict[str, str | None]:
    """Digests of the user's files among ``paths``; what the synthesis wrote itself is not input."""
    output = str(output_dir.resolve())
    return {
        path: digest_file(path)
        for path in sorted(p for p in paths if _is_user_file(p) and not os.path.realpath(p).startswith(output))
    }


def env_values(names: tuple[str, ...] | list[str]) -> dict[str, str | None]:
    return {name: os.environ.get(name) for name in sorted(names)}


def versions() -> dict[str, str]:
    """Python, pytest-iac and every cdktf/cdktn/jsii/provider distribution installed."""
    found = {"python": sys.version}
    for dist in metadata.distributions():
        name = (dist.metadata["Name"] or "").lower()
        if name.startswith(("cdktf", "cdktn", "jsii", "constructs", "pytest-iac")):
            found[name] = dist.version
    return dict(sorted(found.items()))
