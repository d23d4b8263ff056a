"""Which form fields are the handlers' own notes (`"x-visibility": "internal"`, CONTRACT.md).

A top-level property of a task's JSON Schema may carry `"x-visibility"`: `"internal"` (the
handlers' note: never shown to the Pengguna SPSE) or `"public"` (the default). The rule for
who may see internal items lives with the tickets (`engine.tickets.visibility`); this module
only reads forms and filters answers, so anything that shows or sends answers can use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

VISIBILITY = "x-visibility"
INTERNAL = "internal"
PUBLIC = "public"
VISIBILITIES = (INTERNAL, PUBLIC)


def internal_fields(schema: Mapping[str, Any] | None) -> frozenset[str]:
    """The top-level properties of a form whose schema says `"x-visibility": "internal"`."""
    if not isinstance(schema, Mapping):
        return frozenset()
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return frozenset()
    return frozenset(name for name, part in properties.items()
                     if isinstance(part, Mapping) and part.get(VISIBILITY) == INTERNAL)


def public_data(schema: Mapping[str, Any] | None, data: Mapping[str, Any]) -> dict[str, Any]:
    """The answers without the form's internal fields (a new dict; `data` is unchanged)."""
    hidden = internal_fields(schema)
    return {name: value for name, value in data.items() if name not in hidden}


def visibility_problems(schema: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field, value) for each top-level property whose `x-visibility` is neither
    "internal" nor "public"."""
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return []
    return [(str(name), repr(part[VISIBILITY])) for name, part in properties.items()
            if isinstance(part, Mapping) and VISIBILITY in part
            and part[VISIBILITY] not in VISIBILITIES]
