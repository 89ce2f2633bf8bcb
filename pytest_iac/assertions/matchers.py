"""The matchers for Terraform JSON, modelled on AWS CDK's ``assertions`` (Match, Capture).

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

The public factories are ``Match`` (``match.py``) and ``Capture`` (``capture.py``); this
module holds the ``Matcher`` base class and the matchers they build.
"""

from __future__ import annotations

import json
import re
from abc import abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any

from pytest_iac.terraform.sensitive import Sensitive
from pytest_iac.terraform.unknown import Unknown
from pytest_iac.assertions.result import MatchResult
from pytest_iac.assertions.values import DECODED, MISSING, UNSET, Describable, json_type, render_value

__all__ = ["AbsentMatch", "AnyValueMatch", "ArrayMatch", "LiteralMatch", "Matcher", "NotMatch", "ObjectMatch",
           "RegexpMatch", "SensitiveMatch", "SerializedJsonMatch", "UnknownMatch", "compile_pattern"]

_SENSITIVE_HINT = ("expected {expected}, got a sensitive value: terraform hides it in the plan, so it cannot be "
                   "compared; assert on it with Match.sensitive() (or Match.any_value())")


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


def compile_pattern(pattern: Any, name: str, partial: bool, explicit: bool = False) -> Matcher:
    """The matcher a pattern stands for inside ``name``: a dict an object match, a list an array
    match (``partial``: nested plain dicts match partially), anything else a literal."""
    __tracebackhide__ = True
    if isinstance(pattern, Matcher):
        return pattern
    if isinstance(pattern, Mapping):
        return ObjectMatch(name, pattern, partial=partial, explicit=explicit)
    if isinstance(pattern, (list, tuple)):
        return ArrayMatch(name, pattern, subsequence=False, partial=partial, explicit=explicit)
    return LiteralMatch(name, pattern, explicit=explicit)


class LiteralMatch(Matcher):
    def __init__(self, name: str, value: Any, *, explicit: bool = False) -> None:
        self.name, self.pattern, self._explicit = name, value, explicit

    def describe(self) -> str:
        return super().describe() if self._explicit else render_value(self.pattern)

    def test(self, actual: Any) -> MatchResult:
        result = MatchResult(actual, self.name)
        if actual is MISSING:
            return self._missing(result)
        if isinstance(actual, Sensitive) and not isinstance(self.pattern, Sensitive):
            return result.fail(self, _SENSITIVE_HINT, expected=self.pattern)
        if json_type(actual) != json_type(self.pattern) or actual != self.pattern:
            result.fail(self, "expected {expected}, got {actual}", expected=self.pattern, actual=actual)
        return result

    def matches(self, actual: Any) -> bool:
        # equality first: it rejects almost every candidate, json_type only confirms a hit
        pattern = self.pattern
        return actual is not MISSING and actual == pattern and json_type(actual) == json_type(pattern)


class ObjectMatch(Matcher):
    def __init__(self, name: str, pattern: Mapping[str, Any], *, partial: bool, explicit: bool) -> None:
        __tracebackhide__ = True
        if not isinstance(pattern, Mapping):
            raise TypeError(f"{name}() needs a dict pattern, got {json_type(pattern)}")
        self.name, self.pattern, self._partial, self._explicit = name, dict(pattern), partial, explicit
        self._children = {key: compile_pattern(value, name, partial) for key, value in pattern.items()}
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


class ArrayMatch(Matcher):
    def __init__(self, name: str, pattern: Sequence[Any], *, subsequence: bool,
                 partial: bool, explicit: bool) -> None:
        __tracebackhide__ = True
        if not isinstance(pattern, (list, tuple)):
            raise TypeError(f"{name}() needs a list pattern, got {json_type(pattern)}")
        self.name, self.pattern, self._explicit = name, list(pattern), explicit
        self._subsequence = subsequence
        self._children = [compile_pattern(p, name, partial) for p in pattern]
        if subsequence and any(isinstance(c, AbsentMatch) for c in self._children):
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


class AbsentMatch(Matcher):
    name = "absent"

    def test(self, actual: Any) -> MatchResult:
        result = MatchResult(actual, self.name)
        if actual is not MISSING and actual is not None:
            result.fail(self, "expected absent, got {actual}", actual=actual)
        return result

    def matches(self, actual: Any) -> bool:
        return actual is MISSING or actual is None


class AnyValueMatch(Matcher):
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


class UnknownMatch(Matcher):
    """A value a plan knows only after apply (see ``plan_adapter.UNKNOWN``)."""

    name = "unknown"

    def test(self, actual: Any) -> MatchResult:
        result = MatchResult(actual, self.name)
        if actual is MISSING:
            return result.fail(self, "missing (expected a value known after apply)")
        if not isinstance(actual, Unknown):
            result.fail(self, "expected a value known only after apply, got {actual}", actual=actual)
        return result

    def matches(self, actual: Any) -> bool:
        return isinstance(actual, Unknown)


class SensitiveMatch(Matcher):
    """A value a plan marks sensitive (see ``terraform.sensitive.SENSITIVE``): present, never shown."""

    name = "sensitive"

    def test(self, actual: Any) -> MatchResult:
        result = MatchResult(actual, self.name)
        if actual is MISSING:
            return result.fail(self, "missing (expected a sensitive value)")
        if not isinstance(actual, Sensitive):
            result.fail(self, "expected a sensitive value, got {actual}", actual=actual)
        return result

    def matches(self, actual: Any) -> bool:
        return isinstance(actual, Sensitive)


class NotMatch(Matcher):
    name = "not"

    def __init__(self, pattern: Any) -> None:
        __tracebackhide__ = True
        self.pattern = pattern
        self._inner = compile_pattern(pattern, self.name, True)

    def test(self, actual: Any) -> MatchResult:
        result = MatchResult(actual, self.name)
        if self._inner.test(actual).is_success:
            result.fail(self, "expected not to match {expected}, got {actual}",
                        expected=self.pattern, actual=actual)
        return result

    def matches(self, actual: Any) -> bool:
        return not self._inner.matches(actual)


class RegexpMatch(Matcher):
    name = "string_like_regexp"

    def __init__(self, pattern: str | re.Pattern[str]) -> None:
        __tracebackhide__ = True
        self._regex = pattern if isinstance(pattern, re.Pattern) else re.compile(pattern)
        self.pattern = self._regex.pattern

    def test(self, actual: Any) -> MatchResult:
        result = MatchResult(actual, self.name)
        if actual is MISSING:
            return self._missing(result)
        if isinstance(actual, Sensitive):
            return result.fail(self, _SENSITIVE_HINT, expected=self)
        if not isinstance(actual, str) or not self._regex.search(actual):
            result.fail(self, "expected a string matching regexp {expected}, got {actual}",
                        expected=self.pattern, actual=actual)
        return result

    def matches(self, actual: Any) -> bool:
        return isinstance(actual, str) and not isinstance(actual, Sensitive) and self._regex.search(actual) is not None


class SerializedJsonMatch(Matcher):
    name = "serialized_json"

    def __init__(self, pattern: Any) -> None:
        __tracebackhide__ = True
        self.pattern = pattern
        self._inner = compile_pattern(pattern, self.name, True)

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

