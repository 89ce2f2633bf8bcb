"""Hollow tests: linked to a requirement, yet asserting nothing (or only what always holds).

Static, from the test's source: a test asserts when code it can reach (its body, a nested
function it uses, or a function of its own module that it calls) has a real ``assert``, a
``pytest.raises``/``warns``/``fail`` around code that can raise, or a call of the query API's
asserting methods. Trivial, and so hollow when nothing else asserts:

- tautologies: a truthy constant (``assert True``, ``assert 'a'``), an expression of constants
  only (``assert 1 == 1``, ``assert not False``, ``assert "a".upper() == "A"``), an expression
  compared with itself (``x == x``, ``x is x``), ``len(x) >= 0``, ``... or True``;
- values that are always true: a non-empty tuple, list, set or dict (``assert (cond, "msg")``),
  a lambda, a generator, an f-string with text;
- checks that pass for any stack: ``x is not None``, ``isinstance``/``hasattr``/``callable``;
- unreachable code: after ``return``/``raise``/``break``/``continue``, under ``if False:``,
  ``while False:``, in a nested function nothing uses;
- an assertion inside ``try`` whose ``except AssertionError`` (or broader) swallows it;
- ``pytest.raises`` around a bare ``raise`` (or around nothing that can fail).

``assert x`` and ``assert result.is_success`` are real: a value's truth can depend on the stack.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

ASSERTING_CALLS = frozenset({
    "has_resource_properties", "has_resource", "resource_count_is", "resource_properties_count_is",
    "all_resources_properties", "all_resources", "has_output", "has_provider", "has_backend",
    "has_data_source", "template_matches", "warns", "deprecated_call", "fail",
})
RAISES_CALLS = frozenset({"raises"})
WEAK_CALLS = frozenset({"isinstance", "hasattr", "callable"})
SAFE_BUILTINS = frozenset({"len", "str", "int", "float", "bool", "sorted", "set", "list", "tuple", "dict",
                           "frozenset", "min", "max", "sum", "abs", "repr", "round", "any", "all", "range"})
SWALLOWING = frozenset({"AssertionError", "Exception", "BaseException"})
REFLEXIVE = (ast.Eq, ast.Is, ast.LtE, ast.GtE)


def hollow_reason(function: Callable[..., Any]) -> str | None:
    """Why ``function`` is hollow, or None when it asserts something real (or can't be read)."""
    parsed = _parse(function)
    if parsed is None:
        return None
    judge = _Judge(_module_functions(function), seen={function.__name__})
    found = judge.function(parsed, _first_line(function) - 1)
    if found.real:
        return None
    return f"only trivial assertions ({found.weak[0]})" if found.weak else "no assertion"


@dataclass
class _Found:
    real: bool = False
    weak: list[str] = field(default_factory=list)

    def add(self, other: _Found) -> None:
        self.real = self.real or other.real
        self.weak.extend(other.weak)


class _Judge:
    def __init__(self, helpers: dict[str, Callable[..., Any]], seen: set[str]) -> None:
        self.helpers, self.seen = helpers, seen

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, offset: int) -> _Found:
        """``offset``: what to add to a line number of ``node``'s tree for the line in the file."""
        nested = {n.name: n for n in ast.walk(node) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                  and n is not node}
        scope = _Scope(offset, _bound_names(node), nested)
        return self.block(node.body, scope, swallowed=False)

    def block(self, body: list[ast.stmt], scope: _Scope, *, swallowed: bool) -> _Found:
        found = _Found()
        for stmt in _reachable(body):
            found.add(self.statement(stmt, scope, swallowed))
        return found

    def statement(self, stmt: ast.stmt, scope: _Scope, swallowed: bool) -> _Found:
        found = _Found()
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return found  # judged where it is used
        for expr in _header(stmt):
            found.add(self.expression(expr, scope, swallowed))
        if isinstance(stmt, ast.Assert):
            why = _trivial_assert(stmt.test, scope)
            if swallowed:
                found.weak.append(f"line {scope.line(stmt)}: the assertion is swallowed by an except clause")
            elif why is None:
                found.real = True
            else:
                found.weak.append(f"line {scope.line(stmt)}: {why}")
        elif isinstance(stmt, (ast.With, ast.AsyncWith)) and _raises_item(stmt):
            if _inert(stmt.body):
                found.weak.append(f"line {scope.line(stmt)}: pytest.raises around a bare raise")
                return found
            found.real = not swallowed
            found.add(self.block(stmt.body, scope, swallowed=swallowed))
        elif isinstance(stmt, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            inner = swallowed or _swallows(stmt.handlers)
            found.add(self.block(stmt.body, scope, swallowed=inner))
            for handler in stmt.handlers:
                found.add(self.block(handler.body, scope, swallowed=swallowed))
            found.add(self.block(stmt.orelse, scope, swallowed=inner))
            found.add(self.block(stmt.finalbody, scope, swallowed=swallowed))
        else:
            for body in _bodies(stmt):
                found.add(self.block(body, scope, swallowed=swallowed))
        return found

    def expression(self, expr: ast.AST, scope: _Scope, swallowed: bool) -> _Found:
        found = _Found()
        for node in ast.walk(expr):
            if isinstance(node, ast.Name) and node.id in scope.nested and node.id not in self.seen:
                self.seen.add(node.id)
                found.add(self.function(scope.nested[node.id], scope.offset))
            if not isinstance(node, ast.Call):
                continue
            name = _call_name(node)
            if name in ASSERTING_CALLS or (name in RAISES_CALLS and len(node.args) > 1):
                found.real = found.real or not swallowed
            elif name in self.helpers and name not in self.seen:
                self.seen.add(name)
                helper = _parse(self.helpers[name])
                if helper is not None:
                    found.add(self.function(helper, _first_line(self.helpers[name]) - 1))
        return found


@dataclass(frozen=True)
class _Scope:
    offset: int  # add to a node's line number for the line in the file
    bound: frozenset[str]
    nested: dict[str, ast.FunctionDef | ast.AsyncFunctionDef]

    def line(self, node: ast.stmt) -> int:
        return self.offset + node.lineno


def _reachable(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of a block that can run: none after a jump, only the live branch of a
    constant condition."""
    for stmt in body:
        if isinstance(stmt, ast.If) and isinstance(stmt.test, ast.Constant):
            yield from _reachable(stmt.body if stmt.test.value else stmt.orelse)
        elif isinstance(stmt, ast.While) and isinstance(stmt.test, ast.Constant) and not stmt.test.value:
            yield from _reachable(stmt.orelse)
        else:
            yield stmt
        if isinstance(stmt, (ast.Return, ast.Raise, ast.Break, ast.Continue)):
            return


def _header(stmt: ast.stmt) -> list[ast.AST]:
    """The expressions a statement evaluates itself (not those of the blocks it holds)."""
    if isinstance(stmt, (ast.If, ast.While)):
        return [stmt.test]
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        return [stmt.iter]
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return [item.context_expr for item in stmt.items if not _is_raises(item.context_expr)]
    if isinstance(stmt, ast.Match):
        return [stmt.subject]
    if isinstance(stmt, (ast.Try, getattr(ast, "TryStar", ast.Try))):
        return []
    if isinstance(stmt, ast.Assert):
        return [stmt.test]
    return [stmt]


def _bodies(stmt: ast.stmt) -> list[list[ast.stmt]]:
    if isinstance(stmt, ast.Match):
        return [case.body for case in stmt.cases]
    return [getattr(stmt, name) for name in ("body", "orelse") if isinstance(getattr(stmt, name, None), list)]


def _trivial_assert(test: ast.expr, scope: _Scope) -> str | None:
    """Why ``assert <test>`` proves nothing about the stack, or None when it can."""
    if isinstance(test, ast.Constant):
        return "asserts a constant" if test.value else None  # assert False: a deliberate failure
    if isinstance(test, (ast.Tuple, ast.List, ast.Set)) and test.elts:
        return f"asserts a non-empty {type(test).__name__.lower()}, which is always true"
    if isinstance(test, ast.Dict) and test.keys:
        return "asserts a non-empty dict, which is always true"
    if isinstance(test, (ast.Lambda, ast.GeneratorExp)):
        return f"asserts a {'lambda' if isinstance(test, ast.Lambda) else 'generator'}, which is always true"
    if isinstance(test, ast.JoinedStr) and any(isinstance(v, ast.Constant) and v.value for v in test.values):
        return "asserts an f-string, which is always true"
    if _constant(test, scope.bound):
        return "compares constants" if isinstance(test, ast.Compare) else "asserts an expression of constants"
    if isinstance(test, ast.Compare):
        return _trivial_compare(test)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        if isinstance(test.operand, ast.Compare) and _none_check(test.operand, ast.Is):
            return "checks only that a value is not None"
        return None
    if isinstance(test, ast.BoolOp):
        whys = [_trivial_assert(value, scope) for value in test.values]
        if isinstance(test.op, ast.Or) and any(isinstance(v, ast.Constant) and v.value for v in test.values):
            return "is always true (or with a true constant)"
        if isinstance(test.op, ast.And) and all(whys):
            return next(w for w in whys if w)
        return None
    if isinstance(test, ast.Call) and _call_name(test) in WEAK_CALLS and isinstance(test.func, ast.Name):
        return f"checks only {test.func.id}()"
    return None


def _trivial_compare(test: ast.Compare) -> str | None:
    sides = [test.left, *test.comparators]
    if all(isinstance(op, REFLEXIVE) for op in test.ops) and len({ast.dump(s) for s in sides}) == 1:
        return "compares an expression with itself"
    if _none_check(test, ast.IsNot) or _none_check(test, ast.NotEq):
        return "checks only that a value is not None"
    if len(test.ops) == 1 and isinstance(test.ops[0], ast.GtE) and _is_len(test.left) and _is_zero(test.comparators[0]):
        return "len() >= 0 is always true"
    if len(test.ops) == 1 and isinstance(test.ops[0], ast.LtE) and _is_zero(test.left) and _is_len(test.comparators[0]):
        return "0 <= len() is always true"
    return None


def _constant(expr: ast.AST, bound: frozenset[str]) -> bool:
    """An expression of literals only (builtins like ``len`` allowed unless rebound here)."""
    for node in ast.walk(expr):
        if isinstance(node, ast.Name) and (node.id not in SAFE_BUILTINS or node.id in bound):
            return False
        if isinstance(node, (ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr, ast.Lambda,
                             ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            return False
    return True


def _none_check(test: ast.Compare, op: type) -> bool:
    return (len(test.ops) == 1 and isinstance(test.ops[0], op)
            and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None)


def _is_len(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len"


def _is_zero(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value == 0 and not isinstance(node.value, bool)


def _is_raises(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Call) and _call_name(expr) in RAISES_CALLS


def _raises_item(stmt: ast.With | ast.AsyncWith) -> bool:
    return any(_is_raises(item.context_expr) for item in stmt.items)


def _inert(body: list[ast.stmt]) -> bool:
    """A block that cannot fail for a reason of the code under test: raises, passes, constants."""
    for stmt in body:
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Raise) and not any(
                isinstance(n, ast.Call) and not isinstance(n.func, ast.Name) for n in ast.walk(stmt)):
            continue
        if isinstance(stmt, ast.Expr) and _constant(stmt.value, frozenset()):
            continue
        return False
    return True


def _swallows(handlers: list[ast.ExceptHandler]) -> bool:
    """An except clause catching AssertionError (or broader) that does not raise again."""
    for handler in handlers:
        names = _exception_names(handler.type)
        if (handler.type is None or names & SWALLOWING) and not any(isinstance(n, ast.Raise) for n in ast.walk(handler)):
            return True
    return False


def _exception_names(node: ast.expr | None) -> set[str]:
    if node is None:
        return set()
    items = node.elts if isinstance(node, ast.Tuple) else [node]
    return {n.id if isinstance(n, ast.Name) else n.attr for n in items if isinstance(n, (ast.Name, ast.Attribute))}


def _bound_names(node: ast.AST) -> frozenset[str]:
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    names |= {a.arg for n in ast.walk(node) if isinstance(n, ast.arguments)
              for a in [*n.posonlyargs, *n.args, *n.kwonlyargs, n.vararg, n.kwarg] if a is not None}
    return frozenset(names)


def _call_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def _parse(function: Callable[..., Any]) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None  # no source to judge: benefit of the doubt
    node = tree.body[0] if tree.body else None
    return node if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None


def _first_line(function: Callable[..., Any]) -> int:
    code = getattr(inspect.unwrap(function), "__code__", None)
    return code.co_firstlineno if code is not None else 1


def _module_functions(function: Callable[..., Any]) -> dict[str, Callable[..., Any]]:
    module = inspect.getmodule(function)
    return {
        name: value
        for name, value in vars(module).items()
        if inspect.isfunction(value) and value.__module__ == getattr(module, "__name__", None)
    } if module else {}
