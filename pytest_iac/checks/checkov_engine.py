"""checkov's Terraform policies, run offline on a synthesized stack or a Terraform module's plan.

checkov is an optional extra (``pytest-iac[checkov]``): it is large and pins ``packaging<24``. It
is imported only when the ``checkov`` check runs, with three of its habits undone: its import
configures the root logger (a stderr handler, level DEBUG, a filter and an in-memory log that
grows for ever), it warns at import (``DeprecationWarning`` from prettytable), and its command
line downloads guideline mappings from the vendor's API. The runner is called directly (never
``checkov.main``) with ``BC_SKIP_MAPPING=TRUE``, and no API key is ever set, so nothing is sent.

A synthesized stack goes through checkov's ``terraform_json`` runner, whose Python checks name
a resource ``resource.<name>`` without the type: the address is rebuilt from the line range through
the runner's parsed definitions. A Terraform module's plan (``terraform show -json``) goes through
checkov's ``terraform_plan`` runner, written for it to a private temporary file (never into the
module's directory): its records already carry terraform's instance address
(``module.m.aws_sqs_queue.q[1]``). An argument the module sets to a value known only after apply
counts as set (``EVAL_TF_PLAN_AFTER_UNKNOWN``, narrowed to what the configuration writes): a topic
encrypted with the module's new key is not reported as unencrypted, while an argument left to the
provider stays unset. Both runners judge with the same Terraform registries, so
:func:`policy_ids` holds for both.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import re
import tempfile
import warnings
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["CHECKOV_REQUIREMENT", "INSTALL", "CheckovMissing", "NotAPlan", "PolicyFailure", "policy_ids", "run",
           "run_plan", "version"]

CHECKOV_REQUIREMENT = "checkov==3.3.30"
INSTALL = "pip install 'pytest-iac[checkov]'"
_QUIET_LOGGERS = ("urllib3", "urllib3.connectionpool")
_JSON_RUNNER, _PLAN_RUNNER = "checkov.terraform_json.runner", "checkov.terraform.plan_runner"


class CheckovMissing(Exception):
    """checkov cannot be imported; ``str()`` says how to install it."""


class NotAPlan(ValueError):
    """A dict checkov's plan runner would skip (and so pass) rather than read."""


@dataclass(frozen=True)
class PolicyFailure:
    policy: str  # e.g. CKV_AWS_18
    name: str  # the policy's own title: what it wants
    address: str  # aws_s3_bucket.records, data.aws_iam_policy_document.x, provider.aws
    guideline: str | None = None  # a URL, when checkov has one offline


@contextmanager
def _offline_and_quiet(**environ: str) -> Iterator[None]:
    """Import or run checkov without network mappings, import warnings or changes to logging;
    ``environ``: more of checkov's switches, set for the run only."""
    root = logging.getLogger()
    saved_root = (root.level, list(root.handlers), list(root.filters))
    saved = {name: (logging.getLogger(name).level, logging.getLogger(name).propagate) for name in _QUIET_LOGGERS}
    switches = {"BC_SKIP_MAPPING": "TRUE", **environ}
    previous = {name: os.environ.get(name) for name in switches}
    os.environ.update(switches)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        root.setLevel(saved_root[0])
        root.handlers[:] = saved_root[1]
        root.filters[:] = saved_root[2]
        for name, (level, propagate) in saved.items():
            logging.getLogger(name).setLevel(level)
            logging.getLogger(name).propagate = propagate


def _checkov(runner_module: str = _JSON_RUNNER) -> dict[str, ModuleType]:
    """checkov's modules, imported on first use (later calls find them in ``sys.modules``). Not
    memoized here: whoever drops checkov from ``sys.modules`` (pytester does, between in-process
    runs) must get a fresh, consistent copy, not a mix of old and new enums that cannot pickle."""
    try:
        with _offline_and_quiet():
            import checkov.version
            from checkov import runner_filter
            from checkov.common.util import consts

            runner = importlib.import_module(runner_module)
    except ImportError as exc:
        raise CheckovMissing(f"checkov is not installed ({exc}); install it with: {INSTALL}") from None
    return {"runner": runner, "runner_filter": runner_filter, "consts": consts, "version": checkov.version}


def version() -> str:
    return str(_checkov()["version"].version)


@lru_cache(maxsize=1)
def policy_ids() -> frozenset[str]:
    """Every terraform policy id checkov knows (Python checks and graph checks)."""
    _checkov()
    with _offline_and_quiet():
        from checkov.common.checks_infra.registry import get_graph_checks_registry
        from checkov.terraform.checks.data.registry import data_registry
        from checkov.terraform.checks.provider.registry import provider_registry
        from checkov.terraform.checks.resource.registry import resource_registry

        ids = {c.id for registry in (resource_registry, data_registry, provider_registry)
               for checks in registry.checks.values() for c in checks}
        graph = get_graph_checks_registry("terraform")
        graph.load_checks()
        ids |= {c.id for c in graph.checks}
    return frozenset(ids)


def run(stack_file: Path, checks: Iterable[str] = (), skip_checks: Iterable[str] = ()) -> list[PolicyFailure]:
    """The failed policies of the stack in ``stack_file`` (a ``*.tf.json``), by address and policy id."""
    modules = _checkov()
    path = str(Path(stack_file).resolve())
    with _offline_and_quiet():
        runner = modules["runner"].TerraformJsonRunner()
        report = runner.run(root_folder=None, files=[path],
                            runner_filter=_selection(modules, "terraform_json", checks, skip_checks))
    addresses = _addresses(runner.definitions, modules["consts"])
    failures = []
    for record in _failed(report):
        place = (record.file_abs_path, *(record.file_line_range or (0, 0)))
        address = addresses.get(place, record.resource)  # graph checks already give type.name
        failures.append(PolicyFailure(record.check_id, record.check_name, address, record.guideline or None))
    return _ordered(failures)


def run_plan(plan: Mapping[str, Any], checks: Iterable[str] = (),
             skip_checks: Iterable[str] = ()) -> list[PolicyFailure]:
    """The failed policies of a module's plan (``terraform show -json``), by instance address.
    ``NotAPlan`` for a dict without ``terraform_version``, which checkov would skip and pass."""
    if not plan.get("terraform_version"):
        raise NotAPlan("the plan has no terraform_version, so checkov would not read it as a plan")
    modules = _checkov(_PLAN_RUNNER)
    with tempfile.TemporaryDirectory(prefix="pytest-iac-checkov-") as private:  # mode 0700: the plan has values
        path = Path(private) / "plan.json"
        path.write_text(json.dumps(_user_set_unknowns(plan)), encoding="utf-8")
        with _offline_and_quiet(EVAL_TF_PLAN_AFTER_UNKNOWN="TRUE"):
            report = modules["runner"].Runner().run(
                root_folder=None, files=[str(path)],
                runner_filter=_selection(modules, "terraform_plan", checks, skip_checks))
        failures = [PolicyFailure(r.check_id, r.check_name, r.resource, r.guideline or None) for r in _failed(report)]
    return _ordered(failures)


def _user_set_unknowns(plan: Mapping[str, Any]) -> dict[str, Any]:
    """The plan with each change's ``after_unknown`` narrowed to the arguments the configuration
    sets: checkov counts those as set (``kms_master_key_id = aws_kms_key.k.arn``), while an
    argument the provider computes (an S3 bucket's ``logging``) stays absent, as the user left it."""
    from pytest_iac.assertions.plan_adapter import config_address

    written: dict[str, set[str]] = {}

    def walk(module: Mapping[str, Any], prefix: str) -> None:
        for block in module.get("resources", []):
            written[prefix + block["address"]] = set(block.get("expressions") or {})
        for name, call in module.get("module_calls", {}).items():
            walk(call.get("module", {}), f"{prefix}module.{name}.")

    walk((plan.get("configuration") or {}).get("root_module", {}), "")
    changes = []
    for change in plan.get("resource_changes", []):
        unknown = (change.get("change") or {}).get("after_unknown")
        if isinstance(unknown, dict):
            keep = written.get(config_address(str(change.get("address", ""))), set())
            change = {**change, "change": {**change["change"],
                                           "after_unknown": {k: v for k, v in unknown.items() if k in keep}}}
        changes.append(change)
    return {**plan, "resource_changes": changes}


def _selection(modules: dict[str, ModuleType], framework: str, checks: Iterable[str],
               skip_checks: Iterable[str]) -> Any:
    return modules["runner_filter"].RunnerFilter(
        framework=[framework], checks=list(checks) or None, skip_checks=list(skip_checks) or None,
        show_progress_bar=False)


def _failed(report: Any) -> list[Any]:
    return [record for rep in (report if isinstance(report, list) else [report]) for record in rep.failed_checks]


def _ordered(failures: list[PolicyFailure]) -> list[PolicyFailure]:
    return sorted(failures, key=lambda f: (f.address, _natural(f.policy)))


def _natural(policy: str) -> tuple[Any, ...]:
    """CKV_AWS_18 before CKV_AWS_144: checkov's own order changes from run to run."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", policy))


def _addresses(definitions: dict[str, Any], consts: ModuleType) -> dict[tuple[str, int, int], str]:
    """(file, first line, last line) -> terraform address, for every resource and data source."""
    found: dict[tuple[str, int, int], str] = {}
    for file, blocks in definitions.items():
        for section, prefix in (("resource", ""), ("data", "data.")):
            for entry in blocks.get(section) or []:
                for rtype, named in entry.items():
                    for name, body in (named.items() if isinstance(named, dict) else ()):
                        if isinstance(body, dict) and consts.START_LINE in body:
                            place = (str(file), body[consts.START_LINE], body[consts.END_LINE])
                            found[place] = f"{prefix}{rtype}.{name}"
    return found
