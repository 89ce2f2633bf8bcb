"""Every built-in check, in the order they run and are reported."""

from __future__ import annotations

from pytest_iac.checks import (
    assets,
    checkov_policies,
    cloudwatch,
    docs,
    encryption,
    iam,
    lambda_env,
    lifecycle,
    naming,
    network,
    secrets,
    terraform_checks,
)
from pytest_iac.checks.base import Check

__all__ = ["BUILTIN_CHECKS"]

BUILTIN_CHECKS: tuple[Check, ...] = tuple(
    check
    for module in (
        assets, cloudwatch, lambda_env, secrets, iam, network, encryption, naming, lifecycle, docs, terraform_checks,
        checkov_policies,
    )
    for check in module.CHECKS
)
