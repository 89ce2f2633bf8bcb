"""Hollow tests: linked to a requirement, yet asserting nothing (or only trivia).

Static, from the test's source: a test asserts when its body (or a function of its own module
that it calls) has a non-trivial ``assert``, a ``pytest.raises``/``warns``/``fail``, or a call
of the query API's asserting methods. ``assert True``, ``assert x``, ``assert x is not None``
and ``isinstance``/``hasattr``/``callable`` alone are trivial: they pass for any stack.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable
from typing import Any

ASSERTING_CALLS = frozenset({
    "has_resource_properties", "has_resource", "resource_count_is", "resource_properties_count_is",
    "all_resources_properties", "all_resources", "has_output", "has_provider", "has_backend",
    "has_data_source", "raises", "warns", "deprecated_call", "fail",
})
TRIVIAL_CALLS = frozenset({"isinstance", "hasattr", "callable"})


def hollow_reason(function: Callable[..., Any]) -> str | None:
    """Why ``function`` is hollow, or None when it asserts something real (or can't be read)."""
    tree = _parse(function)
    if tree is None:
        return None
    helpers = _module_functions(function)
    if _asserts(tree, helpers, seen={function.__name__}):
        return None
    trivial = any(isinstance(node, ast.Assert) for node in ast.walk(tree))
    return "only trivial assertions" if trivial else "no assertion"


def _parse(function: Callable[..., Any]) -> ast.AST | None:
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return None  # no source to judge: benefit of the doubt


def _module_functions(function: Callable[..., Any]) -> dict[str, Callable[..., Any]]:
    module = inspect.getmodule(function)
    return {
        name: value
        for name, value in vars(module).items()
        if inspect.isfunction(value) and value.__module__ == getattr(module, "__name__", None)
    } if module else {}


def _asserts(tree: ast.AST, helpers: dict[str, Callable[..., Any]], seen: set[str]) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and not _trivial(node.test):
            return True
        if isinstance(node, ast.Call):
            name = _call_name(node)
            if name in ASSERTING_CALLS:
                return True
            if name in helpers and name not in seen:
                seen.add(name)
                helper_tree = _parse(helpers[name])
                if helper_tree is not None and _asserts(helper_tree, helpers, seen):
                    return True
    return False


def _call_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def _trivial(test: ast.expr) -> bool:
    if isinstance(test, ast.Constant):
        return bool(test.value)
    if isinstance(test, (ast.Name, ast.Attribute)):
        return True
    if isinstance(test, ast.BoolOp):
        return all(_trivial(value) for value in test.values)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return isinstance(test.operand, ast.Compare) and _is_none_check(test.operand, ast.Is)
    if isinstance(test, ast.Compare):
        return _is_none_check(test, ast.IsNot) or _is_none_check(test, ast.NotEq)
    if isinstance(test, ast.Call):
        return _call_name(test) in TRIVIAL_CALLS
    return False


def _is_none_check(test: ast.Compare, op: type) -> bool:
    return (
        len(test.ops) == 1
        and isinstance(test.ops[0], op)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    )
