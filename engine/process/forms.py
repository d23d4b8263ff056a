"""Check submitted form data against a task's JSON Schema, with a message per field.

Every regular expression of a form (`pattern`, `patternProperties`, `format: regex`) is
matched with RE2, in time linear in the answer: `^(a|aa)+$` against `"a"*36 + "!"` cannot
backtrack for seconds. A pattern RE2 cannot take (backreferences, lookaround) is refused
when the diagram is validated (`pattern_problem`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from typing import Any, cast

import re2
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import extend

from engine.messages import Message, text

FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
FORM_ERROR = "_form"

_TYPES = {
    "string": "kind_text", "integer": "kind_integer", "number": "kind_number",
    "boolean": "kind_boolean", "object": "kind_object", "array": "kind_array",
}


def _message(error: ValidationError) -> str:
    """A plain message (a code with parameters) for one schema violation."""
    rule, value = str(error.validator), cast(Any, error.validator_value)
    if rule == "enum":
        return Message("field_choose_one", choices=", ".join(str(v) for v in value))
    if rule == "type":
        kind = _TYPES.get(str(value))
        return Message("field_type", kind=Message(kind) if kind else str(value))
    if rule == "minLength" and value == 1:
        return Message("field_required")
    codes = {
        "required": "field_required", "minLength": "field_min_length",
        "maxLength": "field_max_length", "minimum": "field_minimum",
        "maximum": "field_maximum", "const": "field_const", "format": "field_format",
        "pattern": "field_pattern", "additionalProperties": "field_unknown",
    }
    if rule not in codes:
        return text(error.message)
    return Message(codes[rule], **{"format" if rule == "format" else
                                   "value" if rule == "const" else "limit": value})


def _fields(error: ValidationError, data: Mapping[str, Any]) -> list[str]:
    """The form fields an error is about."""
    if error.path:
        return [str(error.path[0])]
    if error.validator == "required":
        required = cast(list[str], error.validator_value)
        return [name for name in required if name not in data] or [FORM_ERROR]
    if error.validator == "additionalProperties":
        allowed = set(cast(Mapping[str, Any], error.schema).get("properties", {}))
        return [name for name in data if name not in allowed] or [FORM_ERROR]
    return [FORM_ERROR]


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # a refused pattern is reported, not logged to stderr


@functools.lru_cache(maxsize=1024)
def _re2(pattern: str) -> Any:
    """The RE2 program of a pattern (re2.error when RE2 cannot take it); cached."""
    return re2.compile(pattern, _RE2_OPTIONS)


def pattern_problem(pattern: object) -> str | None:
    """Why RE2 cannot take a pattern (backreferences, lookaround, ...); None when it can."""
    if not isinstance(pattern, str):
        return "not text"
    try:
        _re2(pattern)
    except re2.error as err:
        detail = err.args[0] if err.args else err
        return detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
    except UnicodeEncodeError:
        return "not valid Unicode"
    return None


def matches(pattern: str, value: str) -> bool:
    """Whether `value` contains a match of `pattern` (JSON Schema's unanchored search), in RE2:
    linear time; False when either cannot be matched at all."""
    try:
        return _re2(pattern).search(value) is not None
    except (re2.error, UnicodeEncodeError):
        return False


def _pattern(validator: Any, pattern: str, instance: Any,
             schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    """The `pattern` keyword, matched with RE2."""
    if validator.is_type(instance, "string") and not matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Any, patterns: Mapping[str, Any], instance: Any,
                        schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    """The `patternProperties` keyword, its names matched with RE2."""
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for name, value in instance.items():
            if matches(pattern, name):
                yield from validator.descend(value, subschema, path=name,
                                             schema_path=pattern)


_FORMATS = FormatChecker()
_FORMATS.checkers = {**Draft202012Validator.FORMAT_CHECKER.checkers}


@_FORMATS.checks("regex")
def _is_regex(instance: object) -> bool:
    """`format: regex`: an answer that is a pattern RE2 can take."""
    return not isinstance(instance, str) or pattern_problem(instance) is None


FormValidator: type[Validator] = extend(  # type: ignore[no-untyped-call]
    Draft202012Validator, {"pattern": _pattern, "patternProperties": _pattern_properties})


def make_validator(schema: Mapping[str, Any]) -> Validator:
    """A validator for one form, formats checked and patterns matched with RE2; build it
    once per form and reuse it."""
    return FormValidator(schema, format_checker=_FORMATS)


def _has_nul(value: Any) -> bool:
    """Whether any text in a value holds U+0000 (PostgreSQL cannot store it)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


def check_submission(schema: Mapping[str, Any] | Validator,
                     data: Any) -> dict[str, list[str]]:
    """Field name -> messages for everything wrong with `data`; empty when it is valid."""
    if not isinstance(data, dict):
        return {FORM_ERROR: [Message("form_not_object")]}
    errors: dict[str, list[str]] = {}
    for name in data:
        if not isinstance(name, str) or not FIELD_NAME.match(name):
            errors.setdefault(str(name), []).append(Message("field_name_invalid"))
        elif _has_nul(data[name]):
            errors.setdefault(name, []).append(Message("field_nul"))
    validator = make_validator(schema) if isinstance(schema, Mapping) else schema
    for error in validator.iter_errors(data):
        for field in _fields(error, data):
            message = _message(error)
            if message not in errors.get(field, []):
                errors.setdefault(field, []).append(message)
    return errors
