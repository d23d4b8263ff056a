"""The static check: RestrictedPython's policy, tightened for conditions and scripts."""

from __future__ import annotations

import ast
import re

from RestrictedPython.transformer import (
    FORBIDDEN_FUNC_NAMES,
    RestrictingNodeTransformer,
    copy_locations,
)

from engine.sandbox.guards import (
    EXCEPTIONS,
    OPERATOR_GUARDS,
    SIZED,
    TEXT_GUARDS,
    attribute_problem,
)
from engine.sandbox.limits import MAX_FORMAT_WIDTH, too_wide

# Calls refused by name: they open files, evaluate code or reach introspection.
_REFUSED_CALLS = frozenset({
    "eval", "exec", "compile", "open", "getattr", "setattr", "delattr", "hasattr", "type",
    "vars", "globals", "locals", "dir", "help", "input", "breakpoint", "memoryview", "object",
    "super", "classmethod", "staticmethod", "property", "format", "iter", "exit", "quit",
    "bytes", "bytearray",
})

_NOT_ALLOWED = {
    "Import": "'import' is not allowed",
    "ImportFrom": "'import' is not allowed",
    "ClassDef": "'class' definitions are not allowed",
    "With": "'with' statements are not allowed",
    "AsyncWith": "'async with' is not allowed",
    "Yield": "'yield' is not allowed",
    "YieldFrom": "'yield from' is not allowed",
    "Nonlocal": "'nonlocal' is not allowed",
    "TryStar": "'except*' is not allowed",
    "AsyncFunctionDef": "'async def' is not allowed",
    "Await": "'await' is not allowed",
    "AsyncFor": "'async for' is not allowed",
    "Match": "'match' statements are not allowed",
    "AnnAssign": "annotated assignments are not allowed",
}


def _format_spec_problem(spec: ast.expr) -> str | None:
    parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
    text = ""
    for part in parts:
        if not isinstance(part, ast.Constant):
            return "f-string format specs must be literal"
        text += str(part.value)
    if any(too_wide(digits) for digits in re.findall(r"\d+", text)):
        return f"f-string format width or precision is over {MAX_FORMAT_WIDTH}"
    return None


class SandboxPolicy(RestrictingNodeTransformer):  # type: ignore[misc]
    """RestrictedPython's policy, tightened for conditions and scripts from diagrams."""

    def error(self, node: ast.AST, info: str) -> None:
        """Record a problem as 'line N: ...'."""
        lineno = getattr(node, "lineno", None)
        self.errors.append(f"line {lineno}: {info}" if lineno else info)

    def not_allowed(self, node: ast.AST) -> None:
        """Record that this kind of statement or expression is refused."""
        kind = type(node).__name__
        self.error(node, _NOT_ALLOWED.get(kind, f"{kind} is not allowed"))

    def check_name(self, node: ast.AST, name: str | None,
                   allow_magic_methods: bool = False) -> None:
        """Refuse private names ('_x', '__import__') and RestrictedPython's reserved ones."""
        if name is None:
            return
        if name.startswith("_") and name != "_":
            self.error(node, f"name '{name}' is not allowed: names starting with '_' are private")
        elif name in FORBIDDEN_FUNC_NAMES:
            self.error(node, f"name '{name}' is not available in the sandbox")

    def visit_Name(self, node: ast.Name) -> ast.AST:
        """Refuse print (nowhere to print to), then RestrictedPython's name checks."""
        if node.id in ("print", "printed"):
            self.error(node, f"name '{node.id}' is not available in the sandbox")
            return node
        if (node.id in TEXT_GUARDS and isinstance(node.ctx, ast.Load)
                and id(node) not in self._plain_names()):
            self.error(node, f"'{node.id}' may only be called directly, as in {node.id}(x), "
                             f"or named in isinstance()")
            return node
        result: ast.AST = super().visit_Name(node)
        return result

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        """Refuse private, introspection and format attributes; guard the others."""
        if isinstance(node.value, ast.Name):  # str.upper(x): guarded at run time
            self._plain_names().add(id(node.value))
        problem = attribute_problem(node.attr)
        if problem:
            self.error(node, problem)
            checked: ast.AST = self.node_contents_visit(node)
            return checked
        result: ast.AST = super().visit_Attribute(node)
        return result

    def _plain_names(self) -> set[int]:
        """The `str`/`repr` names that are called directly or named in isinstance()."""
        if not hasattr(self, "_plain"):
            self._plain: set[int] = set()
        return self._plain

    def visit_Call(self, node: ast.Call) -> ast.AST:
        """Refuse calls such as eval(), open(), type() and getattr() by name; size-check
        str() and repr()."""
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name in _REFUSED_CALLS:
            self.error(node, f"calling '{name}' is not allowed")
            checked: ast.AST = self.node_contents_visit(node)
            return checked
        if name in ("isinstance", "issubclass") and len(node.args) == 2:
            kinds = node.args[1]
            for kind in kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]:
                self._plain_names().add(id(kind))
        if name in TEXT_GUARDS:
            self._plain_names().add(id(node.func))
        result: ast.AST = super().visit_Call(node)
        if (name in TEXT_GUARDS and isinstance(result, ast.Call)
                and isinstance(result.func, ast.Name) and result.func.id == name):
            guard = ast.Name(TEXT_GUARDS[name], ast.Load())
            copy_locations(guard, result.func)
            result.func = guard
        elif name in TEXT_GUARDS:
            self.error(node, f"call {name}() with plain arguments, as in {name}(x)")
        return result

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        """Route +, *, **, << and % through guards that refuse huge results."""
        node = self.node_contents_visit(node)
        guard = OPERATOR_GUARDS.get(type(node.op))
        if guard is None:
            return node
        call = ast.Call(func=ast.Name(guard[0], ast.Load()),
                        args=[node.left, node.right], keywords=[])
        copy_locations(call, node)
        return call

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        """Allow f-strings whose format spec is literal and not absurdly wide."""
        if node.format_spec is not None:
            problem = _format_spec_problem(node.format_spec)
            if problem:
                self.error(node, problem)
        result: ast.AST = super().visit_FormattedValue(node)
        if isinstance(result, ast.FormattedValue):
            sized = ast.Call(func=ast.Name(SIZED, ast.Load()), args=[result.value], keywords=[])
            copy_locations(sized, result.value)
            result.value = sized
        return result

    def _refuse_node(self, node: ast.AST) -> ast.AST:
        self.not_allowed(node)
        return node

    # Nothing to import; classes bring metaclasses and dunder methods; `with` and
    # generators run code on exit, which could outlive the time limit's stop.
    visit_Import = visit_ImportFrom = visit_ClassDef = _refuse_node
    visit_With = visit_Yield = visit_YieldFrom = _refuse_node

    def visit_Try(self, node: ast.Try) -> ast.AST:
        """Allow try/except but not 'finally', which would run on after the time-limit stop."""
        if node.finalbody:
            self.error(node, "'finally' is not allowed: it could keep running after the "
                             "time limit")
        result: ast.AST = super().visit_Try(node)
        return result

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.AST:
        """Only 'except SomeBuiltinError', looked up where task data cannot replace it."""
        node = self.node_contents_visit(node)
        self.check_name(node, node.name)
        node.type = self._trusted_exception_type(node)
        return node

    def _trusted_exception_type(self, node: ast.ExceptHandler) -> ast.expr | None:
        # A bare except, or an except clause that fails (NameError, TypeError) while the
        # time-limit stop passes through it, would let a loop carry on.
        if node.type is None:
            self.error(node, "a bare 'except:' is not allowed: name the exception, "
                             "e.g. 'except ValueError:'")
            return None
        elements = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
        names = [e for e in elements if isinstance(e, ast.Name) and e.id in EXCEPTIONS]
        if not names or len(names) != len(elements):
            self.error(node, "an 'except' clause must name built-in exception classes, "
                             "e.g. 'except (KeyError, ValueError):'")
            return node.type
        refs: list[ast.expr] = []
        for name in names:
            ref = ast.Subscript(value=ast.Name("_sandbox_exceptions_", ast.Load()),
                                slice=ast.Constant(name.id), ctx=ast.Load())
            copy_locations(ref, name)
            refs.append(ref)
        if not isinstance(node.type, ast.Tuple):
            return refs[0]
        new_type = ast.Tuple(elts=refs, ctx=ast.Load())
        copy_locations(new_type, node.type)
        return new_type
