"""The integration tier's settings (option > ini > YAML > default), resolved with the others.

A real AWS account is a target only when the command line says ``--iac-deploy aws`` *and*
``--iac-aws-account`` repeats the ``deployment.account_id`` of the requirements YAML; anything
else is refused, so no run ever deploys to whatever credentials the shell happens to hold.
A refusal is resolved now but raised only when a test asks for the deployment
(``Settings.deployment()``): a run that deploys nothing is never refused.
Only the standard library and pytest are imported here: this module is loaded with the plugin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from pytest_iac.config.options import raw_setting
from pytest_iac.config.requirements import TARGETS, RequirementsFile

__all__ = ["DeployRefused", "DeploySettings", "TARGETS", "resolve_deploy"]


class DeployRefused(Exception):
    """The configuration does not allow this deployment; the message says why and what to change."""


@dataclass(frozen=True)
class DeploySettings:
    target: str  # local | aws | outputs
    origin: str  # where the target came from, for messages
    outputs_file: Path | None
    outputs_origin: str
    keep: bool
    account_id: str | None  # the confirmed account (target aws only)
    strict: bool
    plugin_dir: str | None
    terraform: str | None = None  # $PYTEST_IAC_TERRAFORM; None: terraform on PATH
    destroy: bool = False  # --iac-destroy: the local target runs terraform destroy too

    @property
    def destroys(self) -> bool:
        """Whether the teardown runs ``terraform destroy``: always for a real account; for moto,
        whose state dies with it, only when asked (to exercise the destroy)."""
        return self.target != "local" or self.destroy


def resolve_deploy(config: pytest.Config, requirements: RequirementsFile | None, *, strict: bool,
                   plugin_dir: Path | None, terraform: str | None) -> DeploySettings:
    """Raises ``DeployRefused`` for a bad value or a forbidden target, naming where it came from."""
    yaml_deploy = requirements.deployment if requirements is not None else None
    yaml_name = Path(requirements.path).name if requirements is not None else "the requirements YAML"
    yaml_dir = Path(requirements.path).parent if requirements is not None else config.rootpath

    value, origin, _ = raw_setting(config, "iac_deploy")
    if value in (None, ""):
        if yaml_deploy is not None and yaml_deploy.target != "local":
            value, origin = yaml_deploy.target, f"deployment.target in {yaml_name}"
        else:
            value, origin = "local", "default" if yaml_deploy is None else f"deployment.target in {yaml_name}"
    target = str(value).strip().lower()
    if target not in TARGETS:
        raise DeployRefused(f"{origin}: {value!r} is not a deployment target; choose one of {', '.join(TARGETS)}")

    account = None
    if target == "aws":
        account = _confirmed_account(config, origin, yaml_deploy.account_id if yaml_deploy else None, yaml_name)

    outputs_file, outputs_origin = None, ""
    given, where, base = raw_setting(config, "iac_outputs_file")
    if given:
        outputs_file, outputs_origin = (base / given).resolve(), where
    elif yaml_deploy is not None and yaml_deploy.outputs_file:
        outputs_file = (yaml_dir / yaml_deploy.outputs_file).resolve()
        outputs_origin = f"deployment.outputs_file in {yaml_name}"
    if target == "outputs" and outputs_file is None:
        raise DeployRefused(f"{origin}: target 'outputs' needs the outputs file: pass --iac-outputs-file PATH "
                            f"(e.g. cfn-outputs/flat-outputs.json), set iac_outputs_file in the ini file, "
                            f"or deployment.outputs_file in {yaml_name}")
    return DeploySettings(
        target=target, origin=origin, outputs_file=outputs_file, outputs_origin=outputs_origin,
        keep=bool(raw_setting(config, "iac_keep_deployment")[0]), account_id=account, strict=strict,
        plugin_dir=str(plugin_dir) if plugin_dir else None, terraform=terraform,
        destroy=bool(raw_setting(config, "iac_destroy")[0]),
    )


def _confirmed_account(config: pytest.Config, origin: str, yaml_account: str | None, yaml_name: str) -> str:
    cli_target = getattr(config.known_args_namespace, "iac_deploy", None)
    if origin != "--iac-deploy" or (cli_target or "").strip().lower() != "aws":
        raise DeployRefused(
            f"refusing to deploy to a real AWS account: the target 'aws' comes from {origin}, but a real "
            "account is used only when the command line says so. Run with --iac-deploy aws "
            f"--iac-aws-account {yaml_account or 'ACCOUNT_ID'}, or use --iac-deploy local")
    if not yaml_account:
        raise DeployRefused(
            f"refusing to deploy to a real AWS account: {yaml_name} lists no deployment.account_id. "
            "Add the account that may be deployed to, e.g.\n  deployment:\n    target: aws\n"
            '    account_id: "123456789012"\nand confirm it with --iac-aws-account')
    given, where, _ = raw_setting(config, "iac_aws_account")
    if not given:
        raise DeployRefused(
            f"refusing to deploy to a real AWS account: confirm the account with --iac-aws-account {yaml_account} "
            f"(the deployment.account_id of {yaml_name})")
    given = str(given).strip()
    if not re.fullmatch(r"\d{12}", given) or given != str(yaml_account).strip():
        raise DeployRefused(
            f"refusing to deploy to a real AWS account: the account {given} ({where}) is not the account listed in "
            f"{yaml_name} (deployment.account_id: {yaml_account})")
    return given
