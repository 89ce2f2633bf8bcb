"""JSON read with a depth limit: what pytest-iac reads from disk (cdk.tf.json, manifest.json,
outputs files) may be hostile or broken, and ``json.loads`` of a few thousand nested brackets
raises ``RecursionError`` (and deep values would break every recursive walk after it).

The depth is measured before parsing, by a scan that skips strings in C (a regular expression)
and loops in Python only over brackets.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["MAX_DEPTH", "JsonTooDeep", "loads", "nesting_depth"]

MAX_DEPTH = 100  # Terraform JSON of real stacks stays under 20
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)


class JsonTooDeep(ValueError):
    """The text nests arrays/objects deeper than the limit; the message names the depth."""

    def __init__(self, depth: int, limit: int) -> None:
        self.depth, self.limit = depth, limit
        super().__init__(f"nested {depth}{'+' if depth > limit else ''} levels deep (the limit is {limit})")


def nesting_depth(text: str, stop_after: int | None = None) -> int:
    """The deepest nesting of ``[``/``{`` outside strings (stops counting past ``stop_after``)."""
    depth = deepest = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_after is not None and deepest > stop_after:
                    return deepest
        elif token in "]}":
            depth -= 1
    return deepest


def loads(text: str, limit: int = MAX_DEPTH) -> Any:
    """``json.loads`` that raises ``JsonTooDeep`` instead of recursing past ``limit`` levels."""
    depth = nesting_depth(text, stop_after=limit)
    if depth > limit:
        raise JsonTooDeep(depth, limit)
    try:
        return json.loads(text)
    except RecursionError:  # the scan and the parser disagree only on broken text
        raise JsonTooDeep(limit + 1, limit) from None
