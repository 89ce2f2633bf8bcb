"""The process's role in the run, decided once in ``pytest_configure``: the only process, the
xdist controller, or an xdist worker (pytest-cov's ``Central``/``DistMaster``/``DistWorker``).

Code that behaves differently per role asks ``role(config)``; nothing else looks at
``config.workerinput``. xdist itself is never imported: a worker is recognised by the
``workerinput`` xdist gives it, a controller by the distribution options xdist has resolved
by then (``--dist`` and ``--tx``, which ``-n`` fills in), and results travel as JSON-safe data
through ``config.workeroutput``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

__all__ = ["ROLE", "Controller", "Role", "Single", "Worker", "decide_role", "role"]


class Role:
    """What this process does. ``runs_tests``: it collects and runs the tests (so it
    synthesizes and measures line coverage). ``decides``: it gathers every process's evidence,
    decides the verdict, writes the reports, and does what is done once per run."""

    name: ClassVar[str]
    runs_tests: ClassVar[bool]
    decides: ClassVar[bool]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} role>"


class Single(Role):
    """The only process: it runs the tests and decides."""

    name, runs_tests, decides = "single", True, True


class Controller(Role):
    """The xdist controller: runs no tests; decides from what the workers send."""

    name, runs_tests, decides = "controller", False, True

    def received(self, node: Any, key: str) -> Any | None:
        """What the worker behind ``node`` sent under ``key`` (None when it sent nothing)."""
        return getattr(node, "workeroutput", {}).get(key)


class Worker(Role):
    """An xdist worker: runs its share of the tests and sends its evidence to the controller."""

    name, runs_tests, decides = "worker", True, False

    def __init__(self, config: pytest.Config) -> None:
        self._config = config
        workerinput: dict[str, Any] = config.workerinput  # type: ignore[attr-defined]
        self.id: str = workerinput.get("workerid", "?")

    def given(self, key: str) -> Any | None:
        """What the controller put into this worker's ``workerinput`` under ``key``."""
        return self._config.workerinput.get(key)  # type: ignore[attr-defined]

    def send(self, key: str, data: Any) -> None:
        """Hand JSON-safe ``data`` to the controller (xdist delivers it when the worker ends)."""
        self._config.workeroutput[key] = data  # type: ignore[attr-defined]


def decide_role(config: pytest.Config) -> Role:
    if hasattr(config, "workerinput"):
        return Worker(config)
    option = config.option
    distributing = getattr(option, "dist", "no") != "no" and bool(getattr(option, "tx", None))
    if distributing and not option.collectonly:  # xdist distributes nothing under --collect-only
        return Controller()
    return Single()


ROLE = pytest.StashKey[Role]()


def role(config: pytest.Config) -> Role:
    """This process's role (decided in pytest-iac's ``pytest_configure``, so ask after it)."""
    return config.stash[ROLE]
