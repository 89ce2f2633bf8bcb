"""pytest-iac: a pytest plugin for CDK-for-Terraform test suites.

Public names are re-exported lazily (module ``__getattr__``) so that importing the
package, which pytest does when it loads the plugin, imports nothing else.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_iac.match import Capture, Match, Matcher
    from pytest_iac.template import ResourceView, Template

__all__ = ["Capture", "Match", "Matcher", "ResourceView", "Template"]

_LAZY = {
    "Capture": "pytest_iac.match",
    "Match": "pytest_iac.match",
    "Matcher": "pytest_iac.match",
    "ResourceView": "pytest_iac.template",
    "Template": "pytest_iac.template",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
