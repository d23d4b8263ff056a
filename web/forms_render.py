"""A task's JSON Schema as HTML form fields, and a submitted form back as typed data.

Forms are rendered on the server so they work without JavaScript. `widgets` describes each
field for the `partials/fields.html` macros (Jinja escapes everything); `parse` turns
`request.form` (and `request.files`) into the data the engine validates against the same
schema. Only what cannot even be typed (a number that is not a number, a date that is not
a date) is refused here; every other rule is the engine's.

A property with `contentMediaType` or `format: "attachment"` is a file input: the file is
sent with the ticket's attachments (checked and stored by the engine) and the property's
value becomes the SHA-256 of its content, which is how the ticket names that attachment.

Texts are the owners' Indonesian (`title`, `description`); on English pages a field's
`x-title-en`, `x-description-en` and `x-enum-titles-en` (one label per `enum` value, in its
order) are shown instead when the form gives them. The engine's field messages are
translated here too.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import engine
from engine import Upload
from web.extensions import _
from web.pages.formatting import english, translated

TEXTAREA_ABOVE = 200  # strings allowed to be longer than this get a textarea
RADIO_UP_TO = 4       # enums with at most this many options are radio buttons
SCALE_UP_TO = 10      # an integer range this short (a rating) is radio buttons too
RATING = range(1, 6)  # 1–5 with words, from "sangat buruk" to "sangat baik"
_INPUT_TYPES = {"email": "email", "date": "date", "date-time": "datetime-local", "uri": "url"}
_DATETIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")


class FileLike(Protocol):
    """What a file of `request.files` offers (werkzeug's FileStorage)."""

    filename: str | None

    def read(self) -> bytes: ...


class FormLike(Protocol):
    """What a submitted form offers (werkzeug's MultiDict)."""

    def get(self, key: str) -> Any: ...


class FilesLike(Protocol):
    """What `request.files` offers."""

    def getlist(self, key: str) -> list[Any]: ...


@dataclass(frozen=True)
class Widget:
    """One form field, ready for the template."""

    name: str
    kind: str  # text textarea email date datetime url number radio select file
    label: str
    help: str = ""
    required: bool = False
    value: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    minimum: Any = None
    maximum: Any = None
    step: str = ""
    min_length: int | None = None
    max_length: int | None = None
    errors: tuple[str, ...] = ()
    input_type: str = "text"
    internal: bool = False  # `"x-visibility": "internal"`: never shown to the Pengguna SPSE

    @property
    def described_by(self) -> str:
        """The ids of the help text and error messages, for aria-describedby."""
        ids = ([f"{self.name}-help"] if self.help else []) + (
            [f"{self.name}-error"] if self.errors else [])
        return " ".join(ids)


@dataclass
class Submission:
    """A parsed form: typed data for the engine, files to attach, and what could not be read."""

    data: dict[str, Any] = field(default_factory=dict)
    uploads: list[Upload] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)


def _properties(schema: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    properties = schema.get("properties", {})
    return {str(k): dict(v) for k, v in properties.items() if isinstance(v, Mapping)}


def _is_file(prop: Mapping[str, Any]) -> bool:
    return "contentMediaType" in prop or prop.get("format") == "attachment"


def _text(value: Any) -> str:
    """A value as the string an input shows (booleans as the radio values)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _scale(prop: Mapping[str, Any]) -> range | None:
    """An integer from a short range (a rating 1–5): its values, to offer as choices."""
    low, high = prop.get("minimum"), prop.get("maximum")
    if (prop.get("type") != "integer" or "enum" in prop or not isinstance(low, int)
            or not isinstance(high, int) or isinstance(low, bool) or isinstance(high, bool)):
        return None
    return range(low, high + 1) if 0 < high - low + 1 <= SCALE_UP_TO else None


def _scale_label(number: int, scale: range) -> str:
    if scale == RATING:
        words = {1: _("Sangat buruk"), 2: _("Buruk"), 3: _("Cukup"), 4: _("Baik"),
                 5: _("Sangat baik")}
        return f"{number} – {words[number]}"
    return str(number)


def _kind(prop: Mapping[str, Any]) -> str:
    kind = str(prop.get("type", "string"))
    if _is_file(prop):
        return "file"
    if "enum" in prop:
        return "radio" if len(prop["enum"]) <= RADIO_UP_TO else "select"
    if kind == "boolean" or _scale(prop) is not None:
        return "radio"
    if kind in ("integer", "number"):
        return "number"
    fmt = prop.get("format")
    if fmt in _INPUT_TYPES:
        return {"date-time": "datetime", "uri": "url"}.get(str(fmt), str(fmt))
    max_length = prop.get("maxLength")
    if isinstance(max_length, int) and max_length > TEXTAREA_ABOVE:
        return "textarea"
    return "text"


def localized(schema: Mapping[str, Any], key: str) -> str:
    """A form's or field's `title` or `description`, in English when the page is and the
    form gives `x-KEY-en`; the Indonesian otherwise."""
    english_text = schema.get(f"x-{key}-en")
    if english() and isinstance(english_text, str) and english_text.strip():
        return english_text
    return str(schema.get(key) or "")


def _enum_labels(prop: Mapping[str, Any]) -> list[str]:
    values = [_text(v) for v in prop["enum"]]
    titles = prop.get("x-enum-titles-en")
    if english() and isinstance(titles, list) and len(titles) == len(values):
        return [str(title) for title in titles]
    return values


def _choices(prop: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    # A select starts on an empty choice, required or not: nothing is chosen by accident.
    if "enum" in prop:
        options = tuple(zip((_text(v) for v in prop["enum"]), _enum_labels(prop), strict=True))
        if len(options) > RADIO_UP_TO:
            return (("", _("— Pilih —")), *options)
        return options
    if prop.get("type") == "boolean":
        return (("true", _("Ya")), ("false", _("Tidak")))
    scale = _scale(prop)
    if scale is not None:
        return tuple((str(number), _scale_label(number, scale)) for number in scale)
    return ()


def widget(name: str, prop: Mapping[str, Any], required: bool, value: str = "",
           errors: Iterable[str] = ()) -> Widget:
    """The widget for one property of a form."""
    kind = _kind(prop)
    is_integer = prop.get("type") == "integer"
    return Widget(
        name=name, kind=kind, label=localized(prop, "title") or name,
        help=localized(prop, "description"), required=required, value=value,
        choices=_choices(prop),
        minimum=prop.get("minimum"), maximum=prop.get("maximum"),
        step=("1" if is_integer else "any") if kind == "number" else "",
        min_length=prop.get("minLength") if kind in ("text", "textarea") else None,
        max_length=prop.get("maxLength") if kind not in ("number", "file") else None,
        errors=tuple(translated(message) for message in errors),
        input_type=_INPUT_TYPES.get(str(prop.get("format")), "text"),
        internal=prop.get("x-visibility") == "internal",
    )


def widgets(schema: Mapping[str, Any], values: FormLike | Mapping[str, Any] | None = None,
            errors: Mapping[str, list[str]] | None = None) -> list[Widget]:
    """Every field of the form, in the schema's order, with entered values and errors."""
    required = set(schema.get("required", []))
    # Nothing entered yet: a field starts on its `default` (pre-filled from an earlier step).
    fresh = not values
    values = values or {}
    errors = errors or {}
    return [widget(name, prop, name in required,
                   _text(prop.get("default") if fresh else values.get(name)),
                   errors.get(name, ()))
            for name, prop in _properties(schema).items()]


def other_errors(schema: Mapping[str, Any], errors: Mapping[str, list[str]],
                 shown: Iterable[str] = ()) -> list[str]:
    """Messages about no field of the form (or about fields shown nowhere else)."""
    names = set(_properties(schema)) | set(shown)
    return [translated(message) for key, messages in errors.items() if key not in names
            for message in messages]


def _number(raw: str, integer: bool) -> tuple[int | float | None, str | None]:
    try:
        number = float(raw.replace(",", "."))
    except ValueError:
        return None, _("Harus berupa angka.")
    if not math.isfinite(number):
        return None, _("Harus berupa angka.")
    if number.is_integer():
        return int(number), None
    if integer:
        return None, _("Harus berupa bilangan bulat.")
    return number, None


def _datetime(raw: str, timezone: str | None) -> tuple[str | None, str | None]:
    """A `datetime-local` value, read in the LPSE's time zone, as RFC 3339 in UTC."""
    for pattern in _DATETIME_FORMATS:
        try:
            local = datetime.strptime(raw, pattern).replace(tzinfo=engine.time_zone(timezone))
        except ValueError:
            continue
        moment = local.astimezone(UTC).isoformat(timespec="seconds")
        return moment.removesuffix("+00:00") + "Z", None
    return None, _("Tanggal dan jam tidak valid.")


def _value(prop: Mapping[str, Any], raw: str,
           timezone: str | None = None) -> tuple[Any, str | None]:
    """One submitted string as the type its property wants, or why it cannot be."""
    kind = prop.get("type")
    if "enum" in prop:
        for option in prop["enum"]:
            if _text(option) == raw:
                return option, None
        return raw, None  # the engine names the allowed options
    if kind == "boolean":
        if raw in ("true", "false"):
            return raw == "true", None
        return None, _("Pilih Ya atau Tidak.")
    if kind in ("integer", "number"):
        return _number(raw, kind == "integer")
    if prop.get("format") == "date-time":
        return _datetime(raw, timezone)
    return raw.replace("\r\n", "\n"), None


def _file(files: FilesLike | None, name: str) -> Upload | None:
    found = uploads(files, name) if files is not None else []
    return found[0] if found else None


def parse(schema: Mapping[str, Any], form: FormLike, files: FilesLike | None = None,
          timezone: str | None = None) -> Submission:
    """Typed data from a submitted form; empty optional fields are left out. Date-times are
    read in `timezone`, the LPSE's (default WIB), and kept in UTC."""
    submission = Submission()
    for name, prop in _properties(schema).items():
        if _is_file(prop):
            upload = _file(files, name)
            if upload is not None:
                submission.uploads.append(upload)
                submission.data[name] = hashlib.sha256(upload.content).hexdigest()
            continue
        raw = form.get(name)
        if not isinstance(raw, str) or not raw.strip():
            continue
        value, error = _value(prop, raw, timezone)
        if error is not None:
            submission.errors.setdefault(name, []).append(error)
        else:
            submission.data[name] = value
    return submission


def uploads(files: FilesLike, name: str) -> list[Upload]:
    """Every file sent in a multiple file input (a browser sends one empty part for none)."""
    found = []
    for stored in files.getlist(name):
        content = stored.read()
        if stored.filename or content:
            found.append(Upload(stored.filename or name, content))
    return found


def entered(schema: Mapping[str, Any], form: FormLike) -> list[tuple[str, str]]:
    """What the user typed, as (label, text) in the form's order, for showing it back."""
    shown = []
    for item in widgets(schema, form):
        if not item.value:
            continue
        labels = dict(item.choices)
        shown.append((item.label, labels.get(item.value, item.value)))
    return shown
