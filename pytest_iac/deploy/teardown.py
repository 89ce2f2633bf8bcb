"""The half of a deployment session that undoes it, exactly once: destroy (a real account always;
moto, whose state dies with it, only with ``--iac-destroy``; nothing when kept), stop every
process, remove the temp dir; and SIGTERM, turned into ``Terminated`` (a
``KeyboardInterrupt``) while the deployment exists, so the session stops as after Ctrl-C and
still tears down. A destroy that fails is reported loudly with what is left and how to destroy it.
"""

from __future__ import annotations

import shutil
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pytest_iac import rundirs
from pytest_iac.deploy.apply import DeployError, TerraformWorkspace, state_resources
from pytest_iac.deploy.destroy_script import write_destroy_script
from pytest_iac.deploy.diagnostics import base_address, describe_diagnostics, named
from pytest_iac.deploy.options import DeploySettings
from pytest_iac._text import plural
from pytest_iac.deploy.progress import PREFIX, Output, apply_progress

__all__ = ["Teardown", "Terminated"]


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived while a deployment existed: the session stops as after Ctrl-C, and tears down."""


class Teardown:
    """What a deployment has made so far (temp dir, local endpoint, terraform workspace) and how
    to undo it. ``DeploymentSession`` fills it in as it deploys."""

    def __init__(self, out: Output, settings: DeploySettings) -> None:
        self.out, self.settings = out, settings
        self.root: Path | None = None
        self.moto: Any = None  # MotoServer
        self.workspace: TerraformWorkspace | None = None
        self.stack = ""
        self.where = ""
        self.paths: dict[str, str] = {}  # address -> construct path
        self.timings: dict[str, float] = {}
        self.finished = False
        self.tearing_down = False
        self.keep_dir = False
        self.signals: list[int] = []
        self._previous_handler: Any = None

    def _progress(self, began: float) -> Callable[[dict[str, Any]], None]:
        return apply_progress(self.out, self.paths, began)

    def finish(self, session: pytest.Session) -> None:
        """The fixture's finalizer: tear down, and fail the last test when the destroy failed
        (only while the run loop is going; after an interrupt the loud report is all)."""
        left = self.teardown()
        if left and session.exitstatus == 0:
            pytest.fail(f"destroying stack {self.stack} failed; left: {', '.join(left)}", pytrace=False)

    def teardown(self) -> list[str]:
        """Destroy (when ``settings.destroys``, unless kept), stop every process, remove the temp dir;
        exactly once. Returns what the destroy left (addresses), [] when all is gone or kept."""
        if self.finished:
            return []
        self.finished, self.tearing_down = True, True
        left: list[str] = []
        try:
            if self.settings.keep and self.workspace is not None:
                self._keep()
                return []
            if self.workspace is not None and self.settings.destroys:
                left = self._destroy()
            elif self.workspace is not None and self.moto is not None:
                self.out.line(f"{PREFIX}: stopped {self.where} without destroying {self.stack}: its state lived "
                              "in moto's memory (--iac-destroy runs terraform destroy first)")
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
            self.out.line(f"{PREFIX}: destroyed {self.stack}: {plural(gone, 'resource')} in {run.seconds:.1f}s")
            return []
        lines = [f"stack {self.stack} at {self.where}: {plural(len(left), 'resource')} left after "
                 + ("an interrupted destroy" if interrupted or (run and run.interrupted) else "terraform destroy"),
                 *(f"  {named(address, self.paths.get(base_address(address)))}" for address in left)]
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
        return write_destroy_script(self.root, self.workspace.terraform,
                                    self.moto.pid if self.moto is not None else None)

    def _stop(self, *, keep: bool) -> None:
        if self.moto is not None and not keep:
            self.moto.stop()
        if self.root is not None and not self.keep_dir:
            shutil.rmtree(self.root, ignore_errors=True)
        elif self.root is not None:
            rundirs.keep(self.root)  # holds the state its destroy script needs: never swept

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
