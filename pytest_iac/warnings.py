"""The warnings pytest-iac emits for conditions that do not fail the run by themselves.

They share one base class, so a suite can silence them all, or make them errors, with one
filter: ``-W error::pytest_iac.PytestIacWarning`` or, in the ini file,
``filterwarnings = error::pytest_iac.PytestIacWarning``. Each subclass names one condition,
so it can be filtered alone (``ignore::pytest_iac.CacheBypassWarning``).
"""

from __future__ import annotations

import pytest

__all__ = ["CacheBypassWarning", "HollowTestWarning", "OptionPathWarning", "PytestIacWarning",
           "ReportOnlyCoverageWarning"]


class PytestIacWarning(pytest.PytestWarning):
    """Base class of every warning pytest-iac emits."""

    __module__ = "pytest_iac"


class HollowTestWarning(PytestIacWarning):
    """A test linked to a requirement passed without asserting anything about the stack, so it
    does not count as evidence for the requirement."""

    __module__ = "pytest_iac"


class CacheBypassWarning(PytestIacWarning):
    """The synthesis cache was not used for this run (its inputs could not be recorded, or the
    cache directory is not available), so the stack was synthesized afresh."""

    __module__ = "pytest_iac"


class ReportOnlyCoverageWarning(PytestIacWarning):
    """A coverage figure is measured and reported but no threshold is set for it, so it cannot
    fail the run."""

    __module__ = "pytest_iac"


class OptionPathWarning(PytestIacWarning):
    """A path option was given as ``--iac-x PATH`` with a path outside the invocation directory,
    which moves pytest's rootdir (and where it looks for the ini file); ``--iac-x=PATH`` does not."""

    __module__ = "pytest_iac"
