"""Options of the integration tier and their ini twins, resolved into a frozen ``DeploySettings``.

Only the standard library and pytest are imported here: this module is loaded with the plugin.
A real AWS account is a target only when the command line says ``--iac-deploy aws`` *and*
``--iac-aws-account`` repeats the ``deployment.account_id`` of the requirements YAML; anything
else refuses to deploy, so no run ever deploys to whatever credentials the shell happens to hold.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from pytest_iac.config.settings import Option, add_options, raw_setting
from pytest_iac.state import STATE

__all__ = ["DEPLOY_OPTIONS", "DeployRefused", "DeploySettings", "TARGETS", "add_deploy_options", "deploy_settings"]

TARGETS = ("local", "aws", "outputs")

DEPLOY_OPTIONS = (
    Option("iac_deploy", "where iac_deployment deploys the stack: local (a moto server on a loopback port, "
           "the default), aws (a real account: only on the command line, with --iac-aws-account), or "
           "outputs (deploy nothing, read --iac-outputs-file); default: deployment.target of the "
           "requirements YAML, else local", metavar="local|aws|outputs"),
    Option("iac_outputs_file", "outputs JSON of a stack deployed elsewhere, flat ({name: value}) or nested "
           "by stack name, for --iac-deploy outputs (default: deployment.outputs_file of the YAML)",
           metavar="PATH"),
    Option("iac_keep_deployment", "leave the deployment (and the local endpoint) up at the end of the "
           "session, and print how to destroy it", kind="bool"),
    Option("iac_aws_account", "the AWS account id you confirm deploying to with --iac-deploy aws; must equal "
           "deployment.account_id of the requirements YAML", metavar="ACCOUNT_ID"),
)


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


def add_deploy_options(parser: pytest.Parser) -> None:
    add_options(parser, DEPLOY_OPTIONS)


def deploy_settings(config: pytest.Config) -> DeploySettings:
    """Resolve the deployment settings (option > ini > YAML > default).

    Raises ``DeployRefused`` for a bad value or a forbidden target, naming where it came from."""
    settings = config.stash[STATE].settings
    requirements = settings.requirements
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
        from pytest_iac.role import Worker, role

        account = _confirmed_account(config, origin, yaml_deploy.account_id if yaml_deploy else None, yaml_name)
        if isinstance(role(config), Worker):
            raise DeployRefused("refusing to deploy to a real AWS account from an xdist worker: every worker would "
                                "deploy the stack again into the same account. Run the integration tests without -n")

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
    plugin_dir = settings.terraform_plugin_dir
    return DeploySettings(
        target=target, origin=origin, outputs_file=outputs_file, outputs_origin=outputs_origin,
        keep=bool(raw_setting(config, "iac_keep_deployment")[0]), account_id=account, strict=settings.strict,
        plugin_dir=str(plugin_dir) if plugin_dir else (os.environ.get("PYTEST_IAC_TF_PLUGIN_DIR") or None),
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
