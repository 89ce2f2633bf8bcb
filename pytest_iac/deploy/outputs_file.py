"""Outputs of a stack deployed elsewhere, read from the file the deploy pipeline wrote.

Two shapes are common: flat, ``{"VpcId": "vpc-1", ...}`` (``cfn-outputs/flat-outputs.json``), and
nested by stack, ``{"TapStackpr42": {"vpc_id": "vpc-1", ...}}`` (``cdktf deploy --outputs-file``).
A missing, empty or unreadable file is an error, never a reason to skip: integration tests that
silently skip when the pipeline did not deploy are the failure this tier exists to prevent.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from pytest_iac import _json

__all__ = ["OutputsFileError", "read_outputs"]


class OutputsFileError(Exception):
    """The outputs file cannot give this session its outputs; the message says why and the fix."""


def read_outputs(path: Path, *, origin: str = "", stacks: Collection[str] = (),
                 output_names: Collection[str] = ()) -> tuple[dict[str, Any], str | None]:
    """The outputs in ``path`` and the stack key they were nested under (None: a flat file).

    ``stacks`` (the synthesized stack names) and ``output_names`` (their declared outputs) tell a
    nested file from a flat one whose outputs happen to be maps, and pick the stack's entry."""
    where = f"{path}" + (f" (from {origin})" if origin else "")
    if not path.exists():
        raise OutputsFileError(
            f"outputs file {where} does not exist: integration tests need the outputs of a deployed stack. "
            "Deploy first and write the file (e.g. cdktf deploy --outputs-file ... or the pipeline's "
            "flat-outputs.json), or test against the local endpoint with --iac-deploy local")
    if path.is_dir():
        raise OutputsFileError(f"outputs file {where} is a directory; give the JSON file inside it")
    if not path.is_file():
        raise OutputsFileError(f"outputs file {where} is not a regular file (a device or a pipe); give a JSON file")
    text = path.read_text(encoding="utf-8", errors="replace")
    if not text.strip():
        raise OutputsFileError(f"outputs file {where} is empty: the deployment that should have written it "
                               "did not finish; deploy again, or use --iac-deploy local")
    try:
        data = _json.loads(text)
    except _json.JsonTooDeep as exc:
        raise OutputsFileError(f"outputs file {where} is {exc}") from None
    except json.JSONDecodeError as exc:
        raise OutputsFileError(f"outputs file {where} is not JSON: {exc.msg} at line {exc.lineno}, "
                               f"column {exc.colno}") from None
    if not isinstance(data, dict):
        raise OutputsFileError(f"outputs file {where} holds a JSON {type(data).__name__}; expected an object "
                               'of outputs ({"name": value}) or of stacks ({"Stack": {"name": value}})')
    if not data:
        raise OutputsFileError(f"outputs file {where} is an empty object: the stack has no deployed outputs; "
                               "deploy again, or use --iac-deploy local")
    stack_key = _nested_key(data, stacks, output_names, where)
    outputs = data[stack_key] if stack_key is not None else data
    if not outputs:
        raise OutputsFileError(f"outputs file {where}: stack {stack_key!r} has no outputs")
    return dict(outputs), stack_key


def _nested_key(data: Mapping[str, Any], stacks: Collection[str], output_names: Collection[str],
                where: str) -> str | None:
    if not all(isinstance(v, dict) for v in data.values()):
        return None
    if output_names and set(data) & set(output_names) and not set(data) & set(stacks):
        return None  # flat: its keys are the stack's outputs, which happen to be maps
    for name in stacks:  # exact stack name first, then "<stack><suffix>" (TapStack + ENVIRONMENT_SUFFIX)
        if name in data:
            return name
    prefixed = [key for key in data if any(key.startswith(name) for name in stacks)]
    if len(prefixed) == 1:
        return prefixed[0]
    if len(data) == 1:
        return next(iter(data))
    candidates = prefixed or list(data)
    hint = f" matching the stack {', '.join(stacks)}" if stacks else ""
    raise OutputsFileError(
        f"outputs file {where} is nested by stack, with {len(candidates)} entries{hint}: {', '.join(candidates)}; "
        "cannot tell which one this session tests. Write only this stack's outputs, or name the stack "
        "in the entry (--iac-stack-id)")
