"""Trivial gateway conditions answered in the calling process, without a trip to the pool.

Most conditions in real diagrams are like `kewenangan == "LKPP"`, `not selesai` or
`status in ["a", "b"]`. `answer()` takes an expression whose syntax tree holds only
Expression, Name (a non-underscore variable of the task data), Constant (text under
MAX_TEXT characters, an integer within +-2**53, a finite float, True/False/None), Compare
(==, !=, <, <=, >, >=, in, not in; the right side of in/not in a List/Tuple of at most
MAX_ITEMS constants, or a Name), BoolOp (and/or) and UnaryOp (not), at most MAX_NODES nodes,
and interprets that tree itself (never eval or compile). Anything else, a name not in the
data, a value that is not text, a number, a bool, None or a list of those, a comparison
Python would refuse, or a result that is not a bool, is NOT_ANSWERED: the caller sends it
to the pool exactly as before. The answer equals the pool's (the same Python operators on
the same values).

Its cost is bounded by the data: the tree has at most MAX_NODES nodes, and every operation
is a comparison of plain values, linear in their size (text compared character by
character, `in` over a list of the data item by item); no diagram code runs, so it cannot
stall the server.
"""

from __future__ import annotations

import ast
import functools
import json
import math
import operator
from collections.abc import Callable, Mapping
from typing import Any

MAX_NODES = 50
MAX_TEXT = 1_000
MAX_ITEMS = 100
MAX_INT = 2**53

NOT_ANSWERED: Any = object()

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge,
    ast.In: lambda left, right: left in right,
    ast.NotIn: lambda left, right: left not in right,
}
_SCALARS = (str, int, float, bool, type(None))


class _Refused(Exception):
    """The tree or a value is outside what the fast path interprets."""


def _plain_constant(value: object) -> bool:
    kind = type(value)
    if kind is str:
        return len(value) < MAX_TEXT  # type: ignore[arg-type]
    if kind is int:
        return abs(value) <= MAX_INT  # type: ignore[arg-type]
    if kind is float:
        return math.isfinite(value)  # type: ignore[arg-type]
    return kind in (bool, type(None))


def _plain_scalar(value: object) -> bool:
    kind = type(value)
    if kind is float:
        return math.isfinite(value)  # type: ignore[arg-type]
    return kind in _SCALARS


def _plain_value(value: object) -> bool:
    if type(value) is list:
        return all(_plain_scalar(item) for item in value)
    return _plain_scalar(value)


def _check_name(node: ast.Name, names: set[str]) -> None:
    if not isinstance(node.ctx, ast.Load) or node.id.startswith("_"):
        raise _Refused
    names.add(node.id)


def _check_items(node: ast.List | ast.Tuple, names: set[str]) -> None:
    if not isinstance(node.ctx, ast.Load) or len(node.elts) > MAX_ITEMS:
        raise _Refused
    for item in node.elts:
        if not isinstance(item, ast.Constant):
            raise _Refused
        _check(item, names)


def _check_compare(node: ast.Compare, names: set[str]) -> None:
    _check(node.left, names)
    for op, right in zip(node.ops, node.comparators, strict=True):
        if type(op) not in _COMPARE:
            raise _Refused
        _check(right, names, in_right=isinstance(op, (ast.In, ast.NotIn)))


def _check(node: ast.AST, names: set[str], in_right: bool = False) -> None:
    """Raise _Refused unless `node` is one of the kinds above; collect the names it reads."""
    if isinstance(node, ast.Name):
        _check_name(node, names)
    elif isinstance(node, ast.Constant):
        if not _plain_constant(node.value):
            raise _Refused
    elif isinstance(node, (ast.List, ast.Tuple)) and in_right:
        _check_items(node, names)
    elif isinstance(node, ast.Compare):
        _check_compare(node, names)
    elif isinstance(node, ast.BoolOp) and isinstance(node.op, (ast.And, ast.Or)):
        for value in node.values:
            _check(value, names)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        _check(node.operand, names)
    else:
        raise _Refused


@functools.lru_cache(maxsize=1024)
def _tree(expression: str) -> tuple[ast.expr, frozenset[str]] | None:
    """The checked body of `expression` and the names it reads, or None if refused."""
    if len(expression) > MAX_NODES * (MAX_TEXT + 10):
        return None
    try:
        tree = ast.parse(expression, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    nodes = 0
    for node in ast.walk(tree):
        if not isinstance(node, (ast.expr_context, ast.cmpop, ast.boolop, ast.unaryop)):
            nodes += 1
            if nodes > MAX_NODES:
                return None
    names: set[str] = set()
    try:
        _check(tree.body, names)
    except _Refused:
        return None
    return tree.body, frozenset(names)


def _compare(node: ast.Compare, data: Mapping[str, Any]) -> Any:
    # Chained like Python: a < b < c is a < b and b < c, stopping at the first false one.
    left = _value(node.left, data)
    result: Any = True
    for op, comparator in zip(node.ops, node.comparators, strict=True):
        right = _value(comparator, data)
        result = _COMPARE[type(op)](left, right)
        if not result:
            return result
        left = right
    return result


def _bool_op(node: ast.BoolOp, data: Mapping[str, Any]) -> Any:
    # Like Python: the first operand that decides, else the last one.
    is_and = isinstance(node.op, ast.And)
    for value in node.values[:-1]:
        found = _value(value, data)
        if bool(found) != is_and:
            return found
    return _value(node.values[-1], data)


def _value(node: ast.expr, data: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Name):
        return data[node.id]
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.List):
        return [item.value for item in node.elts]  # type: ignore[attr-defined]
    if isinstance(node, ast.Tuple):
        return tuple(item.value for item in node.elts)  # type: ignore[attr-defined]
    if isinstance(node, ast.Compare):
        return _compare(node, data)
    if isinstance(node, ast.BoolOp):
        return _bool_op(node, data)
    if isinstance(node, ast.UnaryOp):
        return not _value(node.operand, data)
    raise _Refused


def answer(expression: str, data: Mapping[str, Any],
           external: Mapping[str, Any] | None = None) -> Any:
    """The value of a trivial condition over the task `data`, or NOT_ANSWERED (use the pool)."""
    checked = _tree(expression)
    if checked is None:
        return NOT_ANSWERED
    body, names = checked
    for name in names:
        if name not in data or not _plain_value(data[name]):
            return NOT_ANSWERED
    try:
        result = _value(body, data)
    except (_Refused, TypeError, ValueError):
        return NOT_ANSWERED
    if type(result) is not bool:
        return NOT_ANSWERED
    # The pool refuses a request whose data JSON cannot carry: so does the fast path.
    try:
        json.dumps({"context": data, "external": external or {}}, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return NOT_ANSWERED
    return result
