"""Lookups shared by the unit tests. The stack itself is synthesized once per session by
pytest-iac (``iac_stack``), from the entry and arguments in requirements.yaml."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

SUFFIX = "test"  # app.kwargs.environment_suffix in requirements.yaml
REGION = "us-east-1"
FUNCTION_KEYS = ("validation", "processing", "notification", "reconciliation")


@pytest.fixture(scope="session")
def suffix() -> str:
    return SUFFIX


@pytest.fixture(scope="session")
def region() -> str:
    return REGION


@pytest.fixture(scope="session")
def node(iac_stack):
    """A resource by its construct path below the stack, e.g. ``node("network/vpc")``."""
    return lambda path: iac_stack.resource_by_path(f"payments/{path}")


@pytest.fixture(scope="session")
def key_arn(node) -> str:
    return node("encryption/key").ref("arn")


@pytest.fixture(scope="session")
def subnets(node) -> dict[str, list]:
    """Subnet views by tier, in AZ order a, b, c."""
    return {tier: [node(f"network/{tier}-{az}") for az in "abc"] for tier in ("public", "private", "database")}


@pytest.fixture(scope="session")
def functions(node) -> dict:
    return {key: node(f"compute/{key}") for key in FUNCTION_KEYS}


@pytest.fixture(scope="session")
def stack_dir(iac_synth) -> Path:
    """The synthesized stack directory: cdk.tf.json and the assets it points at."""
    return iac_synth.stacks["payments"].path.parent


@pytest.fixture(scope="session")
def package_files(functions, stack_dir) -> dict[str, str]:
    """Name -> source text of every file in the (shared) Lambda deployment package."""
    package = stack_dir / functions["validation"]["filename"]
    with zipfile.ZipFile(package) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
