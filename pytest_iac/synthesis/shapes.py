"""The shapes pytest-iac relies on in synthesized output, checked once when it is read.

Everything after reading (resource counts, addresses, the query API, the checks) walks
``resource``/``data`` as ``{type: {name: {...}}}`` and the manifest's stacks as
``{name: {"synthesizedStackPath": ...}}``; a file of another shape must be one clear error that
names the JSON path, not a ``TypeError`` deep inside a check.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

__all__ = ["manifest_problem", "stack_problem"]

_BLOCKS = ("resource", "data")
_NAMED = ("output", "variable", "locals", "provider", "module", "terraform")


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), "a number")


def stack_problem(config: Any) -> str | None:
    """Why ``config`` is not Terraform JSON as cdktf writes it (None: it is)."""
    if not isinstance(config, dict):
        return f"$ must be an object, got {_kind(config)}"
    for block in _BLOCKS:
        if block not in config:
            continue
        types = config[block]
        if not isinstance(types, dict):
            return f"$.{block} must be an object of {block} types, got {_kind(types)}"
        for rtype, group in types.items():
            if not isinstance(group, dict):
                return f"$.{block}.{rtype} must be an object of named {block}s, got {_kind(group)}"
            for name, body in group.items():
                if not isinstance(body, dict):
                    return f"$.{block}.{rtype}.{name} must be an object, got {_kind(body)}"
    for section in _NAMED:
        if section in config and not isinstance(config[section], (dict, list)):
            return f"$.{section} must be an object, got {_kind(config[section])}"
    return None


def manifest_problem(manifest: Any) -> str | None:
    """Why ``manifest`` is not a cdktf manifest.json (None: it is)."""
    if not isinstance(manifest, dict):
        return f"$ must be an object, got {_kind(manifest)}"
    stacks = manifest.get("stacks", {})
    if not isinstance(stacks, dict):
        return f"$.stacks must be an object of stacks, got {_kind(stacks)}"
    for name, entry in stacks.items():
        if not isinstance(entry, dict):
            return f"$.stacks.{name} must be an object, got {_kind(entry)}"
        path = entry.get("synthesizedStackPath")
        if path is None:
            return f"$.stacks.{name}.synthesizedStackPath is missing"
        if not isinstance(path, str) or not path:
            return f"$.stacks.{name}.synthesizedStackPath must be a path, got {_kind(path)}"
        relative = PurePosixPath(path)
        if relative.is_absolute() or ".." in relative.parts:
            return f"$.stacks.{name}.synthesizedStackPath must stay inside the output directory, got {path!r}"
    return None
