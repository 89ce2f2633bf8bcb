"""What testing one value against a matcher found: ``Failure`` (one difference) and
``MatchResult`` (all of them, plus the captures to commit if the whole match succeeds).

A result knows matchers and captures only by the little it asks of them (a ``name``, a way
to commit a value), so this module imports no matcher and every matcher can import it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from pytest_iac.assertions.values import UNSET, Path, is_sensitive, pointer, show

__all__ = ["Failure", "MatchResult"]

_PLACEHOLDER = re.compile(r"\{(expected|actual)\}")


class _Named(Protocol):
    @property
    def name(self) -> str: ...


class _Committing(Protocol):
    def _commit(self, value: Any, sensitive: bool) -> None: ...


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
        self._captures: list[tuple[_Committing, Path, Any]] = []
        self._finished = False

    def fail(self, matcher: _Named, message: str, *, path: Path = (),
             expected: Any = UNSET, actual: Any = UNSET) -> MatchResult:
        self._failures.append(Failure(tuple(path), matcher.name, message, expected, actual))
        return self

    def compose(self, segment: Any, inner: MatchResult) -> MatchResult:
        """Adopt ``inner``'s failures and captures, nested under ``segment``."""
        for f in inner._failures:
            self._failures.append(Failure((segment, *f.path), f.matcher, f.message, f.expected, f.actual))
        self._captures.extend((cap, (segment, *p), v) for cap, p, v in inner._captures)
        return self

    def capture(self, capture: _Committing, value: Any) -> None:
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
