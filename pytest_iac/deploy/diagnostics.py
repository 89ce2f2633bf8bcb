"""How the deployment names what terraform reports: a resource address with its construct
path, and terraform's error diagnostics as lines pointing at ``cdk.tf.json``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pytest_iac.deploy.apply import CONFIG_FILE

__all__ = ["base_address", "construct_paths", "describe_diagnostics", "named"]

_NOISE = re.compile(r"(https response error StatusCode: \d+, )?(RequestID|HostID): [^,]*, ")


def describe_diagnostics(diagnostics: list[dict[str, Any]], config_text: str, paths: dict[str, str],
                         errored: Sequence[str] = ()) -> list[str]:
    """terraform's error diagnostics as lines: address (construct path), cdk.tf.json line, message.

    A destroy's diagnostics carry no address; when one resource failed (``errored``), it is that one."""
    from pytest_iac.terraform.diagnostics import parse_diagnostics

    lines = []
    only = errored[0] if len(set(errored)) == 1 else None
    for diag in parse_diagnostics({"diagnostics": diagnostics}, config_text):
        where = []
        address = diag.address or (only if not diag.context else None)
        if address:
            where.append(named(address, paths.get(base_address(address))))
        elif diag.context:
            where.append(diag.context)
        if diag.line:
            where.append(f"{CONFIG_FILE}:{diag.line}")
        text = _NOISE.sub("", diag.summary) + (f": {diag.detail}" if diag.detail else "")
        lines.append(f"{', '.join(where)}: {text}" if where else text)
    return lines


def construct_paths(config: dict[str, Any]) -> dict[str, str]:
    """``{address: construct path}`` of every resource and data source that has one."""
    paths = {}
    for section, prefix in (("resource", ""), ("data", "data.")):
        for rtype, bodies in (config.get(section) or {}).items():
            for name, body in (bodies or {}).items():
                meta = ((body or {}).get("//") or {}).get("metadata", {}) if isinstance(body, dict) else {}
                if meta.get("path"):  # a plan's entries carry their instance address
                    paths[meta.get("address") or f"{prefix}{rtype}.{name}"] = meta["path"]
    return paths


def named(address: str, path: str | None) -> str:
    """``aws_s3_bucket.logs (payments/logs)``, or the bare address when it has no construct path."""
    return f"{address} ({path})" if path else address


def base_address(address: str) -> str:
    """The address without its instance keys: ``aws_subnet.a[0]`` is ``aws_subnet.a``."""
    return re.sub(r"(\[[^\]]*\])+$", "", address)
