"""``Capture``: a matcher that also records what it matched, for the test to read afterwards
(as AWS CDK's ``Capture``)."""

from __future__ import annotations

import copy
from typing import Any

from pytest_iac.assertions.audit import records_failures
from pytest_iac.assertions.matchers import Matcher, compile_pattern
from pytest_iac.assertions.result import MatchResult
from pytest_iac.assertions.values import MISSING, UNSET, json_type, show

__all__ = ["Capture"]


@records_failures("as_string", "as_number", "as_boolean", "as_array", "as_object")
class Capture(Matcher):
    """A matcher that records every non-null value it matched (optionally also matching ``pattern``).

    Values are committed only when the overall match succeeds; read them with
    ``as_string()`` etc. (the current one) and move on with ``next()``."""

    name = "capture"

    def __init__(self, pattern: Any = None) -> None:
        __tracebackhide__ = True
        self.pattern = UNSET if pattern is None else pattern
        self._inner = None if pattern is None else compile_pattern(pattern, self.name, True)
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
        __tracebackhide__ = True
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
        __tracebackhide__ = True
        return self._current("string")  # type: ignore[no-any-return]

    def as_number(self) -> int | float:
        __tracebackhide__ = True
        return self._current("number")  # type: ignore[no-any-return]

    def as_boolean(self) -> bool:
        __tracebackhide__ = True
        return self._current("boolean")  # type: ignore[no-any-return]

    def as_array(self) -> list[Any]:
        __tracebackhide__ = True
        return list(self._current("array"))

    def as_object(self) -> dict[str, Any]:
        __tracebackhide__ = True
        return dict(self._current("object"))

