"""Terraform's template syntax inside a configuration string: the one place that decides whether
a value is a literal or something terraform computes.

``${ ... }`` is an interpolation and ``%{ ... }`` a directive (``if``/``for``); ``$${`` and
``%%{`` are escapes for the literal text ``${`` and ``%{``. A sequence ends at the ``}`` that
balances it, skipping braces inside the expression's quoted strings (which may hold templates
of their own). An unclosed sequence runs to the end of the text: terraform rejects it, so its
value is not a literal either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pytest_iac.terraform.sensitive import Sensitive
from pytest_iac.terraform.unknown import Unknown

__all__ = ["directives", "interpolations", "is_expression", "references", "split", "unescape"]

_ESCAPES = ("$${", "%%{")
_OPENERS = ("${", "%{")
# a resource or data source address at the start of a traversal: aws_vpc.main, data.aws_iam_policy_document.x
_REFERENCE = re.compile(r"(?<![\w.\-])((?:data\.)?[A-Za-z][\w-]*\.[A-Za-z_][\w-]*)")


def is_expression(value: Any) -> bool:
    """A string holding a real interpolation or directive, or a plan's value known only after
    apply or hidden as sensitive: its value is known only to terraform (and the checks must not
    judge the marker's text as a literal). ``"$${x}"`` is the literal ``${x}``, so not an
    expression."""
    if isinstance(value, (Unknown, Sensitive)):
        return True
    return isinstance(value, str) and next(_sequences(value), None) is not None


def interpolations(text: str) -> Iterator[str]:
    """The insides of the top-level ``${...}`` interpolations of ``text``, in order."""
    return (inner for opener, inner in _sequences(text) if opener == "${")


def directives(text: str) -> Iterator[str]:
    """The insides of the top-level ``%{...}`` directives of ``text``, in order."""
    return (inner for opener, inner in _sequences(text) if opener == "%{")


def references(text: str) -> Iterator[str]:
    """Candidate addresses (``TYPE.NAME``, ``data.TYPE.NAME``; also ``var.x``, ``local.y``) that
    ``text``'s interpolations and directives refer to; the caller keeps the ones it knows."""
    for _, inner in _sequences(text):
        yield from _REFERENCE.findall(inner)


def split(text: str) -> Iterator[tuple[str, bool]]:
    """``text`` cut into consecutive pieces, each ``(piece, True)`` for a whole ``${...}``/``%{...}``
    sequence or ``(piece, False)`` for the literal text between them (escapes left as written)."""
    last = 0
    for start, end, _, _ in _spans(text):
        if start > last:
            yield text[last:start], False
        yield text[start:end], True
        last = end
    if last < len(text):
        yield text[last:], False


def unescape(text: str) -> str:
    """A literal's value as terraform sees it: ``$${`` -> ``${``, ``%%{`` -> ``%{``."""
    return text.replace("$${", "${").replace("%%{", "%{")


def _sequences(text: str) -> Iterator[tuple[str, str]]:
    return ((opener, inner) for _, _, opener, inner in _spans(text))


def _spans(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, opener, inside) of each top-level sequence; ``text[start:end]`` is all of it."""
    i = 0
    while i < len(text):
        if text.startswith(_ESCAPES, i):
            i += 3
        elif text.startswith(_OPENERS, i):
            close = _closing_brace(text, i + 2)
            yield i, min(close + 1, len(text)), text[i:i + 2], text[i + 2:close]
            i = close + 1
        else:
            i += 1


def _closing_brace(text: str, i: int) -> int:
    """From just inside ``${``/``%{``: the index of the ``}`` that closes it (``len(text)`` if none)."""
    depth = 0
    while i < len(text):
        char = text[i]
        if char == '"':
            i = _skip_string(text, i + 1)
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return len(text)


def _skip_string(text: str, i: int) -> int:
    """From just inside a quoted string of an expression: the index just past its closing quote."""
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == '"':
            return i + 1
        elif text.startswith(_ESCAPES, i):
            i += 3
        elif text.startswith(_OPENERS, i):
            i = _closing_brace(text, i + 2) + 1
        else:
            i += 1
    return len(text)
