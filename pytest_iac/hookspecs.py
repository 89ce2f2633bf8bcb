"""pytest-iac's extension points, loaded through ``pytest_addhooks``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pytest_iac.checks.base import Check


@pytest.hookspec
def pytest_iac_checks(config: pytest.Config) -> list[Check]:
    """Return checks to run beside the built-in ones (a list of ``pytest_iac.checks.base.Check``).

    Implement it in a ``conftest.py`` or a plugin; each check is collected as an item per stack
    (``iac::<id>[<stack>]``), can be selected, suppressed and linked to requirements in the YAML
    like a built-in one. Ids must be unique.
    """
    raise NotImplementedError
