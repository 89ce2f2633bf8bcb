"""How a JSON value reads in a failure: its JSON type, its path, its compact rendering with
secrets masked (values under secret-named keys, secret-shaped strings: see ``masking``).

This is the ground floor of the assertions room: the match result, the matchers and the
failure messages all render values the same way, and this module imports none of them.
Everything here is deterministic, so failure messages can be asserted on and diffed.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any

from pytest_iac.masking import is_secret_key, mask_text

MASK = '"***"'
_LIMIT = 200
UNSET: Any = object()
Path = tuple[Any, ...]


class _Marker:
    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text

    def __repr__(self) -> str:
        return self._text


MISSING: Any = _Marker("MISSING")
"""Stands for a key that is not present in the actual object."""

DECODED: Any = _Marker("DECODED")
"""Path segment marking a step into a string that was decoded as JSON."""


class Describable(ABC):
    """Something that renders itself inside a pattern (matchers do)."""

    @abstractmethod
    def describe(self) -> str: ...


def is_sensitive(key: object) -> bool:
    return is_secret_key(key)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        return "array"
    return type(value).__name__


def pointer(path: Sequence[object]) -> str:
    """JSON-pointer-like rendering: ``/ingress/0/from_port``; ``<json>`` marks a decoded string."""
    out = ""
    for seg in path:
        if seg is DECODED:
            out += "<json>"
        else:
            out += "/" + str(seg).replace("~", "~0").replace("/", "~1")
    return out if out.startswith("/") else "/" + out


def render_value(value: Any) -> str:
    """Compact JSON, with matchers described and values under sensitive keys masked."""
    if value is MISSING:
        return "(missing)"
    if isinstance(value, Describable):
        return value.describe()
    if isinstance(value, Mapping):
        items = (
            f"{json.dumps(str(k), ensure_ascii=False)}: {MASK if is_sensitive(k) else render_value(v)}"
            for k, v in value.items()
        )
        return "{" + ", ".join(items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(render_value(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(mask_text(value), ensure_ascii=False)
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def show(value: Any, *, masked: bool = False, limit: int = _LIMIT) -> str:
    if masked:
        return MASK
    text = render_value(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
