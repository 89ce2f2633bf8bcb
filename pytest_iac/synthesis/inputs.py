"""What a synthesis read: the code it ran, the files it opened, the trees its assets come from.

Recorded while synthesizing (a profile hook for the code, wrapped ``open`` for data files) and
turned into digests, so that a later run can tell, without importing anything, whether any
input changed. Files inside the interpreter or site-packages are not listed one by one: the
installed versions stand for them.
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import hashlib
import hmac
import io
import os
import sys
import sysconfig
import threading
from collections.abc import Iterator
from importlib import metadata
from importlib.machinery import SourceFileLoader
from pathlib import Path
from typing import Any

_LIBRARY_ROOTS = tuple(
    {os.path.realpath(p) for p in (sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"],
                                   sysconfig.get_paths()["platlib"], os.path.dirname(os.path.dirname(__file__)),
                                   sys.prefix, sys.base_prefix, sys.exec_prefix)}
)


_STDLIB = os.path.realpath(sysconfig.get_paths()["stdlib"]) + os.sep
# the loader class whose get_data reads package data (pkgutil.get_data, importlib.resources)
FileLoader = next(cls for cls in SourceFileLoader.__mro__ if "get_data" in vars(cls))


def _is_user_file(path: str) -> bool:
    if not path or path.startswith("<"):
        return False
    real = os.path.realpath(path)
    return not real.startswith(_LIBRARY_ROOTS) and "site-packages" not in real


@dataclasses.dataclass
class Seen:
    """What the synthesis read: files (run, opened, or read through a loader) and directories
    it listed (a file added or removed there changes what it would do)."""

    files: set[str] = dataclasses.field(default_factory=set)
    listings: set[str] = dataclasses.field(default_factory=set)


@contextlib.contextmanager
def recording() -> Iterator[Seen]:
    """Collect the user files whose code runs, or which are opened or listed, inside the block."""
    seen = Seen()

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event == "call":
            seen.files.add(frame.f_code.co_filename)

    real_open, real_listdir, real_scandir = builtins.open, os.listdir, os.scandir
    real_get_data = FileLoader.get_data

    def recording_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, os.PathLike)) and "r" in mode:
            seen.files.add(os.path.abspath(os.fspath(file)))
        return real_open(file, mode, *args, **kwargs)

    def recording_get_data(self: Any, path: str) -> bytes:  # pkgutil.get_data, loaders
        if not path.endswith((".pyc", ".pyo")):  # bytecode stands for its source, recorded anyway
            seen.files.add(os.path.abspath(path))
        return real_get_data(self, path)

    def listed(path: Any) -> None:  # called once the listing succeeded
        if not _called_from_user_code(sys._getframe(2)):
            return  # a library scanning sys.path (pkgutil.iter_modules, the provider finder)
        if isinstance(path, (str, bytes, os.PathLike)):
            seen.listings.add(os.path.abspath(os.fsdecode(path)))
        elif path is None:
            seen.listings.add(os.getcwd())

    def recording_listdir(path: Any = None) -> list[Any]:
        names = real_listdir(path) if path is not None else real_listdir()
        listed(path)
        return names

    def recording_scandir(path: Any = None) -> Any:  # glob, pathlib's glob, os.walk
        entries = real_scandir(path) if path is not None else real_scandir()
        listed(path)
        return entries

    previous_profile = sys.getprofile()
    sys.setprofile(profile)
    threading.setprofile(profile)
    builtins.open = io.open = recording_open  # type: ignore[assignment]
    os.listdir, os.scandir = recording_listdir, recording_scandir  # type: ignore[assignment]
    FileLoader.get_data = recording_get_data  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        FileLoader.get_data = real_get_data  # type: ignore[method-assign]
        os.listdir, os.scandir = real_listdir, real_scandir  # type: ignore[assignment]
        builtins.open = io.open = real_open  # type: ignore[assignment]
        sys.setprofile(previous_profile)
        threading.setprofile(None)  # type: ignore[arg-type]


def _called_from_user_code(frame: Any) -> bool:
    """Whether the nearest caller outside the standard library (glob, pathlib, os) is the user's."""
    while frame is not None and os.path.realpath(frame.f_code.co_filename).startswith(_STDLIB):
        frame = frame.f_back
    return frame is not None and _is_user_file(frame.f_code.co_filename)


def digest_file(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


def digest_tree(root: str | Path, *, skip_bytecode: bool = True) -> str:
    """Names and contents of every file under ``root`` (a file: its content).

    Covers what the JavaScript side of cdktf reads (asset directories), which Python can't see,
    and the cached output itself. Contents, not sizes and times: an edit of the same size with
    the modification time put back is still a change.
    """
    if os.path.isfile(root):
        return digest_file(str(root)) or "missing"
    whole = hashlib.sha256()
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not (skip_bytecode and d == "__pycache__"))
        for name in sorted(files):
            if skip_bytecode and name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(directory, name)
            whole.update(f"{os.path.relpath(path, root)}\0{digest_file(path)}\n".encode())
    return whole.hexdigest()


def digest_listing(directory: str) -> str | None:
    """The names in ``directory`` (None when it is not there): adding or removing one is a change."""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return None
    return hashlib.sha256("\0".join(names).encode("utf-8", "surrogateescape")).hexdigest()


def file_digests(paths: set[str], output_dir: Path) -> dict[str, str | None]:
    """Digests of the user's files among ``paths``; what the synthesis wrote itself is not input."""
    return {path: digest_file(path) for path in _inputs(paths, output_dir)}


def listing_digests(directories: set[str], output_dir: Path) -> dict[str, str | None]:
    """Digests of the names in the user's directories that the synthesis listed."""
    return {path: digest_listing(path) for path in _inputs(directories, output_dir)}


def _inputs(paths: set[str], output_dir: Path) -> list[str]:
    output = str(output_dir.resolve())
    return sorted(p for p in paths if _is_user_file(p) and not os.path.realpath(p).startswith(output))


def env_digests(names: tuple[str, ...] | list[str], salt: str) -> dict[str, str | None]:
    """Keyed digests of the variables' values (None: unset), never the values: the cache must not
    hold the secrets a stack reads (AWS_SECRET_ACCESS_KEY). The salt is random per record, so a
    digest can't be looked up in a precomputed table nor compared across records."""
    return {
        name: None if os.environ.get(name) is None
        else hmac.new(salt.encode(), os.environ[name].encode("utf-8", "surrogateescape"), "sha256").hexdigest()
        for name in sorted(names)
    }


def versions() -> dict[str, str]:
    """Python, pytest-iac and every cdktf/cdktn/jsii/provider distribution installed."""
    found = {"python": sys.version}
    for dist in metadata.distributions():
        name = (dist.metadata["Name"] or "").lower()
        if name.startswith(("cdktf", "cdktn", "jsii", "constructs", "pytest-iac")):
            found[name] = dist.version
    return dict(sorted(found.items()))
