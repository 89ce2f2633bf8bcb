"""The session's deployment, from start to guaranteed teardown.

``session_deployment(request)`` is what the ``iac_deployment`` fixture returns. For the local
target it starts moto, applies the stack in a private working copy and registers the teardown:
destroy, stop moto, remove the temp dir. The teardown runs after failing tests,
errors, ``KeyboardInterrupt`` and SIGTERM (turned into ``Terminated``, a ``KeyboardInterrupt``,
while the deployment exists); a destroy that fails is reported loudly with what is left.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest

from pytest_iac.deploy.apply import (CONFIG_FILE, DeployError, Run, TerraformWorkspace, override_config,
                                     state_outputs, state_resources)
from pytest_iac.deploy.deployment import LOCAL_ACCOUNT, Deployment
from pytest_iac.deploy.options import DeployRefused, DeploySettings, deploy_settings
from pytest_iac.terraform.expressions import is_expression

__all__ = ["DeploymentSession", "Terminated", "session_deployment"]

PREFIX = "iac deploy"


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived while a deployment existed: the session stops as after Ctrl-C, and tears down."""


class Output:
    """Progress lines on the terminal (not under ``-q``), loud sections always."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.quiet = config.getoption("verbose", 0) < 0

    def line(self, text: str, *, loud: bool = False, **markup: bool) -> None:
        if self.quiet and not loud:
            return
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        capman = self.config.pluginmanager.get_plugin("capturemanager")
        with capman.global_and_fixture_disabled() if capman is not None else nullcontext():
            if reporter is None:
                sys.stderr.write(text + "\n")
                sys.stderr.flush()
            else:
                _newline(reporter)
                reporter.write_line(text, **markup)

    def section(self, title: str, lines: list[str]) -> None:
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        capman = self.config.pluginmanager.get_plugin("capturemanager")
        with capman.global_and_fixture_disabled() if capman is not None else nullcontext():
            if reporter is None:
                sys.stderr.write("\n".join([f"!!! {title} !!!", *lines]) + "\n")
                return
            _newline(reporter)
            reporter.write_sep("!", title, red=True, bold=True)
            for text in lines:
                reporter.write_line(text, red=True)


def _newline(reporter: Any) -> None:
    """Start a new line, also after the progress dots (which ``ensure_newline`` does not know of)."""
    reporter.ensure_newline()
    if getattr(getattr(reporter, "_tw", None), "width_of_current_line", 0):
        reporter.write("\n")


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

    default_region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    if config.stash[STATE].settings.entry is None:
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


class DeploymentSession:
    """Deploys one stack (local or aws target) and tears it down exactly once."""

    def __init__(self, config: pytest.Config, settings: DeploySettings) -> None:
        self.config, self.settings = config, settings
        self.out = Output(config)
        self.root: Path | None = None
        self.moto: Any = None  # MotoServer
        self.workspace: TerraformWorkspace | None = None
        self.stack = ""
        self.paths: dict[str, str] = {}  # address -> construct path
        self.timings: dict[str, float] = {}
        self.finished = False
        self.tearing_down = False
        self.signals: list[int] = []
        self._previous_handler: Any = None
        self._began = 0.0
        self.where = ""
        self.keep_dir = False

    # -- deploy ---------------------------------------------------------------------------------

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
            tf = find_terraform()
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
        self.root = Path(tempfile.mkdtemp(prefix="pytest-iac-deploy-"))
        self.paths = _construct_paths(config)
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
        self.workspace = TerraformWorkspace(tf.path, stack_path, self.root, override, local=local)
        count = sum(len(v) for v in (config.get("resource") or {}).values())
        self._say(f"{PREFIX}: stack {self.stack} ({_n(count, 'resource')}) -> {where}")
        self.timings["init"] = self.workspace.init(mirror.dirs)
        run = self.workspace.apply(self._progress(time.monotonic()))
        self.timings["apply"] = run.seconds
        if not run.ok:
            self._apply_failed(run)
        tf_state = self.workspace.state()
        outputs, state = state_outputs(tf_state), state_resources(tf_state)
        created = sum(1 for _, action, _ in run.completed if action == "create")
        self._say(f"{PREFIX}: applied {self.stack}: {created} created in {run.seconds:.1f}s "
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
            fate = ("kept (--iac-keep-deployment)" if self.settings.keep else "destroyed again" if not left else
                    f"NOT all destroyed; left: {', '.join(left)}")
            lines.append(f"{_n(len(created), 'resource')} created before the failure, {fate}")
        pytest.fail("\n".join(lines), pytrace=False)

    # -- progress -------------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.out.line(text)

    def _progress(self, began: float) -> Callable[[dict[str, Any]], None]:
        verbs = {"create": "created", "delete": "destroyed", "update": "updated", "replace": "replaced"}
        marks = {"create": "+", "delete": "-", "update": "~", "replace": "±"}

        def on_event(message: dict[str, Any]) -> None:
            kind = message.get("type")
            hook = message.get("hook") or {}
            address = (hook.get("resource") or {}).get("addr", "")
            action = hook.get("action", "")
            stamp = f"{PREFIX} [{time.monotonic() - began:6.1f}s]"
            path = self.paths.get(_base_address(address))
            named = f"{address} ({path})" if path else address
            if kind == "apply_complete" and action in verbs:
                self._say(f"{stamp} {marks[action]} {named} {verbs[action]} in {hook.get('elapsed_seconds', 0)}s")
            elif kind == "apply_errored":
                self.out.line(f"{stamp} ! {named} failed after {hook.get('elapsed_seconds', 0)}s", red=True)
            elif kind == "change_summary" and message.get("changes", {}).get("operation") == "plan":
                self._say(f"{stamp} {message.get('@message', '')}")

        return on_event

    # -- teardown -------------------------------------------------------------------------------

    def finish(self, session: pytest.Session) -> None:
        """The fixture's finalizer: tear down, and fail the last test when the destroy failed
        (only while the run loop is going; after an interrupt the loud report is all)."""
        left = self.teardown()
        if left and session.exitstatus == 0:
            pytest.fail(f"destroying stack {self.stack} failed; left: {', '.join(left)}", pytrace=False)

    def teardown(self) -> list[str]:
        """Destroy (unless kept), stop every process, remove the temp dir; exactly once. Returns what
        the destroy left (addresses), [] when all is gone or kept."""
        if self.finished:
            return []
        self.finished, self.tearing_down = True, True
        left: list[str] = []
        try:
            if self.settings.keep and self.workspace is not None:
                self._keep()
                return []
            if self.workspace is not None:
                left = self._destroy()
        finally:
            self._stop(keep=self.settings.keep and self.workspace is not None)
            self._restore_sigterm()
        return left

    def _destroy(self) -> list[str]:
        assert self.workspace is not None
        if not self._left():
            return []
        interrupted: BaseException | None = None
        try:
            run = self.workspace.apply(self._progress(time.monotonic()), destroy=True)
        except BaseException as exc:  # a second Ctrl-C during the destroy
            interrupted, run = exc, None
        left = self._left()
        if run is not None:
            self.timings["destroy"] = run.seconds
        if run is not None and run.ok and not left:
            gone = sum(1 for _, action, _ in run.completed if action == "delete")
            self._say(f"{PREFIX}: destroyed {self.stack}: {_n(gone, 'resource')} in {run.seconds:.1f}s")
            return []
        lines = [f"stack {self.stack} at {self.where}: {_n(len(left), 'resource')} left after "
                 + ("an interrupted destroy" if interrupted or (run and run.interrupted) else "terraform destroy"),
                 *(f"  {address}" + (f" ({self.paths[a]})" if (a := _base_address(address)) in self.paths else "")
                   for address in left)]
        if run is not None:
            lines += ["  " + line for line in describe_diagnostics(run.errors, self.workspace.config_text, self.paths,
                                                                   run.errored)]
        if self.moto is not None and not self.settings.keep:
            lines.append("The local endpoint is stopped now, and with it everything left in it.")
        else:
            self.keep_dir = True
            lines.append(f"The state is kept in {self.workspace.dir}; destroy what is left with: "
                         f"bash {self._write_destroy_script()}")
        self.out.section(f"{PREFIX}: DESTROY FAILED", lines)
        if interrupted is not None:
            raise interrupted
        return left or ["(terraform destroy failed)"]

    def _left(self) -> list[str]:
        assert self.workspace is not None
        try:
            return sorted(state_resources(self.workspace.state(), managed_only=True))
        except (OSError, ValueError, DeployError) as exc:
            return [f"(the state could not be read: {exc})"]

    def _keep(self) -> None:
        assert self.workspace is not None and self.root is not None
        self.keep_dir = True
        script = self._write_destroy_script()
        lines = [f"{PREFIX}: kept stack {self.stack} deployed (--iac-keep-deployment) at {self.where}",
                 f"  terraform work dir: {self.workspace.dir}",
                 f"  destroy it{' and stop the endpoint' if self.moto else ''}: bash {script}"]
        for text in lines:
            self.out.line(text, loud=True, yellow=True)

    def _write_destroy_script(self) -> Path:
        assert self.workspace is not None and self.root is not None
        script = self.root / "destroy.sh"
        env = "CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=../terraform.tfrc"
        if self.moto is not None:
            env += " AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing"
        stop = f"kill -- -{self.moto.pid} 2>/dev/null\n" if self.moto is not None else ""
        script.write_text(
            "#!/usr/bin/env bash\n# written by pytest-iac: destroy the kept deployment"
            + (", stop its local endpoint" if self.moto else "") + ", remove this directory\n"
            f'cd "$(dirname "$0")/stack" || exit 1\n'
            f"{env} {_quote(self.workspace.terraform)} destroy -auto-approve -input=false\n"
            "status=$?\n" + stop
            + 'if [ "$status" -eq 0 ]; then rm -rf "$(cd .. && pwd)"; fi\nexit "$status"\n',
            encoding="utf-8")
        script.chmod(0o755)
        return script

    def _stop(self, *, keep: bool) -> None:
        if self.moto is not None and not keep:
            self.moto.stop()
        if self.root is not None and not self.keep_dir:
            shutil.rmtree(self.root, ignore_errors=True)

    # -- SIGTERM --------------------------------------------------------------------------------

    def _install_sigterm(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        self._previous_handler = signal.signal(signal.SIGTERM, self._on_sigterm)

    def _on_sigterm(self, signum: int, frame: Any) -> None:
        self.signals.append(signum)
        if self.tearing_down:
            self.out.line(f"{PREFIX}: SIGTERM during teardown: finishing the teardown first", loud=True)
            return
        raise Terminated(f"SIGTERM: stopping the session, then tearing down the deployment of {self.stack}")

    def _restore_sigterm(self) -> None:
        if self._previous_handler is not None and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self._previous_handler)
            self._previous_handler = None


# -- diagnostics -------------------------------------------------------------------------------

_NOISE = re.compile(r"(https response error StatusCode: \d+, )?(RequestID|HostID): [^,]*, ")


def describe_diagnostics(diagnostics: list[dict[str, Any]], config_text: str, paths: dict[str, str],
                         errored: Sequence[str] = ()) -> list[str]:
    """terraform's error diagnostics as lines: address (construct path), cdk.tf.json line, message.

    A destroy's diagnostics carry no address; when one resource failed (``errored``), it is that one."""
    from pytest_iac.terraform.diagnostics import parse_diagnostics

    lines = []
    only = errored[0] if len(set(errored)) == 1 else None
    for diag in parse_diagnostics({"diagnostics": diagnostics}, config_text):
        where = []
        address = diag.address or (only if not diag.context else None)
        if address:
            path = paths.get(_base_address(address))
            where.append(f"{address} ({path})" if path else address)
        elif diag.context:
            where.append(diag.context)
        if diag.line:
            where.append(f"{CONFIG_FILE}:{diag.line}")
        text = _NOISE.sub("", diag.summary) + (f": {diag.detail}" if diag.detail else "")
        lines.append(f"{', '.join(where)}: {text}" if where else text)
    return lines


def _construct_paths(config: dict[str, Any]) -> dict[str, str]:
    paths = {}
    for section, prefix in (("resource", ""), ("data", "data.")):
        for rtype, named in (config.get(section) or {}).items():
            for name, body in (named or {}).items():
                path = ((body or {}).get("//") or {}).get("metadata", {}).get("path") if isinstance(body, dict) else None
                if path:
                    paths[f"{prefix}{rtype}.{name}"] = path
    return paths


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _base_address(address: str) -> str:
    return re.sub(r"(\[[^\]]*\])+$", "", address)


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)
