"""terraform apply / output / show / destroy of a synthesized stack, in a private working copy.

The user's ``cdk.tf.json`` is copied, never edited; an override file (``zz_pytest_iac_override.tf.json``)
next to the copy sets a local backend and, for the local target, the provider's endpoints,
``skip_*`` flags, dummy keys and path-style S3. ``init`` is offline (``-plugin-dir`` on the mirror
that ``pytest_iac.terraform.mirror`` finds). ``apply``/``destroy`` run with ``-json`` and each message is
passed on as it arrives, so progress can be shown per resource.

The AWS provider spends seconds of CPU building its schema every time terraform asks for it
(several times per command; a provider process shared through ``TF_REATTACH_PROVIDERS`` was
measured to rebuild it on each request too), so the fewest commands run: outputs and state are
read from the local state file (format version 4) rather than by ``terraform show -json``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_iac.deploy.endpoints import endpoint_services
from pytest_iac.terraform.errors import TerraformError, TerraformUnavailable
from pytest_iac.terraform import process
from pytest_iac.terraform.process import tail_file, tail_lines
from pytest_iac.terraform.workdir import CONFIG_FILE, private_cli_config, terraform_env, working_copy

__all__ = ["CONFIG_FILE", "OVERRIDE_FILE", "DeployError", "Run", "TerraformWorkspace", "override_config", "state_outputs", "state_resources"]

OVERRIDE_FILE = "zz_pytest_iac_override.tf.json"
STATE_FILE = "terraform.tfstate"
DUMMY_KEY = "testing"
INIT_TIMEOUT, APPLY_TIMEOUT, SHOW_TIMEOUT = 300.0, 3600.0, 300.0
# credentials and settings of a real account that must not reach a local deployment
_AWS_DROPPED_LOCAL = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                      "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CA_BUNDLE", "AWS_ENDPOINT_URL",
                      "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")


class DeployError(Exception):
    """terraform could not do what the deployment needs; the message is ready for the user."""


def override_config(config: Mapping[str, Any], *, endpoint: str | None,
                    allowed_account: str | None = None, offline: bool = False) -> dict[str, Any]:
    """The override file's content: local state, and for a local endpoint every AWS provider
    configuration (aliases too) pointed at it with dummy keys; ``offline`` (a plan that calls no
    endpoint): the dummy keys and skipped account checks without endpoints."""
    override: dict[str, Any] = {"terraform": {"backend": {"local": {"path": STATE_FILE}}}}
    blocks = (config.get("provider") or {}).get("aws") or [{}]
    blocks = blocks if isinstance(blocks, list) else [blocks]
    services, _ = endpoint_services(config)
    aws = []
    for block in blocks:
        settings: dict[str, Any] = {"alias": block["alias"]} if isinstance(block, dict) and block.get("alias") else {}
        if endpoint is not None or offline:
            settings.update(
                access_key=DUMMY_KEY, secret_key=DUMMY_KEY, skip_credentials_validation=True,
                skip_requesting_account_id=True, skip_metadata_api_check=True, s3_use_path_style=True,
            )
        if endpoint is not None:
            settings["endpoints"] = [{service: endpoint for service in services}]
        if allowed_account is not None:
            settings["allowed_account_ids"] = [allowed_account]
        aws.append(settings)
    if endpoint is not None or allowed_account is not None or offline:
        override["provider"] = {"aws": aws}
    return override


@dataclass
class Run:
    """One streamed terraform command."""

    command: str
    returncode: int = 0
    seconds: float = 0.0
    diagnostics: list[dict[str, Any]] = field(default_factory=list)
    completed: list[tuple[str, str, float]] = field(default_factory=list)  # address, action, seconds
    errored: list[str] = field(default_factory=list)
    summary: str = ""
    stderr: str = ""
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.interrupted

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [d for d in self.diagnostics if d.get("severity") == "error"]


class TerraformWorkspace:
    """A private working copy of one stack, and the terraform commands run in it."""

    def __init__(self, terraform: str, stack_config: Path, root: Path, override: Mapping[str, Any], *,
                 local: bool) -> None:
        self.terraform = terraform
        self.root = root
        self.dir = root / "stack"
        self.dir.mkdir(parents=True)
        self.config_text = stack_config.read_text(encoding="utf-8")
        working_copy(self.config_text, stack_config.parent, self.dir)
        (self.dir / OVERRIDE_FILE).write_text(json.dumps(override, indent=2) + "\n", encoding="utf-8")
        self.cli_config = private_cli_config(root / "terraform.tfrc")
        self.env = _env(self.cli_config, local=local)

    # -- commands ------------------------------------------------------------------------------

    def init(self, plugin_dirs: Sequence[Path]) -> float:
        began = time.monotonic()
        cmd = [self.terraform, "init", "-input=false", "-no-color", *(f"-plugin-dir={d}" for d in plugin_dirs)]
        out = self._run(cmd, INIT_TIMEOUT, "terraform init")
        if out.returncode != 0:
            raise DeployError(f"terraform init failed (exit {out.returncode}) in {self.dir}:\n"
                              f"{tail_lines(out.stdout + out.stderr)}")
        return time.monotonic() - began

    def apply(self, on_event: Callable[[dict[str, Any]], None], *, destroy: bool = False,
              timeout: float = APPLY_TIMEOUT) -> Run:
        command = "destroy" if destroy else "apply"
        args = [command, "-json", "-auto-approve", "-input=false", "-no-color", "-parallelism=20"]
        return self._stream(args, on_event, timeout, command)

    def state(self) -> dict[str, Any]:
        """The local state file (``{}`` before the first apply); another format: ``terraform show``'s."""
        path = self.dir / STATE_FILE
        if not path.exists():
            return {}
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
        if data.get("version") == 4:
            return data
        out = self._run([self.terraform, "show", "-json", "-no-color"], SHOW_TIMEOUT, "terraform show")
        if out.returncode != 0:
            raise DeployError(f"terraform show failed (exit {out.returncode}):\n{tail_lines(out.stderr)}")
        return {"show": json.loads(out.stdout or "{}")}

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # -- processes -----------------------------------------------------------------------------

    def _run(self, cmd: list[str], timeout: float, what: str) -> subprocess.CompletedProcess[str]:
        try:
            return process.run(cmd, cwd=self.dir, env=self.env, timeout=timeout, what=what, check=False)
        except (TerraformError, TerraformUnavailable) as exc:
            raise DeployError(str(exc)) from None

    def _stream(self, args: list[str], on_event: Callable[[dict[str, Any]], None], timeout: float,
                command: str) -> Run:
        """Not ``process.run``: ``apply``/``destroy`` are read message by message while they run,
        and an interrupt lets terraform finish its calls and save the state before it is killed."""
        run = Run(command)
        stderr_path = self.root / f"{command}.stderr"
        began = time.monotonic()
        with open(stderr_path, "wb") as err:
            proc = subprocess.Popen([self.terraform, *args], cwd=self.dir, env=self.env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=err, text=True, start_new_session=True)
        timer = threading.Timer(timeout, _kill_group, (proc, run))
        timer.start()
        try:
            self._read(proc, run, on_event)
        except BaseException:  # KeyboardInterrupt, SIGTERM: let terraform stop cleanly and save its state
            run.interrupted = True
            self._interrupt(proc, run, on_event)
            raise
        finally:
            timer.cancel()
            run.returncode = proc.wait()
            run.seconds = time.monotonic() - began
            run.stderr = tail_file(stderr_path, 40)
        return run

    @staticmethod
    def _read(proc: subprocess.Popen[str], run: Run, on_event: Callable[[dict[str, Any]], None]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            kind, hook = message.get("type"), message.get("hook") or {}
            address = (hook.get("resource") or {}).get("addr")
            if kind == "diagnostic":
                run.diagnostics.append(message.get("diagnostic") or {})
            elif kind == "apply_complete" and address:
                run.completed.append((address, hook.get("action", ""), float(hook.get("elapsed_seconds") or 0)))
            elif kind == "apply_errored" and address:
                run.errored.append(address)
            elif kind == "change_summary":
                run.summary = message.get("@message", "")
            on_event(message)

    def _interrupt(self, proc: subprocess.Popen[str], run: Run, on_event: Callable[[dict[str, Any]], None]) -> None:
        """SIGINT: terraform finishes the calls in flight and writes its state; then drain its output."""
        try:
            os.killpg(proc.pid, signal.SIGINT)
        except (ProcessLookupError, PermissionError):
            return
        killer = threading.Timer(120.0, _kill_group, (proc, run))
        killer.start()
        try:
            self._read(proc, run, on_event)
        except BaseException:  # a second interrupt: stop now
            _kill_group(proc, run)
        finally:
            killer.cancel()


def _kill_group(proc: subprocess.Popen[str], run: Run) -> None:
    run.interrupted = True
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def state_resources(state: Mapping[str, Any], *, managed_only: bool = False) -> dict[str, dict[str, Any]]:
    """Address -> attributes of every resource instance (and data source) in a state."""
    if "show" in state:  # terraform show -json
        found: dict[str, dict[str, Any]] = {}
        pending = [((state["show"].get("values") or {}).get("root_module") or {})]
        while pending:
            module = pending.pop()
            for resource in module.get("resources") or ():
                if not managed_only or resource.get("mode") == "managed":
                    found[resource["address"]] = dict(resource.get("values") or {})
            pending.extend(module.get("child_modules") or ())
        return found
    found = {}
    for resource in state.get("resources") or ():
        mode = resource.get("mode")
        if managed_only and mode != "managed":
            continue
        base = (resource["module"] + "." if resource.get("module") else "") + ("data." if mode == "data" else "")
        base += f"{resource['type']}.{resource['name']}"
        for instance in resource.get("instances") or ():
            key = instance.get("index_key")
            suffix = "" if key is None else f"[{json.dumps(key)}]" if isinstance(key, str) else f"[{key}]"
            found[base + suffix] = dict(instance.get("attributes") or {})
    return found


def state_outputs(state: Mapping[str, Any]) -> dict[str, Any]:
    if "show" in state:
        outputs = (state["show"].get("values") or {}).get("outputs") or {}
    else:
        outputs = state.get("outputs") or {}
    return {name: entry.get("value") for name, entry in outputs.items()}


def _env(cli_config: Path, *, local: bool) -> dict[str, str]:
    env = terraform_env(cli_config)
    if local:
        for name in _AWS_DROPPED_LOCAL:
            env.pop(name, None)
        env.update(AWS_ACCESS_KEY_ID=DUMMY_KEY, AWS_SECRET_ACCESS_KEY=DUMMY_KEY, AWS_EC2_METADATA_DISABLED="true")
    return env

