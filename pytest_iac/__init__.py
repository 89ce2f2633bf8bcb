"""pytest-iac: a pytest plugin for CDK-for-Terraform test suites.

``__all__`` is the public API: the query API (``Template``, ``ResourceView``), the matchers
(``Match``, ``Matcher``, ``Capture``), the checks API (``Check``, ``Finding``), ``Deployment``,
``Synthesis`` and the warnings. Every other module is private and may change.

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
    from pytest_iac.checks.base import Check, Finding
    from pytest_iac.deploy.deployment import Deployment
    from pytest_iac.synthesis.synthesize import Synthesis
    from pytest_iac.warnings import (CacheBypassWarning, HollowTestWarning, OptionPathWarning, PytestIacWarning,
                                     ReportOnlyCoverageWarning)

__all__ = [
    "CacheBypassWarning",
    "Capture",
    "Check",
    "Deployment",
    "Finding",
    "HollowTestWarning",
    "Match",
    "Matcher",
    "OptionPathWarning",
    "PytestIacWarning",
    "ReportOnlyCoverageWarning",
    "ResourceView",
    "Synthesis",
    "Template",
]

_LAZY = {
    "Capture": "pytest_iac.assertions.capture",
    "Match": "pytest_iac.assertions.match",
    "Matcher": "pytest_iac.assertions.matchers",
    "ResourceView": "pytest_iac.assertions.resource_view",
    "Template": "pytest_iac.assertions.template",
    "Check": "pytest_iac.checks.base",
    "Finding": "pytest_iac.checks.base",
    "Deployment": "pytest_iac.deploy.deployment",
    "Synthesis": "pytest_iac.synthesis.synthesize",
    "PytestIacWarning": "pytest_iac.warnings",
    "HollowTestWarning": "pytest_iac.warnings",
    "CacheBypassWarning": "pytest_iac.warnings",
    "ReportOnlyCoverageWarning": "pytest_iac.warnings",
    "OptionPathWarning": "pytest_iac.warnings",
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
