"""Small readers shared by the built-in static checks (standard library only).

cdktf writes a nested block either as one object or as a list of objects, booleans as JSON
booleans, and anything Terraform computes as a ``${...}`` expression; these helpers hide that.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from pytest_iac.checks.base import CheckContext
from pytest_iac.terraform.expressions import is_expression, unescape

__all__ = ["blocks", "data_sources", "is_expression", "is_false", "is_true", "listing", "literal", "option",
           "outputs", "parse_json", "resources"]


def literal(value: Any) -> str | None:
    """The string terraform will use when it is a plain literal (``$${`` unescaped), else None."""
    return unescape(value) if isinstance(value, str) and not is_expression(value) else None


def is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def is_false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def blocks(value: Any) -> list[Mapping[str, Any]]:
    """A nested block as cdktf writes it (one object or a list of objects), as a list."""
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, Mapping)]
    return []


def option(ctx: CheckContext, name: str, default: Any) -> Any:
    """A setting of the YAML's ``checks`` section; ``default`` when absent or None."""
    value = getattr(ctx.options, name, None)
    return default if value is None else value


def resources(ctx: CheckContext, *types: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(address, type, body without ``//`` metadata) of the stack's resources of ``types`` (all if none)."""
    for view in ctx.template.resources():
        if not types or view.type in types:
            body = view.body
            body.pop("//", None)
            yield view.address, view.type, body


def data_sources(ctx: CheckContext, raw: Mapping[str, Any] | None = None) -> Iterator[tuple[str, str, dict[str, Any]]]:
    config = ctx.template.raw if raw is None else raw
    for dtype, named in sorted(config.get("data", {}).items()):
        for name, body in sorted(named.items()):
            if isinstance(body, Mapping):
                meta = body.get("//", {}).get("metadata", {}) if isinstance(body.get("//"), Mapping) else {}
                address = meta.get("address") or f"data.{dtype}.{name}"  # a plan's keys are whole addresses
                yield address, dtype, {k: v for k, v in body.items() if k != "//"}


def outputs(ctx: CheckContext) -> dict[str, dict[str, Any]]:
    return ctx.template.find_outputs("*")


def parse_json(value: Any) -> Any:
    """A JSON document given as a string (policies), or None when it is not parseable here
    (e.g. the whole value is a ``${...}`` reference to a policy document)."""
    if isinstance(value, Mapping):
        return value
    if not isinstance(value, str):
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None
