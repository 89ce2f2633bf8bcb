"""Every failed query assertion is reported, even when the test catches the ``AssertionError``.

A test that wraps ``has_resource_properties`` in ``try``/``except AssertionError`` (or in
``pytest.raises``) passes while the stack did not match; the gate must not count it. The
public methods of ``Template`` (and the readers of ``Capture``) are wrapped once, here: a
failure is handed to every listener (the plugin's recorder, which knows the running test)
before it propagates, its message masked (``masking``) on the way. The wrapper hides its own frame, so tracebacks and ``-l`` show the
test's line and locals, not ours.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from pytest_iac.masking import mask_text

__all__ = ["listen", "records_failures"]

T = TypeVar("T", bound=type)
Listener = Callable[[str, AssertionError], None]
_listeners: list[Listener] = []
_SEEN = "_pytest_iac_reported"


def listen(listener: Listener) -> Callable[[], None]:
    """Call ``listener(query, error)`` for each failed query assertion; returns the undo."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener) if listener in _listeners else None


def _report(query: str, error: AssertionError) -> None:
    if getattr(error, _SEEN, False):  # a public method that called another one
        return
    try:
        setattr(error, _SEEN, True)
    except AttributeError:
        pass
    for listener in list(_listeners):
        listener(query, error)


def _recording(method: Callable[..., Any], query: str) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        try:
            return method(*args, **kwargs)
        except AssertionError as error:
            if error.args and isinstance(error.args[0], str):
                error.args = (mask_text(error.args[0]), *error.args[1:])
            _report(query, error)
            raise

    return wrapper


def records_failures(*names: str) -> Callable[[T], T]:
    """Class decorator: the named methods (default: every public function) report failures."""

    def decorate(cls: T) -> T:
        chosen = names or tuple(n for n, v in vars(cls).items() if not n.startswith("_") and callable(v)
                                and not isinstance(v, (classmethod, staticmethod, type)))
        for name in chosen:
            setattr(cls, name, _recording(vars(cls)[name], f"{cls.__name__}.{name}"))
        return cls

    return decorate
