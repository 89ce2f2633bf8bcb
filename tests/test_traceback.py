"""The assertion helpers raise on behalf of the test: their frames are hidden, so a failure
points at the test's line (also under ``--tb=line``) and ``-l`` shows only the test's locals."""

from __future__ import annotations

import pytest

TESTS = """
    from pytest_iac import Capture, Match, Template

    T = Template({"resource": {"aws_s3_bucket": {"b": {"bucket": "x"}}},
                  "output": {"o": {"value": "v"}}})

    def test_properties():
        wanted = {"bucket": "y"}
        T.has_resource_properties("aws_s3_bucket", wanted)

    def test_count():
        T.resource_count_is("aws_s3_bucket", 2)

    def test_all():
        T.all_resources_properties("aws_s3_bucket", {"bucket": "y"})

    def test_address():
        T.resource("aws_s3_bucket.c")

    def test_view_key():
        T.resource("aws_s3_bucket.b")["acl"]

    def test_output():
        T.has_output("o", {"value": "w"})

    def test_capture():
        Capture().as_string()

    def test_bad_pattern():
        Match.object_like(["not", "a", "dict"])
"""
HELPER_LOCALS = ("tested", "entries", "root", "header", "noun", "callback", "named", "props", "rtype")


def last_lines(source: str) -> dict[str, int]:
    """Test name -> line number of its last statement (where the failure must point)."""
    lines, current = {}, None
    for number, text in enumerate(source.splitlines(), start=1):
        if text.startswith("def test_"):
            current = text[4:text.index("(")]
        elif current and text.strip():
            lines[current] = number
    return lines


@pytest.fixture
def failing(pytester: pytest.Pytester) -> pytest.Pytester:
    """Runs in a subprocess: an in-process run that first imports the lazily re-exported names
    would leave pytest_iac holding classes of modules pytester then drops from sys.modules."""
    pytester.makepyfile(test_stack=TESTS)
    return pytester


def test_tb_line_points_at_the_test_line(failing: pytest.Pytester) -> None:
    result = failing.runpytest_subprocess("--tb=line")
    lines = last_lines((failing.path / "test_stack.py").read_text())
    result.assert_outcomes(failed=len(lines))
    output = result.stdout.str()
    for name, line in lines.items():
        assert f"test_stack.py:{line}: " in output, (name, output)
    assert "template.py" not in output and "capture.py" not in output and "matchers.py" not in output


def test_tb_short_shows_the_test_line_and_the_message(failing: pytest.Pytester) -> None:
    result = failing.runpytest_subprocess("--tb=short", "-k", "test_properties")
    result.assert_outcomes(failed=1)
    line = last_lines((failing.path / "test_stack.py").read_text())["test_properties"]
    result.stdout.fnmatch_lines([
        f"test_stack.py:{line}: in test_properties",
        "    T.has_resource_properties(\"aws_s3_bucket\", wanted)",
        "E   AssertionError: Template has 1 resource of type aws_s3_bucket, but it does not match the expected properties.",
    ])
    assert "pytest_iac" not in result.stdout.str()


def test_showlocals_shows_only_the_tests_locals(failing: pytest.Pytester) -> None:
    result = failing.runpytest_subprocess("-l", "--tb=long")
    result.assert_outcomes(failed=8)
    output = result.stdout.str()
    assert "wanted     = {'bucket': 'y'}" in output or "wanted = {'bucket': 'y'}" in output
    shown = {line.split("=")[0].strip() for line in output.splitlines()
             if "=" in line and not line.startswith(("E ", ">", " ", "=", "_", "FAILED"))}
    assert not shown & set(HELPER_LOCALS), shown
    assert "self       =" not in output and "self = " not in output
    assert "pytest_iac/assertions" not in output
