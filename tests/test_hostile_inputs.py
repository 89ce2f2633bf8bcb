"""The generated corpus of bad inputs (tests/hostile_corpus.py): each ends in a usage error
(exit 4) or a clear failure, naming the file or the entry, with no traceback and no hang."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from hostile_corpus import TEST as TEST_USING_SYNTH
from hostile_corpus import Case, corpus

CASES = corpus()
FAST = [c for c in CASES if not c.synth]
SYNTH = [c for c in CASES if c.synth]


def test_the_corpus_is_large_and_its_ids_unique():
    assert len(CASES) >= 200
    assert len({c.id for c in CASES}) == len(CASES)


def _make(pytester: pytest.Pytester, case: Case) -> None:
    for name, content in case.files.items():
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if case.special:
        target = pytester.path / ("special.py" if case.special.endswith("script") else "special.json")
        if case.special == "fifo-json":
            os.mkfifo(target)
        else:
            target.symlink_to("/dev/zero")


def _check(result: pytest.RunResult, case: Case, seconds: float) -> None:
    output = "\n".join(result.outlines + result.errlines)
    assert "Traceback" not in output and "INTERNALERROR" not in output, output[-3000:]
    expected = pytest.ExitCode.USAGE_ERROR if case.expect == "usage" else pytest.ExitCode.TESTS_FAILED
    assert result.ret == expected, output[-3000:]
    for pattern in case.says:
        assert any(_fnmatch(line, pattern) for line in output.splitlines()), f"{pattern!r} not in:\n{output[-3000:]}"
    assert seconds < case.timeout


def _fnmatch(line: str, pattern: str) -> bool:
    from fnmatch import fnmatch

    return fnmatch(line, pattern)


@pytest.mark.parametrize("case", FAST, ids=[c.id for c in FAST])
def test_bad_input_is_a_clear_error(pytester: pytest.Pytester, case: Case):
    _make(pytester, case)
    began = time.monotonic()
    result = pytester.runpytest(*case.args)
    _check(result, case, time.monotonic() - began)


@pytest.mark.parametrize("case", SYNTH, ids=[c.id for c in SYNTH])
def test_bad_entry_is_a_clear_failure(pytester: pytest.Pytester, case: Case, cdktf: None):
    _make(pytester, case)
    began = time.monotonic()
    result = pytester.runpytest_subprocess(*case.args, timeout=case.timeout)
    _check(result, case, time.monotonic() - began)
    assert not list(Path(pytester.path).glob("core*")), "the entry crashed the interpreter"


def test_keyboard_interrupt_in_the_entry_still_interrupts_the_run(pytester: pytest.Pytester, cdktf: None):
    pytester.makepyfile(badentry="def make():\n    raise KeyboardInterrupt\n", test_it=TEST_USING_SYNTH)
    result = pytester.runpytest_subprocess("--iac-app=badentry:make", "-p", "no:cacheprovider", timeout=120)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert "INTERNALERROR" not in result.stdout.str()


def test_synth_timeout_is_a_positive_number_of_seconds(pytester: pytest.Pytester):
    pytester.makepyfile(test_it="def test_it():\n    pass\n")
    for bad in ("0", "-3", "soon", "nan", "inf"):
        result = pytester.runpytest(f"--iac-synth-timeout={bad}")
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        result.stderr.fnmatch_lines([f"*--iac-synth-timeout: '{bad}' is not a number of seconds*"])
    pytester.makeini("[pytest]\niac_synth_timeout = 5\n")
    pytester.runpytest().assert_outcomes(passed=1)
