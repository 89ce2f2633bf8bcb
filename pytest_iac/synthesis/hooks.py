"""What synthesis wraps around the user's code: Apps redirected into a private output dir, and
a record of the environment variables and TerraformAsset paths the code used."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple


class CreatedApp(NamedTuple):
    """An App the user's code created while synthesis ran, and where."""

    app: Any
    outdir: str  # the private directory it was redirected into
    module: str  # ``__name__`` of the module whose code called App(...)


_LIBRARIES = ("jsii", "cdktf", "cdktn", "constructs", "typeguard", "pytest_iac", "importlib")


def _calling_module() -> str:
    """The user's module that called App(...): the first frame outside jsii and the frameworks."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_globals.get("__name__", "?")
        if name.partition(".")[0] not in _LIBRARIES:
            return name
        frame = frame.f_back
    return "?"


@contextlib.contextmanager
def redirected_apps(framework: ModuleType, workdir: Path) -> Iterator[list[CreatedApp]]:
    """Make every App created meanwhile write into its own subdirectory of ``workdir``."""
    app_class = framework.App
    original_init = app_class.__init__
    apps: list[CreatedApp] = []

    def redirected_init(self: Any, *args: Any, **kwargs: Any) -> None:
        outdir = str(workdir / f"app{len(apps)}")
        kwargs["outdir"] = outdir
        caller = _calling_module()
        original_init(self, *args, **kwargs)
        apps.append(CreatedApp(self, outdir, caller))

    app_class.__init__ = redirected_init
    try:
        yield apps
    finally:
        app_class.__init__ = original_init


@contextlib.contextmanager
def recorded_assets(framework: ModuleType) -> Iterator[set[str]]:
    """Remember the paths TerraformAssets are made from: cdktf reads them in node, where the
    synthesis cache could not see them otherwise."""
    asset_class = framework.TerraformAsset
    original_init = asset_class.__init__
    paths: set[str] = set()

    def recording_init(self: Any, *args: Any, **kwargs: Any) -> None:
        path = kwargs.get("path")
        if isinstance(path, (str, os.PathLike)):
            paths.add(os.path.abspath(os.fspath(path)))
        original_init(self, *args, **kwargs)

    asset_class.__init__ = recording_init
    try:
        yield paths
    finally:
        asset_class.__init__ = original_init


class _RecordingEnviron(MutableMapping[str, str]):
    """``os.environ`` stand-in that remembers which variables the stack code looked at."""

    def __init__(self, real: MutableMapping[str, str], seen: set[str]) -> None:
        self._real, self.seen = real, seen

    def __getitem__(self, key: str) -> str:
        self.seen.add(key)
        return self._real[key]

    def __contains__(self, key: object) -> bool:
        self.seen.add(str(key))
        return key in self._real

    def __setitem__(self, key: str, value: str) -> None:
        self._real[key] = value

    def __delitem__(self, key: str) -> None:
        del self._real[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._real)

    def __len__(self) -> int:
        return len(self._real)

    def copy(self) -> dict[str, str]:
        return dict(self._real)


@contextlib.contextmanager
def recording_environ() -> Iterator[set[str]]:
    seen: set[str] = set()
    real = os.environ
    os.environ = _RecordingEnviron(real, seen)  # type: ignore[assignment]
    try:
        yield seen
    finally:
        os.environ = real
