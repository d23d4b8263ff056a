"""`x-prefill-from` on a form field: the earlier step's field whose latest answer becomes the
field's default (engine.tickets.prefill fills it; validation checks the name)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PREFILL = "x-prefill-from"


def prefill_sources(schema: Mapping[str, Any]) -> dict[str, Any]:
    """Field -> what its `x-prefill-from` says (a field name, if the form is right)."""
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return {}
    return {str(name): part[PREFILL] for name, part in properties.items()
            if isinstance(part, Mapping) and PREFILL in part}
