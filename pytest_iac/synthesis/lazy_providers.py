"""Lazy provider packages: import only the provider submodules the stack uses.

``cdktf_cdktf_provider_aws/__init__.py`` imports ~2,200 submodules eagerly (~11 s). Before
user code runs, each installed provider package is put into ``sys.modules`` as a bare package
module with the real ``__path__``: ``from cdktf_cdktf_provider_aws.vpc import Vpc`` then
imports just ``vpc`` (and the shared ``_jsii`` assembly loader), and attribute access such as
``cdktf_cdktf_provider_aws.vpc.Vpc`` imports the submodule on first use.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import types
from typing import Any

PROVIDER_PREFIXES = ("cdktf_cdktf_provider_", "cdktn_provider_")


def installed_provider_packages() -> list[str]:
    """Names of installed provider packages, found by listing sys.path (nothing is imported)."""
    names: set[str] = set()
    for entry in sys.path:
        try:
            children = os.listdir(entry or ".")
        except OSError:
            continue
        names.update(c for c in children if c.startswith(PROVIDER_PREFIXES) and c.isidentifier())
    return sorted(names)


def install() -> list[str]:
    """Replace each provider package not yet imported by a lazy one; return their names."""
    installed = []
    for name in installed_provider_packages():
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        sys.modules[name] = _lazy_package(name, spec)
        installed.append(name)
    return installed


def uninstall(names: list[str]) -> None:
    """Forget the lazy packages (and their submodules) so a later import is the real one."""
    for name in list(sys.modules):
        if name.split(".")[0] in names:
            del sys.modules[name]


def _lazy_package(name: str, spec: Any) -> types.ModuleType:
    module = types.ModuleType(name, f"{name} (lazy: submodules load on first use; pytest-iac)")
    locations = list(spec.submodule_search_locations)
    module.__path__ = locations
    module.__file__ = spec.origin
    module.__spec__ = spec
    module.__package__ = name
    submodules = sorted(
        child for child in os.listdir(locations[0])
        if not child.startswith("_") and os.path.isdir(os.path.join(locations[0], child))
    )
    module.__all__ = submodules  # type: ignore[attr-defined]

    def __getattr__(attr: str) -> Any:
        if attr in submodules or attr == "_jsii":
            return importlib.import_module(f"{name}.{attr}")
        raise AttributeError(f"module {name!r} has no attribute {attr!r}")

    module.__getattr__ = __getattr__  # type: ignore[attr-defined]
    return module
