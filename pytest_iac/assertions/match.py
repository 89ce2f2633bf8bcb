"""``Match``: the factories of special matching, usable wherever a pattern value is expected
(as AWS CDK's ``Match``)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pytest_iac.assertions.matchers import (AbsentMatch, AnyValueMatch, ArrayMatch, Matcher, NotMatch, ObjectMatch,
                                            RegexpMatch, SensitiveMatch, SerializedJsonMatch, UnknownMatch,
                                            compile_pattern)
from pytest_iac.assertions.result import MatchResult

__all__ = ["Match"]


class Match:
    """Factories for special matching; use wherever a pattern value is expected."""

    def __init__(self) -> None:
        __tracebackhide__ = True
        raise TypeError("Match is a namespace of static factories; do not instantiate it")

    @staticmethod
    def object_like(pattern: Mapping[str, Any]) -> Matcher:
        """The actual object has at least these keys, with matching values (nested dicts: the same)."""
        __tracebackhide__ = True
        return ObjectMatch("object_like", pattern, partial=True, explicit=True)

    @staticmethod
    def object_equals(pattern: Mapping[str, Any]) -> Matcher:
        """Exactly these keys; nested plain dicts must match exactly too."""
        __tracebackhide__ = True
        return ObjectMatch("object_equals", pattern, partial=False, explicit=True)

    @staticmethod
    def array_with(pattern: Sequence[Any]) -> Matcher:
        """The pattern's elements match elements of the actual array, in the same order, gaps allowed."""
        __tracebackhide__ = True
        return ArrayMatch("array_with", pattern, subsequence=True, partial=True, explicit=True)

    @staticmethod
    def array_equals(pattern: Sequence[Any]) -> Matcher:
        """Same length, element by element, in order."""
        __tracebackhide__ = True
        return ArrayMatch("array_equals", pattern, subsequence=False, partial=True, explicit=True)

    @staticmethod
    def exact(pattern: Any) -> Matcher:
        """Deep exact equality; nested matchers are still honoured, plain dicts are not partial."""
        __tracebackhide__ = True
        if isinstance(pattern, Matcher):
            raise TypeError("Match.exact() cannot directly wrap another matcher; nest it deeper")
        return compile_pattern(pattern, "exact", False, explicit=True)

    @staticmethod
    def any_value() -> Matcher:
        """Present and not null."""
        return AnyValueMatch()

    @staticmethod
    def unknown() -> Matcher:
        """A value of a Terraform plan that is known only after apply (an ARN, an id)."""
        return UnknownMatch()

    @staticmethod
    def sensitive() -> Matcher:
        """A value a Terraform plan marks sensitive (a ``sensitive`` variable or output, an attribute
        such as a password): present, hidden as ``(sensitive value)``, never compared or shown."""
        return SensitiveMatch()

    @staticmethod
    def absent() -> Matcher:
        """The key is missing (or null)."""
        return AbsentMatch()

    @staticmethod
    def not_(pattern: Any) -> Matcher:
        """Anything that does not match ``pattern`` (a missing key included)."""
        __tracebackhide__ = True
        return NotMatch(pattern)

    @staticmethod
    def string_like_regexp(pattern: str | re.Pattern[str]) -> Matcher:
        """A string in which ``re.search(pattern)`` finds a match."""
        __tracebackhide__ = True
        return RegexpMatch(pattern)

    @staticmethod
    def serialized_json(pattern: Any) -> Matcher:
        """A string holding JSON whose decoded value matches ``pattern``."""
        __tracebackhide__ = True
        return SerializedJsonMatch(pattern)

    @staticmethod
    def as_matcher(pattern: Any) -> Matcher:
        """The matcher a plain pattern stands for (a Matcher is returned unchanged)."""
        __tracebackhide__ = True
        if isinstance(pattern, Mapping):
            return compile_pattern(pattern, "object_like", True)
        if isinstance(pattern, (list, tuple)):
            return compile_pattern(pattern, "array_equals", True)
        return compile_pattern(pattern, "exact", True)

    @staticmethod
    def evaluate(pattern: Any, actual: Any) -> MatchResult:
        """Test ``actual`` against ``pattern`` and commit captures on success."""
        __tracebackhide__ = True
        return Match.as_matcher(pattern).test(actual).finish()
