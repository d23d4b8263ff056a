"""Who may see the handlers' internal items of a ticket, and the ticket's data as each reads it.

Internal items are the form fields marked `"x-visibility": "internal"` (engine.process.
visibility) and the comments written as internal notes. The events keep everything (the
hash chain covers the full data); what leaves for a reader is filtered here, on read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Protocol

from engine.process.definitions import ProcessDefinition
from engine.process.visibility import internal_fields, public_data
from engine.types import Event, Role, User

__all__ = ["COMMENT_ADDED", "event_for", "internal_fields", "may_see_internal",
           "public_data", "public_event_data"]

# The event of a comment outside the SOP steps: data {"comment", "text", "internal"[,
# "attachments"]}.
COMMENT_ADDED = "comment_added"


class _ByLpseId(Protocol):
    @property
    def lpse_id(self) -> int: ...


class _ByLpseName(Protocol):
    @property
    def lpse(self) -> str: ...


def may_see_internal(user: User, ticket: _ByLpseId | _ByLpseName) -> bool:
    """The ticket's handlers see its internal items: the Admin LPSE of its LPSE, Helpdesk
    LKPP, and the auditor (read-only). The Pengguna SPSE never does, nor anyone else.

    `ticket` is a ticket row (its `lpse_id`) or the engine's `Ticket` (its LPSE's name)."""
    if user.role in (Role.HELPDESK, Role.AUDITOR):
        return True
    if user.role is not Role.ADMIN:
        return False
    lpse_id = getattr(ticket, "lpse_id", None)
    if lpse_id is not None:
        return user.lpse_id is not None and lpse_id == user.lpse_id
    return user.lpse is not None and getattr(ticket, "lpse", None) == user.lpse


def is_internal_event(event_type: str, data: Mapping[str, Any]) -> bool:
    """An event that is an internal item as a whole (an internal comment)."""
    return event_type == COMMENT_ADDED and bool(data.get("internal"))


def public_event_data(definition: ProcessDefinition, step: str | None,
                      data: Mapping[str, Any]) -> dict[str, Any]:
    """An event's data without the internal fields of the form it answered."""
    form = data.get("form")
    if not isinstance(form, Mapping):
        return dict(data)
    if step is None or step not in definition.steps:
        # A step the ticket's version no longer has (moved to another version): which of
        # its fields were internal cannot be told, so none is shown.
        return {**data, "form": {}}
    return {**data, "form": public_data(definition.form(step), form)}


def event_for(sees_internal: bool, definition: ProcessDefinition, event: Event) -> Event | None:
    """The event as a reader gets it: whole for those who see internal items; otherwise
    without internal fields, and None for an event that is internal as a whole."""
    if sees_internal:
        return event
    if is_internal_event(event.type, event.data):
        return None
    return replace(event, data=public_event_data(definition, event.task, event.data))
