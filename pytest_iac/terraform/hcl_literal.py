"""The literal parts of a ``jsonencode({...})`` argument, read from the module's source.

In a plan, ``policy = jsonencode({... Resource = aws_s3_bucket.x.arn ...})`` is unknown as a whole
as soon as one part is, so a check would see nothing of a literal ``Action = "*"`` next to it.
cdktf writes the same policy as JSON with ``${...}`` where the references are; this module gives
the checks that shape from the expression's text as the HCL parser hands it over (python-hcl2
keeps HCL, ``{Version = "2012-10-17", Resource = aws_s3_bucket.x.arn}``; checkov's fork writes a
Python literal, ``{'Version': '2012-10-17', 'Resource': '${aws_s3_bucket.x.arn}'}``). Objects,
tuples, strings, numbers, booleans and null are read; any other expression (a reference, a
function call, a conditional) becomes ``${expression}``, a value only terraform knows. Anything
this reader does not understand gives None: the value stays unknown, never half-read.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

__all__ = ["jsonencode_literal"]

_CALL = re.compile(r"^\$\{\s*jsonencode\((.*)\)\s*\}$", re.S)
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$")
_SEPARATORS = ",\n}]"


class _Unreadable(Exception):
    pass


def jsonencode_literal(source: Any) -> str | None:
    """The JSON text ``jsonencode`` would give, with ``${...}`` for what terraform computes; None
    when ``source`` is not one ``${jsonencode(...)}`` call this reader can follow."""
    source = source[0] if isinstance(source, list) and len(source) == 1 else source
    if not isinstance(source, str):
        return None
    match = _CALL.match(source.strip())
    if match is None:
        return None
    inner = match.group(1).strip()
    try:
        value = ast.literal_eval(inner)  # checkov's fork: a Python literal
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        try:
            value, end = _Reader(inner).value(0)
        except (_Unreadable, RecursionError):
            return None
        if inner[end:].strip():
            return None
    return json.dumps(value) if isinstance(value, (dict, list)) else None


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text

    def _skip(self, i: int, newlines: bool = True) -> int:
        blanks = " \t\r\n," if newlines else " \t\r"
        while i < len(self.text) and self.text[i] in blanks:
            i += 1
        return i

    def value(self, i: int) -> tuple[Any, int]:
        i = self._skip(i)
        if i >= len(self.text):
            raise _Unreadable("end of text")
        char = self.text[i]
        if char == "{":
            return self._object(i + 1)
        if char == "[":
            return self._tuple(i + 1)
        end = self._expression_end(i)
        return _scalar(self.text[i:end].strip()), end

    def _object(self, i: int) -> tuple[dict[str, Any], int]:
        found: dict[str, Any] = {}
        while True:
            i = self._skip(i)
            if i >= len(self.text):
                raise _Unreadable("unclosed object")
            if self.text[i] == "}":
                return found, i + 1
            key_end = self._key_end(i)
            key = _key(self.text[i:key_end].strip())
            i = self._skip(key_end, newlines=False)
            if i >= len(self.text) or self.text[i] not in "=:":
                raise _Unreadable("object key without = or :")
            found[key], i = self.value(i + 1)

    def _tuple(self, i: int) -> tuple[list[Any], int]:
        items: list[Any] = []
        while True:
            i = self._skip(i)
            if i >= len(self.text):
                raise _Unreadable("unclosed tuple")
            if self.text[i] == "]":
                return items, i + 1
            item, i = self.value(i)
            items.append(item)

    def _key_end(self, i: int) -> int:
        if self.text[i] in "\"'":
            return self._string_end(i)
        match = re.compile(r"[A-Za-z_][\w-]*").match(self.text, i)
        if match is None:
            raise _Unreadable("an object key that is an expression")
        return match.end()

    def _expression_end(self, i: int) -> int:
        """Where the expression starting at ``i`` ends: a separator outside brackets and strings."""
        depth = 0
        while i < len(self.text):
            char = self.text[i]
            if char in "\"'":
                i = self._string_end(i)
                continue
            if char in "([{":
                depth += 1
            elif char in ")]}" and depth:
                depth -= 1
            elif char in _SEPARATORS and not depth:
                return i
            i += 1
        return i

    def _string_end(self, i: int) -> int:
        """The index after the string starting at ``i``, its ``${...}`` included."""
        quote, i = self.text[i], i + 1
        while i < len(self.text):
            char = self.text[i]
            if char == "\\":
                i += 2
                continue
            if char == quote:
                return i + 1
            if self.text.startswith("${", i) or self.text.startswith("%{", i):
                i = self._interpolation_end(i + 2)
                continue
            i += 1
        raise _Unreadable("unclosed string")

    def _interpolation_end(self, i: int) -> int:
        depth = 1
        while i < len(self.text):
            char = self.text[i]
            if char in "\"'":
                i = self._string_end(i)
                continue
            depth += char == "{"
            depth -= char == "}"
            i += 1
            if not depth:
                return i
        raise _Unreadable("unclosed interpolation")


def _key(text: str) -> str:
    return str(_scalar(text)) if text[:1] in "\"'" else text


def _scalar(text: str) -> Any:
    if not text:
        raise _Unreadable("empty value")
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    if _NUMBER.match(text):
        return json.loads(text)
    if text[0] == '"' and _one_string(text):
        return _unescape(text[1:-1])
    if text.startswith("${") and text.endswith("}") and text.count("${") == 1:
        return text
    return "${" + text + "}"


def _one_string(text: str) -> bool:
    """``"..."`` is one string literal, not ``"a" == var.x ? ...``."""
    try:
        return _Reader(text)._string_end(0) == len(text)
    except _Unreadable:
        return False


def _unescape(body: str) -> str:
    return re.sub(r'\\(["\\nrt])', lambda m: {"n": "\n", "r": "\r", "t": "\t"}.get(m.group(1), m.group(1)), body)
