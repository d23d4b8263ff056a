"""What a URL may carry: a path's id is a whole number an id column can hold (or no row);
a query string's values and a JSON body's strings are text a database can store (or a
400/422 naming the parameter or field)."""

from __future__ import annotations

from typing import Any

from flask import request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import BaseConverter

from web.extensions import _

# The id columns are SQLAlchemy `Integer`: 32-bit on PostgreSQL (a bigger number in a
# query is a database error there) and 64-bit on SQLite, so the smaller range holds.
MAX_ID = 2**31 - 1
_MAX_DIGITS = len(str(MAX_ID))
NO_ROW = 0  # ids start at 1 in every table (autoincrement and sequences alike)


class IdConverter(BaseConverter):
    """`<id:name>`: ASCII digits naming a row. A number no id column can hold names no row,
    so it becomes NO_ROW: the view then answers exactly as for any unknown id (the same
    404 page or problem, after the same sign-in and token checks), never a database error."""

    regex = r"[0-9]+"
    weight = 50  # as werkzeug's own `int`

    def to_python(self, value: str) -> int:
        """The id; NO_ROW when it is out of range."""
        digits = value.lstrip("0") or "0"
        if len(digits) > _MAX_DIGITS or int(digits) > MAX_ID:  # length first: int() refuses
            return NO_ROW                                       # thousands of digits
        return int(digits)

    def to_url(self, value: Any) -> str:
        """The id as digits."""
        return str(int(value))


CONVERTERS: dict[str, type[BaseConverter]] = {"id": IdConverter}


def not_text(value: str) -> bool:
    """Whether a string holds what no database stores as text: U+0000 (PostgreSQL refuses
    it) or a lone surrogate (no UTF-8 for it; JSON's `"\\udfff"` escape makes one)."""
    return "\x00" in value or any("\ud800" <= c <= "\udfff" for c in value)


def not_text_message() -> str:
    """What is said of a field that holds NUL or a lone surrogate."""
    return _("Memuat karakter yang bukan teks yang sah (NUL atau surrogate tunggal).")


def refuse_odd_query() -> None:
    """Before every request: a query parameter (name or value) that is not valid text is a
    400 naming it, for pages and API alike, before any view reads it."""
    for name, value in request.args.items(multi=True):
        if not_text(name) or not_text(value):
            shown = "".join("\ufffd" if not_text(c) else c for c in name)
            raise BadRequest(_("Parameter %(name)s: %(problem)s", name=shown,
                               problem=not_text_message()))


def _field_name(path: list[str | int]) -> str:
    """A JSON path as a field name; form data's fields are named as their form names them."""
    parts = path[1:] if len(path) > 1 and path[0] == "data" else path
    name = ".".join(str(part) for part in parts) or "_body"
    return "".join("\ufffd" if not_text(c) else c for c in name)


def odd_text_field(value: Any) -> str | None:
    """The field name of the first string (value or key) in a parsed JSON value that is not
    valid text, or None."""
    stack: list[tuple[Any, list[str | int]]] = [(value, [])]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if not_text(item):
                return _field_name(path)
        elif isinstance(item, dict):
            for key, inner in item.items():
                if not_text(key):
                    return _field_name([*path, key])
                stack.append((inner, [*path, key]))
        elif isinstance(item, list):
            stack.extend((inner, [*path, index]) for index, inner in enumerate(item))
    return None
