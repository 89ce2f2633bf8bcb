"""Hollow detection, table-driven: each body is a test linked to a requirement; the table says
whether it is hollow (asserts nothing that depends on the stack) and, if so, why."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
import warnings

import pytest

from pytest_iac.gate.hollow import hollow_reason

HELPERS = '''
import pytest


class Result:
    is_success = True


class Template:
    def has_resource_properties(self, rtype, props):
        return None

    def resource_count_is(self, rtype, count):
        return None

    def has_output(self, name, props=None):
        return None


def value():
    return 2


def items():
    return [1, 2, 3]


def result():
    return Result()


def template():
    return Template()


def parse(text):
    return int(text)


def check(v):
    assert v == 2


def warn_me():
    import warnings
    warnings.warn("w", UserWarning)


def cleanup():
    return None
'''

HOLLOW = [
    ("assert True", "asserts a constant"),
    ("assert 1 == 1", "compares constants"),
    ("assert 'a' == 'a'", "compares constants"),
    ("x = value()\nassert x == x", "compares an expression with itself"),
    ("x = value()\nassert x is x", "compares an expression with itself"),
    ("x = value()\nassert x == x, 'same'", "compares an expression with itself"),
    ("assert value() == value()", "compares an expression with itself"),
    ("assert not False", "asserts an expression of constants"),
    ("assert (value() == 2, 'msg')", "asserts a non-empty tuple, which is always true"),
    ("assert [value() == 2]", "asserts a non-empty list, which is always true"),
    ("assert {value() == 2}", "asserts a non-empty set, which is always true"),
    ("assert {'a': value()}", "asserts a non-empty dict, which is always true"),
    ("assert lambda: value() == 2", "asserts a lambda, which is always true"),
    ("assert (v for v in [value()])", "asserts a generator, which is always true"),
    ("assert f'value {value()}'", "asserts an f-string, which is always true"),
    ("return\nassert value() == 2", None),
    ("raise pytest.skip.Exception('x')\nassert value() == 2", None),
    ("for v in [value()]:\n    continue\n    assert v == 2", None),
    ("for v in [value()]:\n    break\n    assert v == 2", None),
    ("if False:\n    assert value() == 2", None),
    ("if 0:\n    assert value() == 2\nelse:\n    pass", None),
    ("while False:\n    assert value() == 2", None),
    ("if True:\n    pass\nelse:\n    assert value() == 2", None),
    ("def inner():\n    assert value() == 2", None),
    ("with pytest.raises(ValueError):\n    raise ValueError('boom')", "pytest.raises around a bare raise"),
    ("with pytest.raises(ZeroDivisionError):\n    1 / 0", "pytest.raises around a bare raise"),
    ("with pytest.raises(KeyError):\n    pass", "pytest.raises around a bare raise"),
    ("try:\n    assert value() == 3\nexcept AssertionError:\n    pass", "the assertion is swallowed by an except clause"),
    ("try:\n    assert value() == 3\nexcept Exception:\n    pass", "the assertion is swallowed by an except clause"),
    ("try:\n    template().resource_count_is('aws_vpc', 9)\nexcept BaseException:\n    pass", None),
    ("assert 1 + 1 == 2", "compares constants"),
    ("assert '10.0.0.0/16'.endswith('/16')", "asserts an expression of constants"),
    ("assert len('abc') == 3", "compares constants"),
    ("assert sorted([2, 1]) == [1, 2]", "compares constants"),
    ("assert [1, 2] == [1, 2]", "compares constants"),
    ("assert 'GET /' in ['GET /']", "compares constants"),
    ("assert 2 > 1", "compares constants"),
    ("assert None is None", "compares constants"),
    ("x = value()\nassert x is not None", "checks only that a value is not None"),
    ("assert value() != None", "checks only that a value is not None"),
    ("assert not value() is None", "checks only that a value is not None"),
    ("assert isinstance(value(), int)", "checks only isinstance()"),
    ("x = value()\nassert hasattr(x, 'real')", "checks only hasattr()"),
    ("x = value()\nassert x is not None and isinstance(x, int)", "checks only that a value is not None"),
    ("assert len(items()) >= 0", "len() >= 0 is always true"),
    ("assert 0 <= len(items())", "0 <= len() is always true"),
    ("assert value() == 3 or True", "is always true (or with a true constant)"),
    ("value()", None),
    ("pass", None),
    ("x = template()\nx.find_resources = None", None),
]

REAL = [
    "assert value() == 2",
    "r = result()\nassert r.is_success",
    "assert result().is_success",
    "assert result().is_success is True",
    "x = value()\nassert x",
    "template().has_resource_properties('aws_s3_bucket', {'acl': 'private'})",
    "template().has_resource_properties('aws_s3_bucket', {})",
    "template().resource_count_is('aws_vpc', 1)",
    "template().has_output('db', {'sensitive': True})",
    "check(value())",
    "def inner():\n    assert value() == 2\ninner()",
    "def inner(v):\n    assert v == 2\nlist(map(inner, [value()]))",
    "with pytest.raises(ValueError):\n    parse('x')",
    "pytest.raises(ValueError, parse, 'x')",
    "with pytest.warns(UserWarning):\n    warn_me()",
    "if value() > 2:\n    pytest.fail('too big')",
    "if value() > 2:\n    assert False, 'too big'",
    "try:\n    assert value() == 2\nexcept KeyError:\n    pass",
    "try:\n    assert value() == 2\nexcept AssertionError:\n    raise",
    "try:\n    assert value() == 2\nfinally:\n    cleanup()",
    "assert value() in (1, 2)",
    "assert not value() == 3",
    "assert len(items()) == 3",
    "assert len(items()) >= 1",
    "assert value() is not None and value() == 2",
    "assert not False and value() == 2",
    "if True:\n    assert value() == 2",
    "if 0:\n    pass\nelse:\n    assert value() == 2",
    "for v in items():\n    assert v > 0",
    "assert all(v > 0 for v in items())",
    "assert value() == 2, (1, 'msg')",
    "x, y = value(), 2\nassert x == y",
    "assert sorted(items()) == [1, 2, 3]",
    "len = lambda v: 3\nassert len('abc') == 3",
    "assert [v for v in items() if v > 5] == []",
    "with open(__file__) as handle:\n    assert handle.read()",
]


@pytest.fixture(scope="module")
def judge(tmp_path_factory: pytest.TempPathFactory):
    """Write every table row as a function of one module and judge it with hollow_reason."""
    cases = [(body, True) for body, _ in HOLLOW] + [(body, False) for body in REAL]
    source = HELPERS + "".join(
        f"\n\ndef case_{n}():\n{textwrap.indent(body, '    ')}\n" for n, (body, _) in enumerate(cases))
    path = tmp_path_factory.mktemp("hollow") / "hollow_cases.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("hollow_cases", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["hollow_cases"] = module
    with warnings.catch_warnings():  # "assertion is always true": Python knows one of them too
        warnings.simplefilter("ignore", SyntaxWarning)
        spec.loader.exec_module(module)
    index = {body: n for n, (body, _) in enumerate(cases)}
    yield lambda body: hollow_reason(getattr(module, f"case_{index[body]}"))
    del sys.modules["hollow_cases"]


def test_the_table_is_large_enough():
    assert len(HOLLOW) >= 40 and len(REAL) >= 30


@pytest.mark.parametrize("body, why", HOLLOW, ids=[b.splitlines()[-1][:40] for b, _ in HOLLOW])
def test_hollow(judge, body, why):
    reason = judge(body)
    assert reason is not None, f"not detected as hollow:\n{body}"
    if why is None:
        assert reason == "no assertion"
    else:
        assert reason.startswith("only trivial assertions (line ") and reason.endswith(f": {why})"), reason


@pytest.mark.parametrize("body", REAL, ids=[b.splitlines()[-1][:40] for b in REAL])
def test_not_hollow(judge, body):
    assert judge(body) is None


def test_the_reason_names_the_line_in_the_file(pytester):
    pytester.makepyfile(hollow_lines="""
        import pytest


        @pytest.mark.requirement("R-1")
        def test_it():
            x = 1
            assert x == x
    """)
    sys.path.insert(0, str(pytester.path))
    try:
        import hollow_lines
        assert hollow_reason(hollow_lines.test_it) == "only trivial assertions (line 7: compares an expression with itself)"
    finally:
        sys.path.remove(str(pytester.path))
        sys.modules.pop("hollow_lines", None)
