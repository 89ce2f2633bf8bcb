"""Small text helpers every room's messages use: counts, short lists and "did you mean" hints.

One copy, so that every message counts, lists and suggests the same way. Standard library only:
this module may be imported while the plugin loads.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

__all__ = ["close_matches", "closest", "listing", "plural"]


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``3 resources``, ``1 resource``; ``nouns`` for irregular plurals."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def listing(items: Sequence[str], limit: int = 5) -> str:
    """The first ``limit`` items, then how many more there are: ``a, b, c, and 2 more``."""
    shown = ", ".join(items[:limit])
    rest = len(items) - limit
    return shown + (f", and {rest} more" if rest > 0 else "")


def close_matches(word: str, candidates: Iterable[str], *, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Up to ``n`` candidates most like ``word``, best first, ignoring case (a user who typed
    ``Bucket`` for ``bucket`` is helped too); each comes back as spelled among the candidates."""
    folded: dict[str, str] = {}
    for candidate in candidates:
        folded.setdefault(candidate.casefold(), candidate)
    return [folded[m] for m in difflib.get_close_matches(word.casefold(), sorted(folded), n=n, cutoff=cutoff)]


def closest(word: str, candidates: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The one candidate most like ``word``, for "did you mean ...?" hints; None when none is close."""
    found = close_matches(word, candidates, n=1, cutoff=cutoff)
    return found[0] if found else None
