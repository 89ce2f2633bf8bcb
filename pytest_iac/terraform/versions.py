"""Terraform and provider versions, and terraform's version constraints."""

from __future__ import annotations

import re

__all__ = ["parse_version", "version_matches"]


def parse_version(text: str) -> tuple[int, int, int]:
    numbers = [int(n) for n in re.findall(r"\d+", text.lstrip("v").split("-")[0])[:3]]
    return tuple(numbers + [0] * (3 - len(numbers)))  # type: ignore[return-value]


def version_matches(version: str, constraint: str | None) -> bool:
    """Terraform version constraints: ``=``, ``!=``, ``>``, ``>=``, ``<``, ``<=``, ``~>``, comma = and."""
    if not constraint:
        return True
    have = parse_version(version)
    for part in filter(None, (p.strip() for p in constraint.split(","))):
        match = re.fullmatch(r"(=|!=|>=|<=|>|<|~>)?\s*v?([\d.]+)(-\S+)?", part)
        if not match:
            return False
        op, text = match.group(1) or "=", match.group(2)
        want = parse_version(text)
        ok = {"=": have == want, "!=": have != want, ">": have > want, ">=": have >= want,
              "<": have < want, "<=": have <= want}.get(op)
        if op == "~>":
            given = len(text.split("."))
            upper = (want[0] + 1, 0, 0) if given <= 2 else (want[0], want[1] + 1, 0)
            ok = want <= have < upper if given > 1 else have >= want
        if not ok:
            return False
    return True
