"""Check submitted form data against a task's JSON Schema, with a message per field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

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


def make_validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    """A validator for one form, formats checked; build it once per form and reuse it."""
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _has_nul(value: Any) -> bool:
    """Whether any text in a value holds U+0000 (PostgreSQL cannot store it)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


def check_submission(schema: Mapping[str, Any] | Draft202012Validator,
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
    validator = schema if isinstance(schema, Draft202012Validator) else make_validator(schema)
    for error in validator.iter_errors(data):
        for field in _fields(error, data):
            message = _message(error)
            if message not in errors.get(field, []):
                errors.setdefault(field, []).append(message)
    return errors
