"""Matchers for Terraform JSON, modelled on AWS CDK's ``assertions`` (Match, Capture).

Literal patterns follow one rule: a plain ``dict`` is matched like
``Match.object_like`` (the actual object may have more keys, and nested plain
dicts are partial too), a plain ``list`` must have the same length and match
element by element, and any other value compares equal with the same JSON type
(``1`` does not match ``True``). Inside ``Match.exact`` and
``Match.object_equals`` nested plain dicts must match exactly instead.

Where this differs from CDK (on purpose, for Terraform's block lists):
plain dicts inside ``array_with``/``array_equals``/``not_``/``serialized_json``
also match partially; ``absent`` accepts a ``null`` value as well as a missing
key, since Terraform treats both as unset; ``not_`` matches a missing key.

Captures are committed only by ``MatchResult.finish()`` on a successful
overall match (the Template finishes the result of every candidate that
matches), so a Capture never holds values from a failed attempt.

Every matcher also has ``matches(actual)``: whether ``test(actual)`` would
succeed, without building the failure detail or collecting captures (so it
commits nothing). A caller can screen many candidates with it and ``test`` only
those whose captures or failure detail it needs.
"""

from __future__ import annotations

import copy
import json
import re
from abc import abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any

from pytest_iac.assertions.messages import (
    DECODED,
    MISSING,
    UNSET,
    Describable,
    Failure,
    MatchResult,
    json_type,
    render_value,
    show,
)

__all__ = ["Capture", "Failure", "Match", "MatchResult", "Matcher"]



class Matcher(Describable):
    """Base class: ``test(actual)`` returns a MatchResult. ``actual`` is MISSING for an absent key."""

    name: str = "matcher"
    pattern: Any = UNSET

    @abstractmethod
    def test(self, actual: Any) -> MatchResult: ...

    def matches(self, actual: Any) -> bool:
        """``test(actual).is_success``, where a matcher can tell more cheaply (no failures, no captures)."""
        return self.test(actual).is_success

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A subclass that redefines test() but not matches() must not inherit a shortcut
        # written for another test(): it gets the default, which asks its own test().
        super().__init_subclass__(**kwargs)
        if "test" in cls.__dict__ and "matches" not in cls.__dict__:
            cls.matches = Matcher.matches  # type: ignore[method-assign]

    def describe(self) -> str:
        return f"<{self.name}>" if self.pattern is UNSET else f"<{self.name} {render_value(self.pattern)}>"

    def expectation(self) -> Any:
        """What the top line of a failure report shows."""
        return self if self.pattern is UNSET else self.pattern

    def _missing(self, result: MatchResult) -> MatchResult:
        return result.fail(self, "missing (expected {expected})", expected=self)

    def __repr__(self) -> str:
        return self.describe()


def _compile(pattern: Any, name: str, partial: bool, explicit: bool = False) -> Matcher:
    if isinstance(pattern, Matcher):
        return pattern
    if isinstance(pattern, Mapping):
        return _ObjectMatch(name, pattern, partial=partial, explicit=explicit)
    if isinstance(pattern, (list, tuple)):
        return _ArrayMatch(name, pattern, subsequence=False, partial=partial, explicit=explicit)
    return _Literal(name, pattern, explicit=explicit)


class _Literal(Matcher):
    def __init__(self, name: str, value: Any, *, explicit: bool = False) -> None:
        self.name, self.pattern, self._explicit = name, value, explicit

    def describe(self) -> str:
        return super().describe() if self._explicit else render_value(self.pattern)

    def test(self, actual: Any) -> MatchResult:
        result = MatchResult(actual, self.name)
        if actual is MISSING:
            return self._missing(result)
        if json_type(actual) != json_type(self.pattern) or actual != self.pattern:
            result.fail(self, "expected {expected}, got {actual}", expected=self.pattern, actual=actual)
        return result

    def matches(self, actual: Any) -> bool:
        # equality first: it rejects almost every candidate, json_type only confirms a hit
        pattern = self.pattern
        return actual is not MISSING and actual == pattern and json_type(actual) == json_type(pattern)


class _ObjectMatch(Matcher):
    def __init__(self, name: str, pattern: Mapping[str, Any], *, partial: bool, explicit: bool) -> None:
        if not isinstance(pattern, Mapping):
            raise TypeError(f"{name}() needs a dict pattern, got {json_type(pattern)}")
        self.name, self.pattern, self._partial, self._explicit = name, dict(pattern), partial, explicit
        self._children = {key: _compile(value, name, partial) for key, value in pattern.items()}
        self._child_items = tuple(self._children.items())

    def describe(self) -> str:
        return super().describe() if self._explicit else render_value(self.pattern)

    def test(self, actual: Any) -> MatchResult:
        result = MatchResult(actual, self.name)
        if actual is MISSING:
            return self._missing(result)
        if not isinstance(actual, Mapping):
            return result.fail(self, "expected an object, got {actual}", actual=actual)
        for key, child in self._children.items():
            result.compose(key, child.test(actual.get(key, MISSING)))
        if not self._partial:
            for key in actual:
                if key not in self._children:
                    result.fail(self, "unexpected key (value {actual})", path=(key,), actual=actual[key])
        return result

    def matches(self, actual: Any) -> bool:
        if type(actual) is not dict and (actual is MISSING or not isinstance(actual, Mapping)):
            return False
        get = actual.get
        for key, child in self._child_items:
            if not child.matches(get(key, MISSING)):
                return False
        if not self._partial:
            children = self._children
            return all(key in children for key in actual)
        return True


class _ArrayMatch(Matcher):
    def __init__(self, name: str, pattern: Sequence[Any], *, subsequence: bool,
                 partial: bool, explicit: bool) -> None:
        if not isinstance(pattern, (list, tuple)):
            raise TypeError(f"{name}() needs a list pattern, got {json_type(pattern)}")
        self.name, self.pattern, self._explicit = name, list(pattern), explicit
        self._subsequence = subsequence
        self._children = [_compile(p, name, partial) for p in pattern]
        if subsequence and any(isinstance(c, _Absent) for c in self._children):
            raise ValueError(f"Match.absent() cannot be nested within {name}(): no element can be absent")

    def describe(self) -> str:
        return super().describe() if self._explicit else render_value(self.pattern)

    def test(self, actual: Any) -> MatchResult:
        result = MatchResult(actual, self.name)
        if actual is MISSING:
            return self._missing(result)
        if not isinstance(actual, (list, tuple)):
            return result.fail(self, "expected an array, got {actual}", actual=actual)
        if self._subsequence:
            return self._test_subsequence(result, list(actual))
        for i, (child, item) in enumerate(zip(self._children, actual)):
            result.compose(i, child.test(item))
        for i in range(len(actual), len(self._children)):
            result.fail(self, "missing element (expected {expected})", path=(i,), expected=self._children[i])
        for i in range(len(self._children), len(actual)):
            result.fail(self, "unexpected element {actual}", path=(i,), actual=actual[i])
        return result

    def matches(self, actual: Any) -> bool:
        if actual is MISSING or not isinstance(actual, (list, tuple)):
            return False
        children = self._children
        if self._subsequence:
            p, wanted = 0, len(children)
            for item in actual:
                if p == wanted:
                    break
                if children[p].matches(item):
                    p += 1
            return p == wanted
        return len(actual) == len(children) and all(c.matches(a) for c, a in zip(children, actual))

    def _test_subsequence(self, result: MatchResult, actual: list[Any]) -> MatchResult:
        """Greedy in-order search: each pattern element matches a later element than the previous."""
        p = 0
        attempts: list[tuple[int, MatchResult]] = []
        for index, item in enumerate(actual):
            if p == len(self._children):
                break
            inner = self._children[p].test(item)
            if inner.is_success:
                result.compose(index, inner)
                p, attempts = p + 1, []
            else:
                attempts.append((index, inner))
        if p == len(self._children):
            return result
        if not attempts:
            return result.fail(self, f"no element left to match pattern [{p}] {{expected}}",
                               path=(len(actual),), expected=self._children[p])
        index, best = min(attempts, key=lambda a: (a[1].fail_count, a[0]))
        result.fail(self, f"no element matches pattern [{p}] {{expected}}; closest is element [{index}]",
                    expected=self._children[p])
        return result.compose(index, best)


class _Absent(Matcher):
    name = "absent"

    def test(self, actual: Any) -> MatchResult:
        result = MatchResult(actual, self.name)
        if actual is not MISSING and actual is not None:
            result.fail(self, "expected absent, got {actual}", actual=actual)
        return result

    def matches(self, actual: Any) -> bool:
        return actual is MISSING or actual is None


class _AnyValue(Matcher):
    name = "any_value"

    def test(self, actual: Any) -> MatchResult:
        result = MatchResult(actual, self.name)
        if actual is MISSING:
            return result.fail(self, "missing (expected any value)")
        if actual is None:
            result.fail(self, "expected any value, got null")
        return result

    def matches(self, actual: Any) -> bool:
        return actual is not MISSING and actual is not None


class _Not(Matcher):
    name = "not"

    def __init__(self, pattern: Any) -> None:
        self.pattern = pattern
        self._inner = _compile(pattern, self.name, True)

    def test(self, actual: Any) -> MatchResult:
        result = MatchResult(actual, self.name)
        if self._inner.test(actual).is_success:
            result.fail(self, "expected not to match {expected}, got {actual}",
                        expected=self.pattern, actual=actual)
        return result

    def matches(self, actual: Any) -> bool:
        return not self._inner.matches(actual)


class _Regexp(Matcher):
    name = "string_like_regexp"

    def __init__(self, pattern: str | re.Pattern[str]) -> None:
        self._regex = pattern if isinstance(pattern, re.Pattern) else re.compile(pattern)
        self.pattern = self._regex.pattern

    def test(self, actual: Any) -> MatchResult:
        result = MatchResult(actual, self.name)
        if actual is MISSING:
            return self._missing(result)
        if not isinstance(actual, str) or not self._regex.search(actual):
            result.fail(self, "expected a string matching regexp {expected}, got {actual}",
                        expected=self.pattern, actual=actual)
        return result

    def matches(self, actual: Any) -> bool:
        return isinstance(actual, str) and self._regex.search(actual) is not None


class _SerializedJson(Matcher):
    name = "serialized_json"

    def __init__(self, pattern: Any) -> None:
        self.pattern = pattern
        self._inner = _compile(pattern, self.name, True)

    def test(self, actual: Any) -> MatchResult:
        result = MatchResult(actual, self.name)
        if actual is MISSING:
            return self._missing(result)
        if not isinstance(actual, str):
            return result.fail(self, "expected a JSON string, got {actual}", actual=actual)
        try:
            parsed = json.loads(actual)
        except ValueError:
            return result.fail(self, "expected a JSON string, got invalid JSON {actual}", actual=actual)
        return result.compose(DECODED, self._inner.test(parsed))

    def matches(self, actual: Any) -> bool:
        if not isinstance(actual, str):
            return False
        try:
            parsed = json.loads(actual)
        except ValueError:
            return False
        return self._inner.matches(parsed)


class Capture(Matcher):
    """A matcher that records every non-null value it matched (optionally also matching ``pattern``).

    Values are committed only when the overall match succeeds; read them with
    ``as_string()`` etc. (the current one) and move on with ``next()``."""

    name = "capture"

    def __init__(self, pattern: Any = None) -> None:
        self.pattern = UNSET if pattern is None else pattern
        self._inner = None if pattern is None else _compile(pattern, self.name, True)
        self._values: list[Any] = []
        self._sensitive: list[bool] = []
        self._index = 0

    def test(self, actual: Any) -> MatchResult:
        if actual is MISSING:
            return self._missing(MatchResult(actual, self.name))
        if actual is None:
            return MatchResult(actual, self.name).fail(self, "expected a non-null value to capture, got null")
        result = MatchResult(actual, self.name) if self._inner is None else self._inner.test(actual)
        if result.is_success:
            result.capture(self, actual)
        return result

    def matches(self, actual: Any) -> bool:
        if actual is MISSING or actual is None:
            return False
        return self._inner is None or self._inner.matches(actual)

    def _commit(self, value: Any, sensitive: bool) -> None:
        self._values.append(copy.deepcopy(value))
        self._sensitive.append(sensitive)

    @property
    def values(self) -> list[Any]:
        """Every captured value, in match order (a copy)."""
        return copy.deepcopy(self._values)

    def next(self) -> bool:
        """Move to the next captured value; False (and stay) when there is none."""
        if self._index < len(self._values) - 1:
            self._index += 1
            return True
        return False

    def _current(self, expected: str) -> Any:
        if not self._values:
            raise AssertionError("Capture: no value captured (the pattern never matched successfully)")
        value = self._values[self._index]
        if json_type(value) != expected:
            shown = show(value, masked=self._sensitive[self._index])
            raise AssertionError(
                f"Capture: captured value [{self._index}] is expected to be {expected}"
                f" but is {json_type(value)}: {shown}"
            )
        return copy.deepcopy(value)

    def as_string(self) -> str:
        return self._current("string")  # type: ignore[no-any-return]

    def as_number(self) -> int | float:
        return self._current("number")  # type: ignore[no-any-return]

    def as_boolean(self) -> bool:
        return self._current("boolean")  # type: ignore[no-any-return]

    def as_array(self) -> list[Any]:
        return list(self._current("array"))

    def as_object(self) -> dict[str, Any]:
        return dict(self._current("object"))


class Match:
    """Factories for special matching; use wherever a pattern value is expected."""

    def __init__(self) -> None:
        raise TypeError("Match is a namespace of static factories; do not instantiate it")

    @staticmethod
    def object_like(pattern: Mapping[str, Any]) -> Matcher:
        """The actual object has at least these keys, with matching values (nested dicts: the same)."""
        return _ObjectMatch("object_like", pattern, partial=True, explicit=True)

    @staticmethod
    def object_equals(pattern: Mapping[str, Any]) -> Matcher:
        """Exactly these keys; nested plain dicts must match exactly too."""
        return _ObjectMatch("object_equals", pattern, partial=False, explicit=True)

    @staticmethod
    def array_with(pattern: Sequence[Any]) -> Matcher:
        """The pattern's elements match elements of the actual array, in the same order, gaps allowed."""
        return _ArrayMatch("array_with", pattern, subsequence=True, partial=True, explicit=True)

    @staticmethod
    def array_equals(pattern: Sequence[Any]) -> Matcher:
        """Same length, element by element, in order."""
        return _ArrayMatch("array_equals", pattern, subsequence=False, partial=True, explicit=True)

    @staticmethod
    def exact(pattern: Any) -> Matcher:
        """Deep exact equality; nested matchers are still honoured, plain dicts are not partial."""
        if isinstance(pattern, Matcher):
            raise TypeError("Match.exact() cannot directly wrap another matcher; nest it deeper")
        return _compile(pattern, "exact", False, explicit=True)

    @staticmethod
    def any_value() -> Matcher:
        """Present and not null."""
        return _AnyValue()

    @staticmethod
    def absent() -> Matcher:
        """The key is missing (or null)."""
        return _Absent()

    @staticmethod
    def not_(pattern: Any) -> Matcher:
        """Anything that does not match ``pattern`` (a missing key included)."""
        return _Not(pattern)

    @staticmethod
    def string_like_regexp(pattern: str | re.Pattern[str]) -> Matcher:
        """A string in which ``re.search(pattern)`` finds a match."""
        return _Regexp(pattern)

    @staticmethod
    def serialized_json(pattern: Any) -> Matcher:
        """A string holding JSON whose decoded value matches ``pattern``."""
        return _SerializedJson(pattern)

    @staticmethod
    def as_matcher(pattern: Any) -> Matcher:
        """The matcher a plain pattern stands for (a Matcher is returned unchanged)."""
        if isinstance(pattern, Mapping):
            return _compile(pattern, "object_like", True)
        if isinstance(pattern, (list, tuple)):
            return _compile(pattern, "array_equals", True)
        return _compile(pattern, "exact", True)

    @staticmethod
    def evaluate(pattern: Any, actual: Any) -> MatchResult:
        """Test ``actual`` against ``pattern`` and commit captures on success."""
        return Match.as_matcher(pattern).test(actual).finish()
