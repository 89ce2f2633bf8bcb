"""terraform's errors while initializing or planning a module, as one message for the user:
each error as ``file:line: summary: detail`` in the user's module (not the private copy), with
the fix where pytest-iac knows it (how to pass a variable, where the provider mirror was)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

from pytest_iac.terraform.process import tail_lines

__all__ = ["init_error", "plan_error"]

_TEXT_ERROR = re.compile(r"Error: (?P<summary>[^\n]+)\n(?:\n\s*on (?P<file>\S+) line (?P<line>\d+)[^\n]*\n)?"
                         r"(?P<rest>.*?)(?=\n(?:Error|Warning): |\Z)", re.S)
_VARIABLE = re.compile(r'input variable "([^"]+)" is not set')
_PROVIDER = re.compile(r"provider (?:registry\.terraform\.io/)?([\w.-]+/[\w.-]+)")


def init_error(entry: str, module: Path, output: str, plugin_dirs: Iterable[Path]) -> str:
    """``terraform init`` failed: a syntax error (file:line), or a provider the mirror lacks."""
    dirs = [str(d) for d in plugin_dirs]
    lines = []
    for match in _TEXT_ERROR.finditer(output):
        summary, rest = match["summary"].strip(), _detail(match["rest"])
        where = f"{_user_path(match['file'], module)}:{match['line']}: " if match["file"] else ""
        if "provider" in summary.lower() and ("provider" in rest or "registry" in rest):
            providers = sorted(set(_PROVIDER.findall(rest))) or ["a required provider"]
            looked = ", ".join(dirs) or "no mirror (none given)"
            lines.append(f"{summary}: {', '.join(providers)} is not in the offline provider mirror "
                         f"(looked in: {looked}). Add it to the mirror (terraform providers mirror DIR) and pass "
                         "--iac-terraform-plugin-dir DIR or PYTEST_IAC_TF_PLUGIN_DIR. terraform said: " + rest)
        else:
            lines.append(f"{where}{summary}" + (f": {rest}" if rest else ""))
    body = "\n".join(f"  {line}" for line in lines) if lines else tail_lines(output)
    return f"stack entry {entry}: terraform init of the module failed:\n{body}"


def plan_error(entry: str, module: Path, copy: Path, stdout: str, stderr: str) -> str:
    """``terraform plan -json`` failed: its error diagnostics, a missing variable with how to pass it."""
    lines = []
    for raw in stdout.splitlines():
        try:
            event = json.loads(raw)
        except ValueError:
            continue
        diag = event.get("diagnostic") if isinstance(event, dict) and event.get("type") == "diagnostic" else None
        if not diag or diag.get("severity") != "error":
            continue
        summary, detail = diag.get("summary", "").strip(), " ".join(str(diag.get("detail", "")).split())
        rng = diag.get("range") or {}
        where = f"{_user_path(rng['filename'], module, copy)}:{rng.get('start', {}).get('line', '?')}: " \
            if rng.get("filename") else ""
        variable = _VARIABLE.search(detail)
        if variable:
            name = variable.group(1)
            detail = (f"variable {name!r} is required and has no default. Pass it with app.vars in the "
                      f"requirements YAML ({name}: VALUE), --iac-tf-var {name}=VALUE, a file in app.var_files, "
                      f"or TF_VAR_{name} in the environment")
        lines.append(f"{where}{summary}" + (f": {detail}" if detail else ""))
    body = "\n".join(f"  {line}" for line in lines) if lines else tail_lines(stdout + stderr)
    return f"stack entry {entry}: terraform plan of the module failed:\n{body}"


def _detail(text: str) -> str:
    kept = [line.strip() for line in text.strip().splitlines()
            if line.strip() and not re.match(r"^\s*\d+:", line) and not line.strip().startswith(("│", "╵", "╷"))]
    return " ".join(kept)


def _user_path(name: str, module: Path, copy: Path | None = None) -> str:
    path = Path(name)
    if copy is not None and path.is_absolute():
        try:
            path = path.resolve().relative_to(copy.resolve())
        except ValueError:
            return name
    user = module / path if not path.is_absolute() else path
    try:
        return os.path.relpath(user)
    except ValueError:
        return str(user)
