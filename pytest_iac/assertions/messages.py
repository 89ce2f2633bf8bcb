"""Differences and how they read: ``Failure``/``MatchResult`` (what a matcher
found), JSON paths, value display with secret masking, and the "closest
candidate" failure report shared by the template's assertions.

Everything here is deterministic: the same inputs always give the same text,
so failure messages can be asserted on and diffed between runs.
"""

from __future__ import annotations

import difflib
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_iac.assertions.matchers import Capture, Matcher

_SENSITIVE = re.compile(
    r"password|secret|token|private_key|access_key|secret_key|api_key|credential", re.IGNORECASE
)
MASK = '"***"'
_LIMIT = 200
_PLACEHOLDER = re.compile(r"\{(expected|actual)\}")
UNSET: Any = object()
Path = tuple[Any, ...]


class _Marker:
    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text

    def __repr__(self) -> str:
        return self._text


MISSING: Any = _Marker("MISSING")
"""Stands for a key that is not present in the actual object."""

DECODED: Any = _Marker("DECODED")
"""Path segment marking a step into a string that was decoded as JSON."""


class Describable(ABC):
    """Something that renders itself inside a pattern (matchers do)."""

    @abstractmethod
    def describe(self) -> str: ...


def is_sensitive(key: object) -> bool:
    return isinstance(key, str) and _SENSITIVE.search(key) is not None


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        return "array"
    return type(value).__name__


def pointer(path: Sequence[object]) -> str:
    """JSON-pointer-like rendering: ``/ingress/0/from_port``; ``<json>`` marks a decoded string."""
    out = ""
    for seg in path:
        if seg is DECODED:
            out += "<json>"
        else:
            out += "/" + str(seg).replace("~", "~0").replace("/", "~1")
    return out if out.startswith("/") else "/" + out


def render_value(value: Any) -> str:
    """Compact JSON, with matchers described and values under sensitive keys masked."""
    if value is MISSING:
        return "(missing)"
    if isinstance(value, Describable):
        return value.describe()
    if isinstance(value, Mapping):
        items = (
            f"{json.dumps(str(k), ensure_ascii=False)}: {MASK if is_sensitive(k) else render_value(v)}"
            for k, v in value.items()
        )
        return "{" + ", ".join(items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(render_value(v) for v in value) + "]"
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def show(value: Any, *, masked: bool = False, limit: int = _LIMIT) -> str:
    if masked:
        return MASK
    text = render_value(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class Failure:
    """One difference: where (``path``), which matcher, and what (``message``).

    ``message`` may contain ``{expected}``/``{actual}``; they are filled in at
    render time so values under sensitive keys can be masked."""

    path: Path
    matcher: str
    message: str
    expected: Any = UNSET
    actual: Any = UNSET

    @property
    def sensitive(self) -> bool:
        return any(is_sensitive(seg) for seg in self.path)

    def describe(self, *, mask: bool = False) -> str:
        masked = mask or self.sensitive
        values = {"expected": self.expected, "actual": self.actual}
        text = _PLACEHOLDER.sub(lambda m: show(values[m.group(1)], masked=masked), self.message)
        return f"at {pointer(self.path)}: {text}"


class MatchResult:
    """The failures (and pending captures) of testing one value against a matcher."""

    def __init__(self, target: Any, matcher: str = "") -> None:
        self.target = target
        self.matcher = matcher
        self._failures: list[Failure] = []
        self._captures: list[tuple[Capture, Path, Any]] = []
        self._finished = False

    def fail(self, matcher: Matcher, message: str, *, path: Path = (),
             expected: Any = UNSET, actual: Any = UNSET) -> MatchResult:
        self._failures.append(Failure(tuple(path), matcher.name, message, expected, actual))
        return self

    def compose(self, segment: Any, inner: MatchResult) -> MatchResult:
        """Adopt ``inner``'s failures and captures, nested under ``segment``."""
        for f in inner._failures:
            self._failures.append(Failure((segment, *f.path), f.matcher, f.message, f.expected, f.actual))
        self._captures.extend((cap, (segment, *p), v) for cap, p, v in inner._captures)
        return self

    def capture(self, capture: Capture, value: Any) -> None:
        self._captures.append((capture, (), value))

    @property
    def is_success(self) -> bool:
        return not self._failures

    @property
    def failures(self) -> tuple[Failure, ...]:
        return tuple(self._failures)

    @property
    def fail_count(self) -> int:
        return len(self._failures)

    def finish(self) -> MatchResult:
        """Commit pending captures if (and only if) the whole match succeeded. Idempotent."""
        if not self._finished and self.is_success:
            for cap, path, value in self._captures:
                cap._commit(value, any(is_sensitive(s) for s in path))
        self._finished = True
        return self

    def render(self, *, indent: str = "", mask: bool = False, root: str | None = None) -> str:
        """One line per failure; the matcher is named when it is not the root matcher."""
        if self.is_success:
            return indent + "(match)"
        root = self.matcher if root is None else root
        return "\n".join(
            indent + f.describe(mask=mask) + ("" if f.matcher == root else f" [{f.matcher}]")
            for f in self._failures
        )

    def __repr__(self) -> str:
        return f"<MatchResult {'success' if self.is_success else f'{self.fail_count} failures'}>"


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def closest(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(word, sorted(set(choices)), n=n, cutoff=0.5)


def listing(items: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    rest = len(items) - limit
    return shown + (f", and {rest} more" if rest > 0 else "")


def did_you_mean(kind: str, word: str, choices: Sequence[str]) -> str:
    """Suggestion line: the closest names, or what exists when nothing is close."""
    near = closest(word, choices)
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
