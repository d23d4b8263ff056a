"""The run-time guards and allowlisted builtins every sandboxed namespace is given."""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Iterable
from typing import Any

from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
)
from RestrictedPython.transformer import INSPECT_ATTRIBUTES

from engine.sandbox.limits import (
    MAX_FORMAT_WIDTH,
    MAX_ITEMS,
    SEQUENCES,
    check_bits,
    check_items,
    check_size,
    refuse,
    too_wide,
)
from engine.sandbox.methods import METHOD_GUARDS, guarded_method

_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?")


def _check_add(a: Any, b: Any) -> None:
    if isinstance(a, SEQUENCES) and isinstance(b, SEQUENCES):
        check_items(len(a) + len(b), "'+'")


def _check_mul(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int):
        check_bits(a.bit_length() + b.bit_length(), "'*'")
    elif isinstance(a, SEQUENCES) and isinstance(b, int):
        check_items(len(a) * b, "'*'")
    elif isinstance(b, SEQUENCES) and isinstance(a, int):
        check_items(len(b) * a, "'*'")


def _check_pow(base: Any, exponent: Any) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0:
        check_bits(max(base.bit_length(), 1) * exponent, "'**'")


def _check_lshift(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int) and b > 0:
        check_bits(a.bit_length() + b, "'<<'")


def _check_mod(a: Any, b: Any) -> None:
    # "%1000000000d" % 1 is as bad as a huge f-string width.
    if isinstance(a, (str, bytes)):
        check_size(b, "%-formatting")
        text = a.decode("latin-1") if isinstance(a, bytes) else a
        for match in _PERCENT_SPEC.finditer(text):
            for part in match.groups():
                if part == "*":
                    refuse("'*' widths in %-formatting are not allowed")
                if part and too_wide(part):
                    refuse(f"%-format width or precision {part[:10]} is over {MAX_FORMAT_WIDTH}")


def _checked(check: Callable[[Any, Any], None],
             op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def run(a: Any, b: Any) -> Any:
        check(a, b)
        return op(a, b)
    return run


# The policy rewrites `a ** b` into `_sandbox_pow_(a, b)` and so on.
OPERATOR_GUARDS: dict[type[ast.operator], tuple[str, Callable[[Any, Any], Any]]] = {
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
        refuse(f"'{op}' is not allowed")
    return function(target, value)


def guarded_pow(base: Any, exponent: Any, mod: Any = None) -> Any:
    """The sandbox's pow(): no modulus, and no result over the size limit."""
    # Modular pow with huge numbers is slow C code the time limit cannot stop.
    if mod is not None:
        refuse("pow() with a modulus is not allowed")
    _check_pow(base, exponent)
    return base**exponent


def guarded_range(*args: Any) -> range:
    """The sandbox's range(): at most MAX_ITEMS numbers."""
    numbers = range(*args)
    try:
        count = len(numbers)
    except OverflowError:
        count = MAX_ITEMS + 1
    # sum(range(10**12)) would loop in C, out of the time limit's reach.
    check_items(count, "range()")
    return numbers


def guarded_round(number: Any, ndigits: Any = None) -> Any:
    """The sandbox's round(): to at most MAX_FORMAT_WIDTH digits."""
    if ndigits is None:
        return round(number)
    # round(5, -10**9) computes 10**(10**9).
    if isinstance(ndigits, int) and abs(ndigits) > MAX_FORMAT_WIDTH:
        refuse(f"round() to more than {MAX_FORMAT_WIDTH} digits is not allowed")
    return round(number, ndigits)


def _guarded_sum(iterable: Iterable[Any], /, start: Any = 0) -> Any:
    # sum(lists, []) is quadratic C code; only numbers may be summed.
    if not isinstance(start, (int, float)):
        refuse("sum() only adds numbers")
    return sum(iterable, start)


def _guarded_zip(*iterables: Iterable[Any], strict: bool = False) -> zip[Any]:
    # list(zip(*[xs] * 100000)) would copy xs 100000 times in C.
    if len(iterables) > 32:
        refuse("zip() of more than 32 sequences is not allowed")
    return zip(*iterables, strict=strict)


# Attributes that reach interpreter internals (frames, code, globals) or that format
# strings with attribute access ("{0.__class__}".format(x)); refused whatever the object.
_REFUSED_ATTRIBUTES = INSPECT_ATTRIBUTES | {"mro", "format", "format_map"}


def attribute_problem(name: str) -> str | None:
    """Why attribute `name` is refused, or None if it may be used."""
    if name.startswith("_"):
        return f"attribute '{name}' is not allowed: names starting with '_' are private"
    if name in ("format", "format_map"):
        return f"attribute '{name}' is not allowed: use an f-string instead"
    if name in _REFUSED_ATTRIBUTES:
        return f"attribute '{name}' is not allowed: it exposes interpreter internals"
    return None


def guarded_getattr(obj: Any, name: str) -> Any:
    """obj.name, unless the attribute is refused; size-building methods come wrapped."""
    if type(name) is not str:
        refuse("attribute names must be strings")
    problem = attribute_problem(name)
    if problem:
        refuse(problem)
    value = getattr(obj, name)
    if name in METHOD_GUARDS:
        return guarded_method(obj, name, value)
    return value


def _guarded_str(*args: Any, **kwargs: Any) -> str:
    """str(), refused for a value that would print as more than MAX_ITEMS characters."""
    if args:
        check_size(args[0], "str()")
    return str(*args, **kwargs)


def _guarded_repr(obj: Any, /) -> str:
    """repr(), likewise bounded."""
    check_size(obj, "repr()")
    return repr(obj)


def _sized(value: Any) -> Any:
    """A value an f-string is about to print, if it would print small enough."""
    check_size(value, "an f-string")
    return value


# The policy rewrites `str(x)` into `_sandbox_str_(x)`, and `f"{x}"` into
# `f"{_sandbox_sized_(x)}"`: printing happens in C, where the time limit cannot stop it.
TEXT_GUARDS: dict[str, str] = {"str": "_sandbox_str_", "repr": "_sandbox_repr_"}
SIZED = "_sandbox_sized_"


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
            check_items(len(self._items) - removed + len(value), "slice assignment")
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
EXCEPTIONS: dict[str, type[Exception]] = {
    name: value for name, value in safe_builtins.items()
    if isinstance(value, type) and issubclass(value, Exception)
}

SAFE_BUILTINS: dict[str, Any] = {
    "None": None, "True": True, "False": False,
    "abs": abs, "all": all, "any": any, "bin": bin, "bool": bool, "callable": callable,
    "chr": chr, "dict": dict, "divmod": divmod, "enumerate": enumerate, "float": float,
    "frozenset": frozenset, "hash": hash, "hex": hex, "int": int, "isinstance": isinstance,
    "issubclass": issubclass, "len": len, "list": list, "max": max, "min": min, "oct": oct,
    "ord": ord, "repr": repr, "reversed": reversed, "set": set, "slice": slice,
    "sorted": sorted, "str": str, "tuple": tuple,
    "pow": guarded_pow, "range": guarded_range, "round": guarded_round,
    "sum": _guarded_sum, "zip": _guarded_zip,
    **EXCEPTIONS,
}

# Added last to every namespace, so task data cannot replace a guard.
GUARDS: dict[str, Any] = {
    "__builtins__": SAFE_BUILTINS,
    "_getattr_": guarded_getattr,
    "_getitem_": _getitem,
    "_getiter_": iter,
    "_write_": _guarded_write,
    "_apply_": _apply,
    "_inplacevar_": _guarded_inplace,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_sandbox_exceptions_": dict(EXCEPTIONS),
    "_sandbox_str_": _guarded_str,
    "_sandbox_repr_": _guarded_repr,
    SIZED: _sized,
    **{name: guard for name, guard in OPERATOR_GUARDS.values()},
}
