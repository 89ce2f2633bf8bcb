"""What the user's entry may not do to the session: end it, fork it, or hang it.

The entry runs in the pytest process (so imports, coverage and the cache see it), which lets it
reach the process itself:

* ``sys.exit()``, ``GeneratorExit`` or any other ``BaseException`` becomes one ``EntryError``
  naming the entry. ``KeyboardInterrupt`` is left alone: Ctrl-C must still stop the run.
* ``os.fork()``: the child must never go on to run a second session, nor talk to the jsii kernel
  whose pipes it shares, so it ends with ``os._exit`` the moment it exists (an at-fork hook; the
  guard also ends any process other than its owner that comes back through it). The parent
  reports the fork as an error.
* A loop that never ends: a ``SIGALRM`` timer (``signal.setitimer``) raises ``SynthesisTimeout``
  in the main thread, between two bytecodes or in an interrupted system call, so the session
  goes on and fails the entry by name. A signal can't stop C code that never returns to the
  interpreter, so ``faulthandler`` ends the process a grace period later, printing where it hung:
  no hang, even then. Off the main thread (no signals there) only that backstop applies. An
  alarm set by someone else (pytest-timeout's signal method) is restored afterwards.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

from pytest_iac.config.entry import EntryError, EntrySpec, user_traceback

__all__ = ["BACKSTOP_GRACE", "SynthesisTimeout", "guarded"]

BACKSTOP_GRACE = 30.0
_forks: list[int] = []
_watching = False


class SynthesisTimeout(BaseException):
    """Raised into the entry's code when it ran past ``--iac-synth-timeout``. A BaseException so
    that the entry's own ``except Exception`` can't swallow it."""


def _after_fork_in_parent() -> None:
    if _watching:
        _forks.append(os.getpid())


def _after_fork_in_child() -> None:
    if _watching:  # the child shares the jsii kernel's pipes: it must not run one more bytecode
        os._exit(0)


if hasattr(os, "register_at_fork"):  # POSIX only, as fork is
    os.register_at_fork(after_in_parent=_after_fork_in_parent, after_in_child=_after_fork_in_child)


@contextlib.contextmanager
def guarded(spec: EntrySpec, timeout: float | None) -> Iterator[None]:
    """Run the entry's code inside: see the module docstring for what is caught and how."""
    global _watching
    owner = os.getpid()
    _forks.clear()
    _watching = True
    try:
        with _deadline(spec, timeout):
            yield
    except KeyboardInterrupt:
        raise
    except SynthesisTimeout:
        raise EntryError(f"stack entry {spec.describe()} did not finish synthesizing within {timeout:g} s "
                         "(--iac-synth-timeout / iac_synth_timeout); it may loop forever or wait on "
                         "something that never comes") from None
    except SystemExit as exc:
        if os.getpid() != owner:
            os._exit(0)
        if exc.code not in (None, 0):
            raise EntryError(f"stack entry {spec.describe()} exited with status {exc.code!r} (sys.exit); "
                             "an entry must build the App and return, not end the process") from None
    except EntryError:
        raise
    except BaseException as exc:  # GeneratorExit and other non-Exception exceptions
        if os.getpid() != owner:
            os._exit(1)
        if isinstance(exc, Exception):
            raise
        raise EntryError(f"stack entry {spec.describe()} raised {type(exc).__name__}, which would end the "
                         f"test session:\n{user_traceback(exc)}") from None
    finally:
        _watching = False
        if os.getpid() != owner:
            os._exit(0)  # a child the entry forked: it must never run the rest of the session
    if _forks:
        raise EntryError(f"stack entry {spec.describe()} forked a child process (os.fork); the child was "
                         "ended when it returned from the entry. Synthesize in one process.")


@contextlib.contextmanager
def _deadline(spec: EntrySpec, timeout: float | None) -> Iterator[None]:
    if not timeout:
        yield
        return
    faulthandler.dump_traceback_later(timeout + BACKSTOP_GRACE, exit=True)
    main = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    if not main:
        try:
            yield
        finally:
            faulthandler.cancel_dump_traceback_later()
        return

    def expired(signum: int, frame: Any) -> None:
        raise SynthesisTimeout

    began = time.monotonic()
    previous_handler = signal.signal(signal.SIGALRM, expired)
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        faulthandler.cancel_dump_traceback_later()
        if previous_delay:
            left = previous_delay - (time.monotonic() - began)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), previous_interval)
