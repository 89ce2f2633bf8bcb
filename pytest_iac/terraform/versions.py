"""Terraform and provider versions, and terraform's version constraints, on ``packaging.version``.

Terraform's rule for pre-releases is kept: ``1.10.0-beta1`` comes before ``1.10.0`` and is
selected only by an exact constraint (``= 1.10.0-beta1``), never by ``>=``, ``~>`` and the like.
"""

from __future__ import annotations

import re

from packaging.version import InvalidVersion, Version

__all__ = ["Version", "parse_version", "version_matches"]

_RELEASE = re.compile(r"\d+(?:\.\d+)*")
_PART = re.compile(r"(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+)*)(-\S+)?")


def parse_version(text: str | Version | tuple[int, ...]) -> Version:
    """``"1.11.4"``, ``"v1.10.0-beta1"``, ``(1, 6, 0)`` -> a ``Version``. A suffix ``packaging``
    does not know still makes a pre-release (semver's rule), never the release itself."""
    if isinstance(text, Version):
        return text
    if isinstance(text, tuple):
        return Version(".".join(map(str, text)))
    text = text.strip().lstrip("v")
    try:
        return Version(text)
    except InvalidVersion:
        match = _RELEASE.match(text)
        if not match:
            raise
        suffix = text[match.end():]
        return Version(match.group() + (".dev0" if suffix.strip() else ""))


def version_matches(version: str | Version, constraint: str | None) -> bool:
    """Terraform version constraints: ``=``, ``!=``, ``>``, ``>=``, ``<``, ``<=``, ``~>``, comma = and."""
    if not constraint:
        return True
    have = parse_version(version)
    exact = False
    for part in filter(None, (p.strip() for p in constraint.split(","))):
        match = _PART.fullmatch(part)
        if not match:
            return False
        op, text = match.group(1) or "=", match.group(2)
        want = parse_version(text + (match.group(3) or ""))
        if op == "~>":
            given = len(text.split("."))
            upper = Version(f"{want.major + 1}") if given <= 2 else Version(f"{want.major}.{want.minor + 1}")
            ok = want <= have < upper if given > 1 else have >= want
        else:
            ok = {"=": have == want, "!=": have != want, ">": have > want, ">=": have >= want,
                  "<": have < want, "<=": have <= want}[op]
        exact = exact or (op == "=" and ok)
        if not ok:
            return False
    return exact or not have.is_prerelease
