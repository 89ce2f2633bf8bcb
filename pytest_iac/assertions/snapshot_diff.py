"""The failure text of a snapshot: which resources (outputs, providers...) changed, were added
or were removed, and for each changed one the keys that differ, old value -> new value.

A line diff of a 2,000-line JSON file shows braces; a reviewer wants the resource address and
the key. Values under sensitive keys are masked as in every other failure of the plugin.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pytest_iac.assertions.messages import plural
from pytest_iac.assertions.values import is_sensitive, pointer, show

__all__ = ["describe_changes"]

_BLOCKS = ("resource", "data")  # type -> name -> body
_NAMED = ("output", "variable", "module", "provider", "locals")  # name -> body
MAX_KEYS = 6
MAX_BLOCKS = 12


def describe_changes(received: Any, snapshot: Any) -> list[str]:
    """Lines naming each block that differs between ``snapshot`` (old) and ``received`` (new)."""
    old, new = _blocks(snapshot), _blocks(received)
    lines: list[str] = []
    counts = {"changed": 0, "added": 0, "removed": 0}
    for label in [*old, *(k for k in new if k not in old)]:
        if label in old and label in new:
            if old[label] == new[label]:
                continue
            counts["changed"] += 1
            changes = list(_changes(old[label], new[label], ()))
            lines.append(f"~ {_named(label, new[label])}: {plural(len(changes), 'key')} changed")
            lines += [f"    {line}" for line in changes[:MAX_KEYS]]
            if len(changes) > MAX_KEYS:
                lines.append(f"    ... and {len(changes) - MAX_KEYS} more")
        elif label in new:
            counts["added"] += 1
            lines.append(f"+ {_named(label, new[label])}: added (not in the snapshot)")
        else:
            counts["removed"] += 1
            lines.append(f"- {_named(label, old[label])}: removed (only in the snapshot)")
    blocks = [line for line in lines if not line.startswith(" ")]
    if len(blocks) > MAX_BLOCKS:
        cut = lines.index(blocks[MAX_BLOCKS])
        lines = [*lines[:cut], f"... and {len(blocks) - MAX_BLOCKS} more (run with -vv for the full diff)"]
    summary = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
    return [f"The stack differs from the snapshot ({summary}); --snapshot-update accepts it:", *lines]


def _blocks(config: Any) -> dict[str, Any]:
    """Label -> value: ``aws_s3_bucket.b``, ``data.aws_region.r``, ``output.o``, ``terraform``...
    Anything that is not a Terraform configuration is compared key by key."""
    if not isinstance(config, dict):
        return {"(value)": config}
    found: dict[str, Any] = {}
    for section, value in config.items():
        if section in _BLOCKS and isinstance(value, dict):
            prefix = "" if section == "resource" else "data."
            for rtype, group in value.items():
                for name, body in (group.items() if isinstance(group, dict) else [("", group)]):
                    found[f"{prefix}{rtype}.{name}" if name else f"{prefix}{rtype}"] = body
        elif section in _NAMED and isinstance(value, dict):
            for name, body in value.items():
                found[f"{section}.{name}"] = body
        elif section == "//":
            found["stack metadata (//)"] = value
        else:
            found[section] = value
    return found


def _named(label: str, body: Any) -> str:
    meta = body.get("//", {}).get("metadata", {}) if isinstance(body, dict) else {}
    path = meta.get("path") if isinstance(meta, dict) else None
    return f"{label} ({path})" if isinstance(path, str) else label


def _changes(old: Any, new: Any, path: tuple[Any, ...]) -> Iterator[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            at = (*path, key)
            if key not in new:
                yield f"{pointer(at)}: removed (was {_show(old[key], at)})"
            elif key not in old:
                yield f"{pointer(at)}: added {_show(new[key], at)}"
            elif old[key] != new[key]:
                yield from _changes(old[key], new[key], at)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new)):
            if a != b:
                yield from _changes(a, b, (*path, index))
    else:
        yield f"{pointer(path) if path else '/'}: {_show(old, path)} -> {_show(new, path)}"


def _show(value: Any, path: tuple[Any, ...]) -> str:
    return show(value, masked=any(is_sensitive(key) for key in path), limit=100)
