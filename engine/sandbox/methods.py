"""Size-checked stand-ins for the str, bytes, list and int methods that build big results."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from engine.sandbox.limits import SEQUENCES, check_items, refuse


def _join(separator: Any, iterable: Iterable[Any]) -> Any:
    items = list(iterable)
    size = len(separator) * max(len(items) - 1, 0)
    size += sum(len(item) for item in items if isinstance(item, (str, bytes)))
    check_items(size, "join()")
    return separator.join(items)


def _replace(text: Any, old: Any, new: Any, count: int = -1, /) -> Any:
    hits = text.count(old) if old else len(text) + 1
    if count >= 0:
        hits = min(hits, count)
    check_items(len(text) + hits * (len(new) - len(old)), "replace()")
    return text.replace(old, new, count)


def _padding(name: str) -> Callable[..., Any]:
    def pad(text: Any, width: Any, *args: Any) -> Any:
        if isinstance(width, int):
            check_items(width, f"{name}()")
        return getattr(text, name)(width, *args)
    return pad


def _expandtabs(text: Any, tabsize: Any = 8) -> Any:
    if isinstance(tabsize, int):
        tab = "\t" if isinstance(text, str) else b"\t"
        check_items(len(text) + text.count(tab) * max(tabsize, 0), "expandtabs()")
    return text.expandtabs(tabsize)


def _translate(text: Any, table: Any, *args: Any) -> Any:
    if isinstance(text, str):
        if not isinstance(table, dict):
            refuse("str.translate() needs a dict table in the sandbox")
        longest = max((len(v) for v in table.values() if isinstance(v, str)), default=1)
        check_items(len(text) * max(longest, 1), "translate()")
    return text.translate(table, *args)


def _extend(items: list[Any], iterable: Iterable[Any]) -> None:
    values = iterable if isinstance(iterable, (*SEQUENCES, dict, set, range)) else list(iterable)
    check_items(len(items) + len(values), "extend()")
    items.extend(values)


def _to_bytes(number: int, length: Any = 1, byteorder: Any = "big", *, signed: bool = False) -> Any:
    if isinstance(length, int):
        check_items(length, "to_bytes()")
    return number.to_bytes(length, byteorder, signed=signed)


# Methods that can build a huge result in one C call: bound ones are wrapped with a
# size check, unbound ones (str.join(s, xs)) are refused.
METHOD_GUARDS: dict[str, tuple[tuple[type, ...], Callable[..., Any]]] = {
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


def guarded_method(obj: Any, name: str, value: Any) -> Any:
    """`value` (obj.name, a method in METHOD_GUARDS) wrapped in its size check."""
    types, guard = METHOD_GUARDS[name]
    if isinstance(obj, type):
        if issubclass(obj, types):
            refuse(f"'{obj.__name__}.{name}' is not allowed; call .{name}() on a value")
        return value
    if not isinstance(obj, types):
        return value

    def method(*args: Any, **kwargs: Any) -> Any:
        return guard(obj, *args, **kwargs)
    return method
