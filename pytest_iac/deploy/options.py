"""The deploy tier's view of the settings: the resolved ``DeploySettings``, or why not.

The options, their ini twins and their resolution live in :mod:`pytest_iac.config`; what is left
here is what only the process running the test can know (is it an xdist worker?).
"""

from __future__ import annotations

import pytest

from pytest_iac.config.deploy_settings import TARGETS, DeployRefused, DeploySettings
from pytest_iac.state import STATE

__all__ = ["DeployRefused", "DeploySettings", "TARGETS", "deploy_settings"]


def deploy_settings(config: pytest.Config) -> DeploySettings:
    """The resolved deployment settings; raises ``DeployRefused`` for a bad value or a forbidden
    target, naming where it came from."""
    settings = config.stash[STATE].settings.deployment()
    if settings.target == "aws":
        from pytest_iac.role import Worker, role

        if isinstance(role(config), Worker):
            raise DeployRefused("refusing to deploy to a real AWS account from an xdist worker: every worker would "
                                "deploy the stack again into the same account. Run the integration tests without -n")
    return settings
