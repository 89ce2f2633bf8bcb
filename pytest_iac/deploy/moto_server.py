"""The local AWS endpoint: a moto server on a free loopback port, for one test session.

moto runs in its own process group (stopped as a group) with AWS managed IAM policies loaded
(``MOTO_IAM_LOAD_MANAGED_POLICIES=true``), so stacks that attach e.g.
``service-role/AWSLambdaVPCAccessExecutionRole`` apply as they would on AWS. Unless the
deployment is to be kept, a watchdog thread in the server ends it when pytest is gone.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from pytest_iac.deploy._process import pid_alive, spawn
from pytest_iac.terraform.process import stop_group, tail_file

__all__ = ["MotoServer", "MotoUnavailable", "moto_missing"]

START_TIMEOUT = 60.0
# argv: parent pid (0: no watchdog), then moto.server's own arguments
_BOOT = """
import os, sys, threading, time
parent = int(sys.argv[1])
def watch():
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)
if parent:
    threading.Thread(target=watch, daemon=True).start()
from moto.server import main
main(sys.argv[2:])
"""


class MotoUnavailable(Exception):
    """moto server cannot run here; the message is a skip reason."""


def moto_missing() -> str | None:
    """Why moto server cannot start in this environment, or None."""
    missing = [name for name in ("moto", "flask", "flask_cors", "werkzeug")
               if importlib.util.find_spec(name) is None]
    if missing:
        return (f"moto server is not installed ({', '.join(missing)} missing); "
                "install it with: pip install 'moto[server]'")
    return None


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("moto")
    except Exception:  # pragma: no cover - metadata missing
        return "?"


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass
class MotoServer:
    host: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    version: str = field(default_factory=_version)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    @classmethod
    def start(cls, log_dir: Path, *, host: str = "127.0.0.1", keep: bool = False,
              timeout: float = START_TIMEOUT) -> MotoServer:
        """Start the server and wait until it answers. ``keep``: no watchdog, so the server
        survives this process (the user stops it, as the keep message says)."""
        reason = moto_missing()
        if reason:
            raise MotoUnavailable(reason)
        env = {k: v for k, v in os.environ.items() if not k.startswith("MOTO_")}
        env.update(MOTO_IAM_LOAD_MANAGED_POLICIES="true", PYTHONUNBUFFERED="1")
        last_error = ""
        for attempt in range(3):  # the free port may be taken between probing and binding
            port = free_port(host)
            log = log_dir / f"moto-{port}.log"
            cmd = [sys.executable, "-c", _BOOT, "0" if keep else str(os.getpid()), "-H", host, "-p", str(port)]
            env["MOTO_PORT"] = str(port)
            server = cls(host, port, spawn(cmd, env=env, log=log), log)
            error = server._wait_ready(timeout)
            if error is None:
                return server
            server.stop()
            last_error = error
            if "in use" not in error.lower():
                break
        raise MotoUnavailable(f"moto server did not start: {last_error}")

    def _wait_ready(self, timeout: float) -> str | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return f"exited with status {self.process.returncode}:\n{tail_file(self.log)}"
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=2) as response:
                    if response.status == 200:
                        return None
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.1)
        return f"no answer on {self.url} after {timeout:g} s:\n{tail_file(self.log)}"

    @property
    def alive(self) -> bool:
        return self.process.poll() is None and pid_alive(self.pid)

    def stop(self) -> None:
        """Stop the server and everything in its process group. Never raises."""
        stop_group(self.process)
