"""The sandbox every gateway condition and script task from a diagram runs in.

Diagrams are edited in a browser, so their Python is untrusted. Code is first
checked and rewritten by a RestrictedPython policy (no imports, no names or
attributes starting with "_", no introspection attributes, no str.format), then
run with a small allowlist of builtins and guards that refuse operations whose
result would be huge, and a watchdog thread stops it after a time limit.
"""

from __future__ import annotations

import ast
import ctypes
import math
import operator
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import CodeType, TracebackType
from typing import Any, Literal, NoReturn

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
)
from RestrictedPython.transformer import (
    FORBIDDEN_FUNC_NAMES,
    INSPECT_ATTRIBUTES,
    RestrictingNodeTransformer,
    copy_locations,
)
from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import (
    BasePythonScriptEngineEnvironment,
)

from engine.errors import SandboxError

__all__ = ["SandboxEnvironment", "check_expression", "check_script", "create_script_engine"]

# One operation may not produce more than this many items, characters or bytes:
# C-level work (str * n, join, padding) cannot be interrupted, so it is bounded up front.
MAX_ITEMS = 100_000
# Integers stay below this many bits (about 30 000 digits), so * and ** stay fast.
MAX_INT_BITS = 100_000
# Widths and precisions in format specs; "{:>1000000000}" would allocate a gigabyte.
MAX_FORMAT_WIDTH = 1_000
MAX_SOURCE_CHARS = 100_000
# How many literal-only operations the static check evaluates per source.
_FOLD_BUDGET = 1_000
_FILENAME = "<sandbox>"

Mode = Literal["eval", "exec"]


# --- guards used at run time ------------------------------------------------------------------


def _refuse(message: str) -> NoReturn:
    raise SandboxError(message)


def _check_items(count: int, what: str) -> None:
    if count > MAX_ITEMS:
        _refuse(f"{what} would produce more than {MAX_ITEMS:,} items or characters")


def _check_bits(bits: int, what: str) -> None:
    if bits > MAX_INT_BITS:
        _refuse(f"{what} would produce a number of more than {MAX_INT_BITS:,} bits")


def _too_wide(digits: str) -> bool:
    # Compare the length first: int() of a very long digit string is itself refused.
    digits = digits.lstrip("0")
    return len(digits) > 6 or int(digits or "0") > MAX_FORMAT_WIDTH


_SEQUENCES = (str, bytes, list, tuple)
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?")


def _check_add(a: Any, b: Any) -> None:
    if isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES):
        _check_items(len(a) + len(b), "'+'")


def _check_mul(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int):
        _check_bits(a.bit_length() + b.bit_length(), "'*'")
    elif isinstance(a, _SEQUENCES) and isinstance(b, int):
        _check_items(len(a) * b, "'*'")
    elif isinstance(b, _SEQUENCES) and isinstance(a, int):
        _check_items(len(b) * a, "'*'")


def _check_pow(base: Any, exponent: Any) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0:
        _check_bits(max(base.bit_length(), 1) * exponent, "'**'")


def _check_lshift(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int) and b > 0:
        _check_bits(a.bit_length() + b, "'<<'")


def _check_mod(a: Any, b: Any) -> None:
    # "%1000000000d" % 1 is as bad as a huge f-string width.
    if isinstance(a, (str, bytes)):
        text = a.decode("latin-1") if isinstance(a, bytes) else a
        for match in _PERCENT_SPEC.finditer(text):
            for part in match.groups():
                if part == "*":
                    _refuse("'*' widths in %-formatting are not allowed")
                if part and _too_wide(part):
                    _refuse(f"%-format width or precision {part[:10]} is over {MAX_FORMAT_WIDTH}")


def _checked(check: Callable[[Any, Any], None],
             op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def run(a: Any, b: Any) -> Any:
        check(a, b)
        return op(a, b)
    return run


# The policy rewrites `a ** b` into `_sandbox_pow_(a, b)` and so on.
_OPERATOR_GUARDS: dict[type[ast.operator], tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Add: ("_sandbox_add_", _checked(_check_add, operator.add)),
    ast.Mult: ("_sandbox_mul_", _checked(_check_mul, operator.mul)),
    ast.Pow: ("_sandbox_pow_", _checked(_check_pow, operator.pow)),
    ast.LShift: ("_sandbox_lshift_", _checked(_check_lshift, operator.lshift)),
    ast.Mod: ("_sandbox_mod_", _checked(_check_mod, operator.mod)),
}

# `x op= y` on a name becomes `x = _inplacevar_("op=", x, y)` (RestrictedPython).
_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": _checked(_check_add, operator.iadd),
    "-=": operator.isub,
    "*=": _checked(_check_mul, operator.imul),
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": _checked(_check_mod, operator.imod),
    "**=": _checked(_check_pow, operator.ipow),
    "<<=": _checked(_check_lshift, operator.ilshift),
    ">>=": operator.irshift,
    "&=": operator.iand,
    "|=": operator.ior,
    "^=": operator.ixor,
    "@=": operator.imatmul,
}


def _guarded_inplace(op: str, target: Any, value: Any) -> Any:
    function = _INPLACE.get(op)
    if function is None:
        _refuse(f"'{op}' is not allowed")
    return function(target, value)


def _guarded_pow(base: Any, exponent: Any, mod: Any = None) -> Any:
    # Modular pow with huge numbers is slow C code the time limit cannot stop.
    if mod is not None:
        _refuse("pow() with a modulus is not allowed")
    _check_pow(base, exponent)
    return base**exponent


def _guarded_range(*args: Any) -> range:
    numbers = range(*args)
    try:
        count = len(numbers)
    except OverflowError:
        count = MAX_ITEMS + 1
    # sum(range(10**12)) would loop in C, out of the time limit's reach.
    _check_items(count, "range()")
    return numbers


def _guarded_round(number: Any, ndigits: Any = None) -> Any:
    if ndigits is None:
        return round(number)
    # round(5, -10**9) computes 10**(10**9).
    if isinstance(ndigits, int) and abs(ndigits) > MAX_FORMAT_WIDTH:
        _refuse(f"round() to more than {MAX_FORMAT_WIDTH} digits is not allowed")
    return round(number, ndigits)


def _guarded_sum(iterable: Iterable[Any], /, start: Any = 0) -> Any:
    # sum(lists, []) is quadratic C code; only numbers may be summed.
    if not isinstance(start, (int, float)):
        _refuse("sum() only adds numbers")
    return sum(iterable, start)


def _guarded_zip(*iterables: Iterable[Any], strict: bool = False) -> zip[Any]:
    # list(zip(*[xs] * 100000)) would copy xs 100000 times in C.
    if len(iterables) > 32:
        _refuse("zip() of more than 32 sequences is not allowed")
    return zip(*iterables, strict=strict)


def _join(separator: Any, iterable: Iterable[Any]) -> Any:
    items = list(iterable)
    size = len(separator) * max(len(items) - 1, 0)
    size += sum(len(item) for item in items if isinstance(item, (str, bytes)))
    _check_items(size, "join()")
    return separator.join(items)


def _replace(text: Any, old: Any, new: Any, count: int = -1, /) -> Any:
    hits = text.count(old) if old else len(text) + 1
    if count >= 0:
        hits = min(hits, count)
    _check_items(len(text) + hits * (len(new) - len(old)), "replace()")
    return text.replace(old, new, count)


def _padding(name: str) -> Callable[..., Any]:
    def pad(text: Any, width: Any, *args: Any) -> Any:
        if isinstance(width, int):
            _check_items(width, f"{name}()")
        return getattr(text, name)(width, *args)
    return pad


def _expandtabs(text: Any, tabsize: Any = 8) -> Any:
    if isinstance(tabsize, int):
        tab = "\t" if isinstance(text, str) else b"\t"
        _check_items(len(text) + text.count(tab) * max(tabsize, 0), "expandtabs()")
    return text.expandtabs(tabsize)


def _translate(text: Any, table: Any, *args: Any) -> Any:
    if isinstance(text, str):
        if not isinstance(table, dict):
            _refuse("str.translate() needs a dict table in the sandbox")
        longest = max((len(v) for v in table.values() if isinstance(v, str)), default=1)
        _check_items(len(text) * max(longest, 1), "translate()")
    return text.translate(table, *args)


def _extend(items: list[Any], iterable: Iterable[Any]) -> None:
    values = iterable if isinstance(iterable, (*_SEQUENCES, dict, set, range)) else list(iterable)
    _check_items(len(items) + len(values), "extend()")
    items.extend(values)


def _to_bytes(number: int, length: Any = 1, byteorder: Any = "big", *, signed: bool = False) -> Any:
    if isinstance(length, int):
        _check_items(length, "to_bytes()")
    return number.to_bytes(length, byteorder, signed=signed)


# Methods that can build a huge result in one C call: bound ones are wrapped with a
# size check, unbound ones (str.join(s, xs)) are refused.
_METHOD_GUARDS: dict[str, tuple[tuple[type, ...], Callable[..., Any]]] = {
    "join": ((str, bytes), _join),
    "replace": ((str, bytes), _replace),
    "ljust": ((str, bytes), _padding("ljust")),
    "rjust": ((str, bytes), _padding("rjust")),
    "center": ((str, bytes), _padding("center")),
    "zfill": ((str, bytes), _padding("zfill")),
    "expandtabs": ((str, bytes), _expandtabs),
    "translate": ((str, bytes), _translate),
    "extend": ((list,), _extend),
    "to_bytes": ((int,), _to_bytes),
}

# Attributes that reach interpreter internals (frames, code, globals) or that format
# strings with attribute access ("{0.__class__}".format(x)); refused whatever the object.
_REFUSED_ATTRIBUTES = INSPECT_ATTRIBUTES | {"mro", "format", "format_map"}


def _attribute_problem(name: str) -> str | None:
    if name.startswith("_"):
        return f"attribute '{name}' is not allowed: names starting with '_' are private"
    if name in ("format", "format_map"):
        return f"attribute '{name}' is not allowed: use an f-string instead"
    if name in _REFUSED_ATTRIBUTES:
        return f"attribute '{name}' is not allowed: it exposes interpreter internals"
    return None


def _guarded_method(obj: Any, name: str, value: Any) -> Any:
    types, guard = _METHOD_GUARDS[name]
    if isinstance(obj, type):
        if issubclass(obj, types):
            _refuse(f"'{obj.__name__}.{name}' is not allowed; call .{name}() on a value")
        return value
    if not isinstance(obj, types):
        return value

    def method(*args: Any, **kwargs: Any) -> Any:
        return guard(obj, *args, **kwargs)
    return method


def _guarded_getattr(obj: Any, name: str) -> Any:
    if type(name) is not str:
        _refuse("attribute names must be strings")
    problem = _attribute_problem(name)
    if problem:
        _refuse(problem)
    value = getattr(obj, name)
    if name in _METHOD_GUARDS:
        return _guarded_method(obj, name, value)
    return value


def _getitem(obj: Any, key: Any) -> Any:
    return obj[key]


def _apply(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


class _ListWriter:
    """Lets a script write into a list, refusing slice assignments that grow it too far."""

    __slots__ = ("_items",)

    def __init__(self, items: list[Any]) -> None:
        """Wrap `items`."""
        self._items = items

    def __setitem__(self, key: Any, value: Any) -> None:
        """items[key] = value, with `xs[len(xs):] = xs` (doubling) bounded."""
        if isinstance(key, slice):
            value = list(value)
            removed = len(range(*key.indices(len(self._items))))
            _check_items(len(self._items) - removed + len(value), "slice assignment")
        self._items[key] = value

    def __delitem__(self, key: Any) -> None:
        """del items[key]."""
        del self._items[key]


def _guarded_write(obj: Any) -> Any:
    if type(obj) is dict:
        return obj
    if type(obj) is list:
        return _ListWriter(obj)
    # Anything else must declare its own write guards (RestrictedPython's wrapper).
    return full_write_guard(obj)


# Only Exception subclasses: the time-limit stop derives from BaseException, and code in
# the sandbox must have no way to name (and so catch) it.
_EXCEPTIONS: dict[str, type[Exception]] = {
    name: value for name, value in safe_builtins.items()
    if isinstance(value, type) and issubclass(value, Exception)
}

_SAFE_BUILTINS: dict[str, Any] = {
    "None": None, "True": True, "False": False,
    "abs": abs, "all": all, "any": any, "bin": bin, "bool": bool, "callable": callable,
    "chr": chr, "dict": dict, "divmod": divmod, "enumerate": enumerate, "float": float,
    "frozenset": frozenset, "hash": hash, "hex": hex, "int": int, "isinstance": isinstance,
    "issubclass": issubclass, "len": len, "list": list, "max": max, "min": min, "oct": oct,
    "ord": ord, "repr": repr, "reversed": reversed, "set": set, "slice": slice,
    "sorted": sorted, "str": str, "tuple": tuple,
    "pow": _guarded_pow, "range": _guarded_range, "round": _guarded_round,
    "sum": _guarded_sum, "zip": _guarded_zip,
    **_EXCEPTIONS,
}

# Added last to every namespace, so task data cannot replace a guard.
_GUARDS: dict[str, Any] = {
    "__builtins__": _SAFE_BUILTINS,
    "_getattr_": _guarded_getattr,
    "_getitem_": _getitem,
    "_getiter_": iter,
    "_write_": _guarded_write,
    "_apply_": _apply,
    "_inplacevar_": _guarded_inplace,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_sandbox_exceptions_": dict(_EXCEPTIONS),
    **{name: guard for name, guard in _OPERATOR_GUARDS.values()},
}


# --- the static check -------------------------------------------------------------------------

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
    if any(_too_wide(digits) for digits in re.findall(r"\d+", text)):
        return f"f-string format width or precision is over {MAX_FORMAT_WIDTH}"
    return None


class _SandboxPolicy(RestrictingNodeTransformer):  # type: ignore[misc]
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
        result: ast.AST = super().visit_Name(node)
        return result

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        """Refuse private, introspection and format attributes; guard the others."""
        problem = _attribute_problem(node.attr)
        if problem:
            self.error(node, problem)
            checked: ast.AST = self.node_contents_visit(node)
            return checked
        result: ast.AST = super().visit_Attribute(node)
        return result

    def visit_Call(self, node: ast.Call) -> ast.AST:
        """Refuse calls such as eval(), open(), type() and getattr() by name."""
        if isinstance(node.func, ast.Name) and node.func.id in _REFUSED_CALLS:
            self.error(node, f"calling '{node.func.id}' is not allowed")
            checked: ast.AST = self.node_contents_visit(node)
            return checked
        result: ast.AST = super().visit_Call(node)
        return result

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        """Route +, *, **, << and % through guards that refuse huge results."""
        node = self.node_contents_visit(node)
        guard = _OPERATOR_GUARDS.get(type(node.op))
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
        names = [e for e in elements if isinstance(e, ast.Name) and e.id in _EXCEPTIONS]
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


_UNKNOWN = object()

_STATIC_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Sub: operator.sub, ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv,
    ast.RShift: operator.rshift, ast.BitOr: operator.or_, ast.BitXor: operator.xor,
    ast.BitAnd: operator.and_,
    **{op: guard for op, (_, guard) in _OPERATOR_GUARDS.items()},
}
_STATIC_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert,
    ast.Not: operator.not_,
}
_STATIC_CALLS: dict[str, Callable[..., Any]] = {
    "range": _guarded_range, "pow": _guarded_pow, "round": _guarded_round,
}


class _LiteralChecker(ast.NodeVisitor):
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
        self._budget -= 1
        try:
            value = function(*args)
        except SandboxError as err:
            self.problems.append(f"line {node.lineno}: {err}")
            return _UNKNOWN
        except Exception:  # noqa: BLE001 - ordinary errors such as 1/0 are reported at run time
            return _UNKNOWN
        # Keep no big values alive; the guard refuses what follows at run time anyway.
        if isinstance(value, (range, *_SEQUENCES)) and len(value) > MAX_ITEMS // 10:
            return _UNKNOWN
        return value


@lru_cache(maxsize=4096)
def _compile(source: str, mode: Mode) -> tuple[CodeType | None, tuple[str, ...]]:
    """The code for `source`, or the problems that refuse it; cached, conditions run often."""
    if len(source) > MAX_SOURCE_CHARS:
        return None, (f"longer than {MAX_SOURCE_CHARS:,} characters",)
    checker = _LiteralChecker()
    restricted = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    try:
        tree = ast.parse(source, _FILENAME, mode)
        checker.visit(tree)
        result = restricted(tree, _FILENAME, policy=_SandboxPolicy)
    except SyntaxError as err:
        return None, (f"line {err.lineno}: syntax error: {err.msg}",)
    except RecursionError:
        return None, ("nested too deeply",)
    except (ValueError, MemoryError) as err:
        return None, (f"cannot be compiled: {err}",)
    problems = (*checker.problems, *result.errors)
    return (None, problems) if problems else (result.code, ())


def check_expression(source: str) -> list[str]:
    """Problems (plain English messages, empty if none) that keep an expression from running in the sandbox."""  # noqa: E501
    return list(_compile(source.strip(), "eval")[1])


def check_script(source: str) -> list[str]:
    """Same for a multi-line script (script task)."""
    return list(_compile(source, "exec")[1])


def _compiled(source: str, mode: Mode) -> CodeType:
    code, problems = _compile(source, mode)
    if code is None:
        raise SandboxError("; ".join(problems))
    return code


# --- the time limit ---------------------------------------------------------------------------


class _Stop(BaseException):
    """Raised inside sandboxed code when its time is up; BaseException so it is not caught."""


# PyThreadState_SetAsyncExc raises an exception in another thread at its next bytecode
# boundary. A sys.settrace tracer cannot do this job: on 3.11 `while True: pass` produces
# no line events, and a tracer that raises is switched off, so a caught stop would leave
# the loop running untraced.
_send_async = ctypes.pythonapi["PyThreadState_SetAsyncExc"]
_send_async.argtypes = (ctypes.c_ulong, ctypes.py_object)
_send_async.restype = ctypes.c_int
_clear_async = ctypes.pythonapi["PyThreadState_SetAsyncExc"]
_clear_async.argtypes = (ctypes.c_ulong, ctypes.c_void_p)
_clear_async.restype = ctypes.c_int


@dataclass(eq=False)
class _Call:
    """One sandboxed evaluation in progress."""

    thread_id: int
    deadline: float
    fired: bool = False


class _Watchdog:
    """One daemon thread that stops sandboxed calls still running at their deadline."""

    def __init__(self) -> None:
        """Idle until the first call."""
        self.reset()

    def reset(self) -> None:
        """Forget all calls and the thread (also in a forked child, where it is gone)."""
        self._cond = threading.Condition(threading.Lock())
        self._calls: set[_Call] = set()
        self._thread: threading.Thread | None = None
        self._wake_at = math.inf

    def begin(self, time_limit: float) -> _Call:
        """Register a call on this thread that must end within `time_limit` seconds."""
        call = _Call(threading.get_ident(), time.monotonic() + time_limit)
        with self._cond:
            self._calls.add(call)
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="sandbox-watchdog",
                                                daemon=True)
                self._thread.start()
            elif call.deadline < self._wake_at:
                self._cond.notify()
        return call

    def end(self, call: _Call) -> None:
        """Unregister `call`, withdrawing its stop if it was sent but not yet raised."""
        with self._cond:
            if call not in self._calls:
                return
            self._calls.remove(call)
            if call.fired:
                _clear_async(call.thread_id, None)
                # An enclosing sandboxed call on this thread that is also out of time
                # must still be stopped.
                if any(c.fired and c.thread_id == call.thread_id for c in self._calls):
                    _send_async(call.thread_id, _Stop)

    def _watch(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                self._wake_at = math.inf
                for call in self._calls:
                    if call.fired:
                        continue
                    if call.deadline <= now:
                        call.fired = True
                        _send_async(call.thread_id, _Stop)
                    else:
                        self._wake_at = min(self._wake_at, call.deadline)
                self._cond.wait(None if self._wake_at == math.inf else self._wake_at - now)


_WATCHDOG = _Watchdog()
os.register_at_fork(after_in_child=_WATCHDOG.reset)


# --- the SpiffWorkflow environment ------------------------------------------------------------


def _sandbox_line(tb: TracebackType | None) -> int | None:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == _FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _where(err: BaseException, is_script: bool) -> str:
    line = _sandbox_line(err.__traceback__) if is_script else None
    return f"line {line}: " if line else ""


class SandboxEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]
    """A SpiffWorkflow script environment that runs everything in the sandbox."""

    def __init__(self, time_limit: float = 1.0,
                 environment_globals: Mapping[str, Any] | None = None) -> None:
        """`time_limit` in seconds per evaluation; `environment_globals` are trusted helpers."""
        if not time_limit > 0:
            raise ValueError("time_limit must be positive")
        super().__init__(dict(environment_globals or {}))
        self.time_limit = time_limit

    def evaluate(self, expression: str, context: dict[str, Any],
                 external_context: Mapping[str, Any] | None = None) -> Any:
        """The value of `expression`, with the task data `context` as its variables."""
        code = _compiled(expression.strip(), "eval")
        namespace = {**self.globals, **(external_context or {}), **context, **_GUARDS}
        return self._run(code, namespace, is_script=False)

    def execute(self, script: str, context: dict[str, Any],
                external_context: Mapping[str, Any] | None = None) -> bool:
        """Run `script`; the variables it assigns end up in the task data `context`."""
        external = dict(external_context or {})
        self._check_for_overwrite(context, external)
        code = _compiled(script, "exec")
        namespace = {**self.globals, **external, **context, **_GUARDS}
        self._run(code, namespace, is_script=True)
        # Like TaskDataEnvironment: deleted names leave the task data, and builtins,
        # functions, helpers and external context do not enter it.
        for key in [key for key in context if key not in namespace]:
            del context[key]
        for key, value in namespace.items():
            if key in _GUARDS or key in self.globals or key in external:
                continue
            if callable(value):
                context.pop(key, None)
            else:
                context[key] = value
        return True

    def _check_for_overwrite(self, context: Mapping[str, Any],
                             external: Mapping[str, Any]) -> None:
        # TaskDataEnvironment refuses this too: a variable would hide a helper function.
        clashes = (set(self.globals) | set(external)) & set(context)
        if clashes:
            raise SandboxError(f"task data overwrites predefined function(s): "
                               f"{', '.join(sorted(clashes))}")

    def _run(self, code: CodeType, namespace: dict[str, Any], *, is_script: bool) -> Any:
        call = _WATCHDOG.begin(self.time_limit)
        try:
            try:
                # The code was compiled by _SandboxPolicy and runs with guarded builtins;
                # eval() runs exec-mode code objects too.
                return eval(code, namespace)  # noqa: S307
            finally:
                _WATCHDOG.end(call)
        except _Stop as stop:
            _WATCHDOG.end(call)
            if not call.fired:
                raise  # the stop belongs to an enclosing sandboxed call
            raise SandboxError(f"{_where(stop, is_script)}stopped: it ran longer than the "
                               f"{self.time_limit:g} s time limit") from None
        except SandboxError as err:
            raise SandboxError(f"{_where(err, is_script)}{err}") from None
        except Exception as err:  # every failure of diagram code becomes a SandboxError
            raise SandboxError(f"{_where(err, is_script)}{type(err).__name__}: {err}") from err


def create_script_engine(time_limit: float = 1.0) -> PythonScriptEngine:
    """A SpiffWorkflow script engine whose every evaluation runs in the sandbox."""
    return PythonScriptEngine(environment=SandboxEnvironment(time_limit))
