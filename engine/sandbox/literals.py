"""Evaluates literal-only arithmetic at check time, so `10**10**10` is refused before it runs."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

from engine.errors import SandboxError
from engine.sandbox.deadline import check_deadline
from engine.sandbox.guards import OPERATOR_GUARDS, guarded_pow, guarded_range, guarded_round
from engine.sandbox.limits import MAX_ITEMS, SEQUENCES

# How many literal-only operations the check evaluates per source.
_FOLD_BUDGET = 1_000

# What a node evaluates to when its value is only known at run time.
_UNKNOWN = object()

_STATIC_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Sub: operator.sub, ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv,
    ast.RShift: operator.rshift, ast.BitOr: operator.or_, ast.BitXor: operator.xor,
    ast.BitAnd: operator.and_,
    **{op: guard for op, (_, guard) in OPERATOR_GUARDS.items()},
}
_STATIC_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert,
    ast.Not: operator.not_,
}
_STATIC_CALLS: dict[str, Callable[..., Any]] = {
    "range": guarded_range, "pow": guarded_pow, "round": guarded_round,
}


class LiteralChecker(ast.NodeVisitor):
    """Evaluates literal-only arithmetic with the run-time guards: refuses `10**10**10` early."""

    def __init__(self) -> None:
        """Start with no problems and a bounded amount of work."""
        self.problems: list[str] = []
        self._budget = _FOLD_BUDGET

    def generic_visit(self, node: ast.AST) -> object:
        """Check the children; the node itself has no literal value."""
        super().generic_visit(node)
        return _UNKNOWN

    def visit_Constant(self, node: ast.Constant) -> object:
        """A literal's value."""
        return node.value if isinstance(node.value, (int, float, str, bytes)) else _UNKNOWN

    def visit_List(self, node: ast.List) -> object:
        """A list display of literals."""
        values = [self.visit(element) for element in node.elts]
        return _UNKNOWN if _UNKNOWN in values else values

    def visit_Tuple(self, node: ast.Tuple) -> object:
        """A tuple display of literals."""
        values = [self.visit(element) for element in node.elts]
        return _UNKNOWN if _UNKNOWN in values else tuple(values)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> object:
        """-x, +x, ~x, not x."""
        return self._apply(node, _STATIC_UNARY[type(node.op)], self.visit(node.operand))

    def visit_BinOp(self, node: ast.BinOp) -> object:
        """x op y, through the same guard the code would run with."""
        left, right = self.visit(node.left), self.visit(node.right)
        function = _STATIC_BINARY.get(type(node.op))
        return _UNKNOWN if function is None else self._apply(node, function, left, right)

    def visit_Call(self, node: ast.Call) -> object:
        """range(), pow() and round() of literals."""
        args = [self.visit(arg) for arg in node.args]
        for keyword in node.keywords:
            self.visit(keyword.value)
        function = node.func.id if isinstance(node.func, ast.Name) else None
        if function not in _STATIC_CALLS or node.keywords:
            self.visit(node.func)
            return _UNKNOWN
        return self._apply(node, _STATIC_CALLS[function], *args)

    def _apply(self, node: ast.expr, function: Callable[..., Any], *args: object) -> object:
        if any(arg is _UNKNOWN for arg in args) or self._budget <= 0:
            return _UNKNOWN
        check_deadline()  # a validation's time budget (engine.sandbox.deadline)
        self._budget -= 1
        try:
            value = function(*args)
        except SandboxError as err:
            self.problems.append(f"line {node.lineno}: {err}")
            return _UNKNOWN
        except Exception:  # noqa: BLE001 - ordinary errors such as 1/0 are reported at run time
            return _UNKNOWN
        # Keep no big values alive; the guard refuses what follows at run time anyway.
        if isinstance(value, (range, *SEQUENCES)) and len(value) > MAX_ITEMS // 10:
            return _UNKNOWN
        return value
