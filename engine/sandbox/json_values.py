"""Results are JSON, always: what a diagram's code may leave in the task data.

A ticket's data is stored as JSON and replayed from it, so a value JSON cannot carry
exactly (a generator, a set, a range, a tuple, NaN or an infinity, an integer beyond
±(2**53-1), nesting deeper than `MAX_DEPTH`, a key that is not text) is the diagram's
fault. `static_problems` finds what a script or condition shows in its source (for
validation); `value_problem` checks the data itself after each engine step (at run time,
whether the code ran in this process or in an evaluator process).
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Literal

from engine.messages import Message

# Integers a JSON number carries exactly everywhere (IEEE 754 doubles): ±(2**53-1).
MAX_SAFE_INTEGER = 2**53 - 1
# How deep the task data may nest; the data itself is the first level.
MAX_DEPTH = 32
# Calls whose result is not JSON, whatever their arguments.
_NOT_JSON_CALLS = {
    "range": "json_range", "set": "json_set", "frozenset": "json_set",
    "iter": "json_generator", "map": "json_generator", "filter": "json_generator",
    "zip": "json_generator", "reversed": "json_generator", "enumerate": "json_generator",
    "tuple": "json_tuple",
}
_NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity",
               "-infinity"}
# Literal integers are folded only while they stay this small (in bits); beyond, they are
# known to be too large without being computed.
_FOLD_BITS = 4096


def value_problem(value: Any, depth: int = 1) -> Message | None:
    """What keeps `value` from being stored as JSON exactly, or None if nothing does."""
    if value is None or isinstance(value, (bool, str)):
        return None
    if isinstance(value, int):
        return None if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER else Message(
            "json_big_int")
    if isinstance(value, float):
        return None if math.isfinite(value) else Message("json_nan")
    if depth > MAX_DEPTH:
        return Message("json_too_deep", limit=MAX_DEPTH)
    if isinstance(value, list):
        return next((m for m in (value_problem(item, depth + 1) for item in value) if m), None)
    if isinstance(value, dict):
        return next((m for m in ((Message("json_key") if not isinstance(key, str)
                                  else value_problem(item, depth + 1))
                                 for key, item in value.items()) if m), None)
    return Message(_kind_of(value), type=type(value).__name__)


def _kind_of(value: Any) -> str:
    if isinstance(value, (set, frozenset)):
        return "json_set"
    if isinstance(value, range):
        return "json_range"
    if isinstance(value, tuple):
        return "json_tuple"
    if isinstance(value, Iterator):
        return "json_generator"
    return "json_type"


def data_problem(data: Mapping[str, Any]) -> Message | None:
    """The first variable of task data JSON cannot carry, as a message naming it."""
    for name, value in data.items():
        found = (Message("json_key") if not isinstance(name, str)
                 else value_problem(value, 2))
        if found is not None:
            return Message("json_value_left", name=str(name)[:60], what=found)
    return None


def static_problems(source: str, mode: Literal["exec", "eval"]) -> list[tuple[int, Message]]:
    """Values JSON cannot carry that the source shows: (line in the source, what)."""
    try:
        tree = ast.parse(source, mode=mode)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []  # the sandbox's own check reports what does not parse
    checker = _Checker()
    checker.visit(tree)
    return sorted(checker.problems, key=lambda found: found[0])


class _Checker(ast.NodeVisitor):
    """Walks a script: float("nan") anywhere, and the values assignments store."""

    def __init__(self) -> None:
        self.problems: list[tuple[int, Message]] = []

    def visit_Call(self, node: ast.Call) -> None:
        if (isinstance(node.func, ast.Name) and node.func.id == "float" and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and node.args[0].value.strip().lower() in _NOT_FINITE):
            self.problems.append((node.lineno, Message("json_nan")))
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        if any(not isinstance(target, (ast.Tuple, ast.List)) for target in node.targets):
            self._stored(node.value, 2)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._stored(node.value, 2)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._stored(node.value, 2)
        self.generic_visit(node)

    def _stored(self, node: ast.expr, depth: int) -> None:
        """A value that ends up in the task data, `depth` levels down."""
        found = self._what(node, depth)
        if found is not None:
            self.problems.append((node.lineno, found))

    def _what(self, node: ast.expr, depth: int) -> Message | None:
        if isinstance(node, ast.GeneratorExp):
            return Message("json_generator")
        if isinstance(node, (ast.Set, ast.SetComp)):
            return Message("json_set")
        if isinstance(node, ast.Tuple):
            return Message("json_tuple")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            code = _NOT_JSON_CALLS.get(node.func.id)
            return Message(code, type=node.func.id) if code else None
        if isinstance(node, ast.IfExp):
            return self._what(node.body, depth) or self._what(node.orelse, depth)
        if isinstance(node, ast.BoolOp):
            return next((m for m in (self._what(v, depth) for v in node.values) if m), None)
        if isinstance(node, (ast.List, ast.Dict, ast.ListComp, ast.DictComp)):
            return self._container(node, depth)
        folded = _fold(node)
        if isinstance(folded, int) and not -MAX_SAFE_INTEGER <= folded <= MAX_SAFE_INTEGER:
            return Message("json_big_int")
        return None

    def _container(self, node: ast.List | ast.Dict | ast.ListComp | ast.DictComp,
                   depth: int) -> Message | None:
        if depth > MAX_DEPTH:
            return Message("json_too_deep", limit=MAX_DEPTH)
        if isinstance(node, ast.List):
            items: list[ast.expr] = list(node.elts)
        elif isinstance(node, ast.ListComp):
            items = [node.elt]
        elif isinstance(node, ast.DictComp):
            items = [node.value]
        else:
            if any(isinstance(key, ast.Constant) and not isinstance(key.value, str)
                   for key in node.keys):
                return Message("json_key")
            items = list(node.values)
        return next((m for m in (self._what(item, depth + 1) for item in items) if m), None)


def _fold(node: ast.expr) -> int | float | None:
    """The integer a literal-only expression makes (one just past the limit stands for any
    larger: a huge result is never computed), or None when it is not literal-only."""
    if isinstance(node, ast.Constant):
        value = node.value
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _fold(node.operand)
        return None if operand is None else -operand if isinstance(node.op, ast.USub) \
            else operand
    if not isinstance(node, ast.BinOp):
        return None
    left, right = _fold(node.left), _fold(node.right)
    if not isinstance(left, int) or not isinstance(right, int):
        return None
    bits = _bits(node.op, left, right)
    if bits is None:
        return None
    if bits > _FOLD_BITS:
        return MAX_SAFE_INTEGER + 1  # known to be too large, not worth computing
    try:
        result = _OPERATIONS[type(node.op)](left, right)
    except (ArithmeticError, ValueError):
        return None
    return result if isinstance(result, int) else None


def _bits(op: ast.operator, left: int, right: int) -> int | None:
    """An upper bound of the result's size in bits, or None for an operation not folded."""
    size = max(left.bit_length(), right.bit_length(), 1)
    if isinstance(op, (ast.Add, ast.Sub)):
        return size + 1
    if isinstance(op, ast.Mult):
        return left.bit_length() + right.bit_length()
    if isinstance(op, ast.Pow):
        return None if right < 0 else 1 if abs(left) <= 1 else left.bit_length() * right
    if isinstance(op, ast.LShift):
        return None if right < 0 else left.bit_length() + right
    return None


_OPERATIONS: dict[type[ast.operator], Callable[[int, int], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Pow: operator.pow,
    ast.LShift: operator.lshift,
}
