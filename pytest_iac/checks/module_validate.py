"""The ``validate`` check of a plain Terraform module: ``terraform validate -json`` of the module
itself, in the plan's kind of private copy (providers from the offline mirror), each diagnostic
as a finding at ``file:line`` of the user's module and, where terraform names it, the block."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from pytest_iac import rundirs
from pytest_iac.checks.base import CheckContext, CheckSkipped, Finding

__all__ = ["validate_module"]

INIT_TIMEOUT, VALIDATE_TIMEOUT = 300.0, 300.0
_CONTEXT = re.compile(r'^(resource|data|module|output|variable)\s+"([^"]+)"(?:\s+"([^"]+)")?')


def validate_module(ctx: CheckContext, terraform: str) -> Iterator[Finding]:
    from pytest_iac.synthesis.plan import module_copy, plan_env
    from pytest_iac.terraform.mirror import plugin_dir_candidates
    from pytest_iac.terraform.plan_errors import init_error
    from pytest_iac.terraform.process import run

    module = ctx.stack_dir
    workdir = rundirs.make("validate")
    try:
        copy = module_copy(module, workdir)
        env = plan_env(workdir)
        dirs = [d for d, _ in plugin_dir_candidates(ctx.terraform_plugin_dir) if d.is_dir()]
        init = run([terraform, "init", "-backend=false", "-input=false", "-no-color",
                    *(f"-plugin-dir={d}" for d in dirs)], cwd=copy, env=env, timeout=INIT_TIMEOUT,
                   what="terraform init", check=False)
        if init.returncode != 0:
            raise CheckSkipped(init_error(repr(module.name), module, init.stdout + init.stderr, dirs))
        out = run([terraform, "validate", "-json", "-no-color"], cwd=copy, env=env, timeout=VALIDATE_TIMEOUT,
                  what="terraform validate", check=False)
        try:
            report = json.loads(out.stdout)
        except ValueError:
            raise CheckSkipped(f"terraform validate -json gave no JSON (exit {out.returncode})") from None
        for diag in report.get("diagnostics", []):
            yield _finding(diag, module)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _finding(diag: dict, module: Path) -> Finding:
    rng = diag.get("range") or {}
    where = f"{module.name}/{rng['filename']}:{rng.get('start', {}).get('line', '?')}" if rng.get("filename") else ""
    detail = " ".join(str(diag.get("detail", "")).split())
    message = diag.get("summary", "") + (f": {detail}" if detail else "") + (f" ({where})" if where else "")
    severity = "warning" if diag.get("severity") == "warning" else "error"
    return Finding(_address((diag.get("snippet") or {}).get("context") or ""), message, severity=severity)


def _address(context: str) -> str | None:
    match = _CONTEXT.match(context)
    if not match:
        return None
    kind, first, second = match.groups()
    return {"resource": f"{first}.{second}", "data": f"data.{first}.{second}", "module": f"module.{first}",
            "output": f"output.{first}", "variable": f"var.{first}"}[kind]
