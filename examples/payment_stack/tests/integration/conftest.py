"""The payments stack, deployed once for the session by pytest-iac's ``iac_deployment``: by default
applied with terraform to a moto server on a loopback port and destroyed at the end (see the
project README, "Integration tests"). Lambdas are never invoked: that needs docker.

Every test here uses ``iac_deployment``, which is what makes it an integration test for the gate.
"""

from __future__ import annotations

import pytest

SUFFIX = "test"  # app.kwargs.environment_suffix in requirements.yaml


@pytest.fixture(scope="session")
def outputs(iac_deployment) -> dict:
    return dict(iac_deployment.outputs)


@pytest.fixture(scope="session")
def key_arn(outputs) -> str:
    return outputs["kms_key_arn"]


@pytest.fixture(scope="session")
def aws(iac_deployment):
    """boto3 clients at the deployment's endpoint, by service name: ``aws("s3")``."""
    clients: dict = {}

    def client(service: str):
        if service not in clients:
            clients[service] = iac_deployment.client(service)
        return clients[service]

    return client
