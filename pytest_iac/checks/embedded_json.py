"""JSON documents written into configuration strings, parsed as far as the configuration knows them.

cdktf users write ``secret_string=json.dumps({"password": ..., "host": db.address})`` or an ECS
``container_definitions`` list the same way: terraform sees one string holding JSON and ``${...}``
sequences. The sequences are cut out with the one scanner (:mod:`pytest_iac.terraform.expressions`)
and stand for values only terraform knows (:class:`Computed`), so the rest parses as JSON and its
literal values can be judged one by one.
"""

from __future__ import annotations

import json
from typing import Any

from pytest_iac.terraform.expressions import split, unescape

__all__ = ["Computed", "parse"]

_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: never in a cdktf string, valid in JSON


class Computed(str):
    """A JSON value holding a ``${...}`` sequence (as terraform writes it): not a literal."""


def parse(text: str) -> Any | None:
    """The JSON document ``text`` holds, sequences as :class:`Computed` strings; None when ``text``
    is not a JSON object or array (most strings), or not JSON once its sequences are set aside."""
    if not text.lstrip().startswith(("{", "[")):
        return None
    masked, sequences = _mask(text)
    try:
        document = json.loads(masked)
    except ValueError:
        return None
    return _restore(document, sequences)


def _mask(text: str) -> tuple[str, list[str]]:
    """``text`` with each sequence replaced by a numbered marker (quoted when it stands outside a
    JSON string, as in ``{"port": ${aws_db_instance.db.port}}``), and the sequences in order."""
    pieces: list[str] = []
    sequences: list[str] = []
    in_string = False
    for piece, is_sequence in split(text):
        if is_sequence:
            marker = f"{_OPEN}{len(sequences)}{_CLOSE}"
            sequences.append(piece)
            pieces.append(marker if in_string else f'"{marker}"')
            continue
        i = 0
        while i < len(piece):
            if in_string and piece[i] == "\\":
                i += 1
            elif piece[i] == '"':
                in_string = not in_string
            i += 1
        pieces.append(piece)
    return "".join(pieces), sequences


def _restore(value: Any, sequences: list[str]) -> Any:
    if isinstance(value, dict):
        return {str(_restore(key, sequences)): _restore(child, sequences) for key, child in value.items()}
    if isinstance(value, list):
        return [_restore(child, sequences) for child in value]
    if isinstance(value, str):
        if _OPEN not in value:
            return unescape(value)
        restored = value
        for index, sequence in enumerate(sequences):
            restored = restored.replace(f"{_OPEN}{index}{_CLOSE}", sequence)
        return Computed(restored)
    return value
