"""Check submitted form data against a task's JSON Schema, with a message per field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
FORM_ERROR = "_form"

_TYPES = {
    "string": "teks", "integer": "bilangan bulat", "number": "angka",
    "boolean": "Ya/Tidak", "object": "objek", "array": "daftar",
}


def _message(error: ValidationError) -> str:
    """A plain Indonesian message for one schema violation."""
    rule, value = str(error.validator), cast(Any, error.validator_value)
    if rule == "enum":
        return "Pilih salah satu: " + ", ".join(str(v) for v in value) + "."
    if rule == "type":
        return f"Harus berupa {_TYPES.get(str(value), value)}."
    messages = {
        "required": "Wajib diisi.",
        "minLength": "Wajib diisi." if value == 1 else f"Minimal {value} karakter.",
        "maxLength": f"Maksimal {value} karakter.",
        "minimum": f"Nilai minimal {value}.",
        "maximum": f"Nilai maksimal {value}.",
        "const": f"Harus bernilai {value}.",
        "format": f"Format {value} tidak valid.",
        "pattern": "Format isian tidak sesuai.",
        "additionalProperties": "Kolom ini tidak dikenal pada formulir.",
    }
    return messages.get(rule, error.message)


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
        return {FORM_ERROR: ["Data formulir harus berupa objek JSON."]}
    errors: dict[str, list[str]] = {}
    for name in data:
        if not isinstance(name, str) or not FIELD_NAME.match(name):
            errors.setdefault(str(name), []).append("Nama kolom tidak sah.")
        elif _has_nul(data[name]):
            errors.setdefault(name, []).append("Teks tidak boleh memuat karakter NUL.")
    validator = schema if isinstance(schema, Draft202012Validator) else make_validator(schema)
    for error in validator.iter_errors(data):
        for field in _fields(error, data):
            message = _message(error)
            if message not in errors.get(field, []):
                errors.setdefault(field, []).append(message)
    return errors
