"""The text of the template's failure messages: what was expected, the closest candidates
ranked by their differences, and "did you mean" suggestions for names.

This module reads match results and matchers and is imported by no one in the room but the
template, so messages can change without touching how matching works.
Everything here is deterministic: the same inputs always give the same text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pytest_iac._text import close_matches, listing, plural
from pytest_iac.assertions.matchers import Matcher
from pytest_iac.assertions.result import MatchResult
from pytest_iac.assertions.values import show

__all__ = ["Candidate", "closest_report", "did_you_mean", "expectation", "mismatch"]


def did_you_mean(kind: str, word: str, choices: Sequence[str]) -> str:
    """Suggestion line: the closest names, or what exists when nothing is close."""
    near = close_matches(word, choices, cutoff=0.5)
    if near:
        return f"Closest {kind}: {', '.join(near)}"
    if choices:
        return f"Existing {kind}: {listing(sorted(choices), 10)}"
    return f"There are no {kind} at all."


def expectation(root: Matcher) -> str:
    return f"Expected ({root.name}): {show(root.expectation(), limit=400)}"


@dataclass(frozen=True)
class Candidate:
    """A resource (or output, provider...) that was tested and did not match."""

    address: str
    result: MatchResult
    path: str | None = None
    masked: bool = False

    @property
    def label(self) -> str:
        return f"{self.address} ({self.path})" if self.path else self.address

    def block(self, root: Matcher, indent: str = "  ") -> str:
        return self.result.render(indent=indent, mask=self.masked, root=root.name)


def ranked(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Fewest differences first; ties keep the (deterministic) order they were given in."""
    return sorted(candidates, key=lambda c: c.result.fail_count)


def closest_report(root: Matcher, candidates: Iterable[Candidate], *, others: int = 4) -> list[str]:
    """The closest candidate in full, then a short list of the next ones."""
    ordered = ranked(candidates)
    if not ordered:
        return []
    best, rest = ordered[0], ordered[1:]
    lines = [f"Closest candidate: {best.label}", best.block(root)]
    if rest:
        names = [f"{c.address} ({plural(c.result.fail_count, 'difference')})" for c in rest]
        lines.append("Other candidates: " + listing(names, others))
    return lines


def mismatch(header: str, root: Matcher, candidates: Iterable[Candidate]) -> AssertionError:
    """The standard "nothing matched" error: what was expected, then the closest candidates."""
    return AssertionError("\n".join([header, expectation(root), *closest_report(root, candidates)]))
