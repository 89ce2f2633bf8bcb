"""The integration tier: deploy the synthesized stack for a test session, and tear it down.

Importing this package is cheap (standard library and pytest): moto, boto3 and terraform are
used only when a test asks for ``iac_deployment``.
"""

from __future__ import annotations

from pytest_iac.deploy.deployment import Deployment
from pytest_iac.deploy.options import DeploySettings

__all__ = ["Deployment", "DeploySettings"]
