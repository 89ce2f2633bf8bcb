"""The session's deployment, from start to guaranteed teardown.

``session_deployment(request)`` is what the ``iac_deployment`` fixture returns. For the local
target it starts moto, applies the stack in a private working copy and registers the teardown
(``teardown.py``): stop moto (destroying first only with ``--iac-destroy``: moto's state dies
with it), remove the temp dir; a real account is always destroyed. The teardown runs after failing
tests, errors, ``KeyboardInterrupt`` and SIGTERM; a destroy that fails is reported loudly with
what is left. Progress lines are ``progress.py``'s, the naming of diagnostics ``diagnostics.py``'s.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from pytest_iac import rundirs
from pytest_iac.deploy.apply import (DeployError, Run, TerraformWorkspace, override_config, state_outputs,
                                     state_resources)
from pytest_iac.deploy.deployment import LOCAL_ACCOUNT, Deployment
from pytest_iac.deploy.diagnostics import construct_paths, describe_diagnostics
from pytest_iac.deploy.options import DeployRefused, DeploySettings, deploy_settings
from pytest_iac._text import plural
from pytest_iac.deploy.progress import PREFIX, Output
from pytest_iac.deploy.teardown import Teardown
from pytest_iac.terraform.expressions import is_expression

__all__ = ["DeploymentSession", "session_deployment"]


def session_deployment(request: pytest.FixtureRequest) -> Deployment:
    """The deployment for this session, per the resolved target; fails or skips dependent tests
    with one message."""
    config = request.config
    try:
        settings = deploy_settings(config)
    except DeployRefused as exc:
        message = str(exc)
    else:
        if settings.target == "outputs":
            return _from_outputs_file(config, settings)
        session = DeploymentSession(config, settings)
        request.addfinalizer(lambda: session.finish(request.session))
        return session.deploy()
    pytest.fail(message, pytrace=False)


def _from_outputs_file(config: pytest.Config, settings: DeploySettings) -> Deployment:
    from pytest_iac.deploy.outputs_file import OutputsFileError, read_outputs

    assert settings.outputs_file is not None
    stacks, output_names, region = _synthesis_hints(config)
    try:
        outputs, stack = read_outputs(settings.outputs_file, origin=settings.outputs_origin, stacks=stacks,
                                      output_names=output_names)
    except OutputsFileError as exc:
        message = str(exc)
    else:
        Output(config).line(f"{PREFIX}: outputs of {stack or 'the stack'} from {settings.outputs_file} "
                            f"({len(outputs)} outputs; nothing deployed)")
        return Deployment("outputs", stack, outputs, region)
    pytest.fail(message, pytrace=False)


def _synthesis_hints(config: pytest.Config) -> tuple[list[str], list[str], str]:
    """Stack names, output names and region of the synthesis, when the entry synthesizes."""
    from pytest_iac.synthesis.session import SynthesisFailed, session_synthesis
    from pytest_iac.state import STATE

    settings = config.stash[STATE].settings
    default_region = settings.env.aws_region or "us-east-1"
    if settings.entry is None:
        return [], [], default_region
    try:
        synthesis = session_synthesis(config)
    except SynthesisFailed:
        return [], [], default_region
    stacks = list(synthesis.stacks)
    outputs = [name for stack in synthesis.stacks.values() for name in (stack.config.get("output") or {})]
    region = _region(next(iter(synthesis.stacks.values())).config, default_region) if stacks else default_region
    return stacks, outputs, region


def _region(config: dict[str, Any], default: str) -> str:
    blocks = (config.get("provider") or {}).get("aws") or [{}]
    block = blocks[0] if isinstance(blocks, list) else blocks
    region = block.get("region") if isinstance(block, dict) else None
    return region if isinstance(region, str) and region and not is_expression(region) else default


class DeploymentSession(Teardown):
    """Deploys one stack (local or aws target) and tears it down exactly once (``Teardown``)."""

    def __init__(self, config: pytest.Config, settings: DeploySettings) -> None:
        super().__init__(Output(config), settings)
        self.config = config
        self._began = 0.0
        self.module_entry: Any = None  # the EntrySpec when the entry is a Terraform module

    def deploy(self) -> Deployment:
        stack_path, config = self._stack()
        if self.settings.target == "aws":
            self._check_account(_region(config, "us-east-1"))
        tf, mirror = self._tools(config)
        self._install_sigterm()
        try:
            return self._deploy(stack_path, config, tf, mirror)
        except DeployError as exc:
            message = str(exc)
        except BaseException:
            self.teardown()
            raise
        self.teardown()
        pytest.fail(message, pytrace=False)

    def _stack(self) -> tuple[Path, dict[str, Any]]:
        from pytest_iac.synthesis.session import SynthesisFailed, session_synthesis

        try:
            synthesis = session_synthesis(self.config)
        except SynthesisFailed as exc:
            message = f"cannot deploy: the stack did not synthesize: {exc}"
        else:
            if len(synthesis.stacks) == 1:
                (name, stack), = synthesis.stacks.items()
                self.stack = name
                if getattr(synthesis, "module_dir", None) is not None:  # a Terraform module's plan
                    from pytest_iac.state import STATE

                    self.module_entry = self.config.stash[STATE].settings.entry
                return stack.path, stack.config
            message = (f"iac_deployment deploys one stack, and the app has {len(synthesis.stacks)}: "
                       f"{', '.join(synthesis.stacks)}; synthesize one stack per session for integration tests")
        pytest.fail(message, pytrace=False)

    def _tools(self, config: dict[str, Any]) -> tuple[Any, Any]:
        """terraform, the provider mirror and (local target) moto, or skip: what is missing and where
        it was looked for. Under --iac-strict a missing piece fails instead."""
        from pytest_iac.terraform.binary import find_terraform
        from pytest_iac.terraform.errors import TerraformError, TerraformUnavailable
        from pytest_iac.terraform.mirror import find_mirror, required_providers
        from pytest_iac.deploy.moto_server import moto_missing

        try:
            tf = find_terraform(self.settings.terraform, origin="PYTEST_IAC_TERRAFORM")
            mirror = find_mirror(required_providers(config), platform=tf.platform,
                                 plugin_dir=self.settings.plugin_dir)
        except (TerraformUnavailable, TerraformError) as exc:
            reason = f"integration tests need terraform: {exc}"
        else:
            missing = moto_missing() if self.settings.target == "local" else None
            if missing is None:
                return tf, mirror
            reason = f"integration tests need a local AWS endpoint: {missing}"
        if self.settings.strict:
            pytest.fail(f"{reason} (--iac-strict: fails instead of skipping)", pytrace=False)
        pytest.skip(reason)

    def _deploy(self, stack_path: Path, config: dict[str, Any], tf: Any, mirror: Any) -> Deployment:
        from pytest_iac.deploy.moto_server import MotoServer, MotoUnavailable

        self._began = time.monotonic()
        self.root = rundirs.make("deploy")
        self.paths = construct_paths(config)
        local = self.settings.target == "local"
        region = _region(config, "us-east-1")
        endpoint = None
        if local:
            try:
                self.moto = MotoServer.start(self.root, keep=self.settings.keep)
            except MotoUnavailable as exc:
                message = f"integration tests need a local AWS endpoint: {exc}"
                if self.settings.strict:
                    pytest.fail(message, pytrace=False)
                pytest.skip(message)
            endpoint = self.moto.url
            self.timings["endpoint"] = time.monotonic() - self._began
            where = f"moto {self.moto.version} at {endpoint} (pid {self.moto.pid})"
        else:
            where = f"AWS account {self.settings.account_id} in {region}"
        self.where = where
        override = override_config(config, endpoint=endpoint, allowed_account=self.settings.account_id)
        if self.module_entry is not None:
            from pytest_iac.deploy.module_workspace import ModuleWorkspace

            self.workspace = ModuleWorkspace(tf.path, self.module_entry, self.root, override, local=local,
                                             region=region)
        else:
            self.workspace = TerraformWorkspace(tf.path, stack_path, self.root, override, local=local)
        count = sum(len(v) for v in (config.get("resource") or {}).values())
        self.out.line(f"{PREFIX}: stack {self.stack} ({plural(count, 'resource')}) -> {where}")
        self.timings["init"] = self.workspace.init(mirror.dirs)
        run = self.workspace.apply(self._progress(time.monotonic()))
        self.timings["apply"] = run.seconds
        if not run.ok:
            self._apply_failed(run)
        tf_state = self.workspace.state()
        outputs, state = state_outputs(tf_state), state_resources(tf_state)
        created = sum(1 for _, action, _ in run.completed if action == "create")
        self.out.line(f"{PREFIX}: applied {self.stack}: {created} created in {run.seconds:.1f}s "
                  f"(init {self.timings['init']:.1f}s), {len(outputs)} outputs")
        return Deployment(
            target=self.settings.target, stack=self.stack, outputs=outputs, region=region, endpoint_url=endpoint,
            account_id=LOCAL_ACCOUNT if local else self.settings.account_id, state=state,
            construct_paths={path: address for address, path in self.paths.items()},
            workdir=self.workspace.dir, timings=self.timings,
        )

    def _check_account(self, region: str) -> None:
        """The credentials in the environment must belong to the confirmed account."""
        try:
            import boto3

            account = boto3.client("sts", region_name=region).get_caller_identity()["Account"]
        except Exception as exc:  # no credentials, no network, no boto3
            account, message = None, (f"refusing to deploy to AWS account {self.settings.account_id}: cannot tell "
                                      "which account the environment's credentials belong to "
                                      f"({type(exc).__name__}: {exc})")
        else:
            message = (f"refusing to deploy: the environment's AWS credentials belong to account {account}, "
                       f"not to {self.settings.account_id} (deployment.account_id, --iac-aws-account)")
        if account != self.settings.account_id:
            pytest.fail(message, pytrace=False)

    def _apply_failed(self, run: Run) -> None:
        assert self.workspace is not None
        lines = [f"terraform apply of stack {self.stack} failed against {self.where}"
                 + (" (interrupted)" if run.interrupted else "") + ":"]
        lines += ["  " + line for line in describe_diagnostics(run.errors, self.workspace.config_text, self.paths,
                                                               run.errored)]
        if not run.errors:
            lines.append("  " + (run.stderr.strip().splitlines() or [f"exit status {run.returncode}"])[-1])
        created = [a for a, action, _ in run.completed if action == "create"]
        left = self.teardown()
        if created:
            fate = ("kept (--iac-keep-deployment)" if self.settings.keep else
                    "gone with the stopped local endpoint" if not self.settings.destroys else
                    "destroyed again" if not left else f"NOT all destroyed; left: {', '.join(left)}")
            lines.append(f"{plural(len(created), 'resource')} created before the failure, {fate}")
        pytest.fail("\n".join(lines), pytrace=False)
