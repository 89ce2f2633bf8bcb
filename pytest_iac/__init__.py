"""pytest-iac: a pytest plugin for CDK-for-Terraform test suites.

Public names are re-exported lazily (module ``__getattr__``) so that importing the
package, which pytest does when it loads the plugin, imports nothing else.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_iac.assertions.capture import Capture
    from pytest_iac.assertions.match import Match
    from pytest_iac.assertions.matchers import Matcher
    from pytest_iac.assertions.resource_view import ResourceView
    from pytest_iac.assertions.template import Template

__all__ = ["Capture", "Match", "Matcher", "ResourceView", "Template"]

_LAZY = {
    "Capture": "pytest_iac.assertions.capture",
    "Match": "pytest_iac.assertions.match",
    "Matcher": "pytest_iac.assertions.matchers",
    "ResourceView": "pytest_iac.assertions.resource_view",
    "Template": "pytest_iac.assertions.template",
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
