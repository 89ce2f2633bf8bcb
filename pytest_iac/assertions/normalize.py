"""What makes two fresh syntheses of the same code differ, taken out before a snapshot compares
them: asset hashes (a ``__pycache__`` in a Lambda's source directory changes them), absolute
paths of temp dirs, the project and the home directory, and cdktf's version in the metadata.

Only the standard library is imported: the snapshot extension and its tests use this module.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["ASSET_HASH", "CDKTF_VERSION", "normalize"]

ASSET_HASH = "<asset-hash>"
CDKTF_VERSION = "<cdktf-version>"
# cdktf puts an asset at assets/<construct id>/<hash of its source>/<file or archive.zip>
_ASSET_PATH = re.compile(r"assets/[^/\"'\s]+/([0-9A-Fa-f]{32,64})(?=/|\b)")


def normalize(data: Any, roots: Iterable[tuple[str, str]] = ()) -> Any:
    """A plain-JSON copy of ``data`` with its volatile values replaced by placeholders.

    ``roots`` are ``(absolute path, placeholder)`` pairs, e.g. the project's root directory;
    the temp directory (and the random name below it) and the home directory are always
    replaced."""
    plain = _plain(data)
    hashes = sorted(set(_asset_hashes(plain)), key=len, reverse=True)
    prefixes = _prefixes(roots)
    normalized = _rewrite(plain, lambda text: _text(text, hashes, prefixes))
    meta = normalized.get("//", {}).get("metadata") if isinstance(normalized, dict) else None
    if isinstance(meta, dict) and isinstance(meta.get("version"), str):
        meta["version"] = CDKTF_VERSION
    return normalized


def _plain(value: Any) -> Any:
    """JSON values only: mappings (a ``ResourceView`` too) become dicts, sequences lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _asset_hashes(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _asset_hashes(item)
    elif isinstance(value, list):
        for item in value:
            yield from _asset_hashes(item)
    elif isinstance(value, str):
        yield from _ASSET_PATH.findall(value)


def _prefixes(roots: Iterable[tuple[str, str]]) -> list[tuple[re.Pattern[str], str]]:
    """Longest path first, so the project inside the temp dir is named as the project."""
    pairs = {os.path.normpath(path): label for path, label in roots if path and os.path.isabs(path)}
    home = os.path.expanduser("~")
    if home not in ("/", "~"):
        pairs.setdefault(os.path.normpath(home), "~")
    patterns = []
    for path, label in sorted(pairs.items(), key=lambda item: len(item[0]), reverse=True):
        patterns.append((re.compile(re.escape(path) + r"(?![\w.-])"), label))
    for tmp in sorted({tempfile.gettempdir(), os.path.realpath(tempfile.gettempdir())}, key=len, reverse=True):
        # the temp dir and the random directory name made in it
        patterns.append((re.compile(re.escape(tmp) + r"(?:/[^/\"'\s]+)?(?![\w.-])"), "<tmp>"))
    return patterns


def _text(text: str, hashes: list[str], prefixes: list[tuple[re.Pattern[str], str]]) -> str:
    for digest in hashes:
        if digest in text:
            text = text.replace(digest, ASSET_HASH)
    if "/" in text:
        for pattern, label in prefixes:
            text = pattern.sub(label, text)
    return text


def _rewrite(value: Any, change: Any) -> Any:
    if isinstance(value, dict):
        return {k: _rewrite(v, change) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite(v, change) for v in value]
    if isinstance(value, str):
        return change(value)
    return value
