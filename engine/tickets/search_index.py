"""A ticket's search document, kept current by the ticket store (issue 13).

Each ticket has one `ticket_search` row: the text anyone who may see the ticket may read
(number, title, LPSE, reporter, the answers of public form fields, public comments) and the
handlers' internal text (internal form fields, internal notes). The ticket store appends to
it with every event (`index_event`), in the same transaction, so search never lags behind a
change and a rolled-back change leaves no words behind. Searching is engine.tickets.search.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from engine.evidence import chain
from engine.persistence.tables import TicketRow, TicketSearchRow, UserRow
from engine.process.definitions import ProcessDefinition
from engine.process.visibility import internal_fields
from engine.types import Event

# The event of a comment outside the SOP steps: data {"text", "internal", ...}.
COMMENT_ADDED = "comment_added"
# Prefixes of the scope words (`scope_word`); migration 0020 writes the same.
LPSE_SCOPE, REPORTER_SCOPE = "zzlpse", "zzpelapor"

_SEARCH = cast(Table, TicketSearchRow.__table__)
_APPEND = (update(_SEARCH).where(_SEARCH.c.ticket_id == bindparam("id"))
           .values(public_text=_SEARCH.c.public_text + bindparam("public"),
                   internal_text=_SEARCH.c.internal_text + bindparam("internal")))
_INSERT = insert(_SEARCH)


def _words(value: Any) -> Iterator[str]:
    """The searchable text of an answer: strings and numbers, also inside lists and objects."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, str | int | float):
        yield str(value)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _words(item)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _words(item)


def event_text(definition: ProcessDefinition, event: Event) -> tuple[str, str]:
    """(public, internal) text an event adds to its ticket's search document."""
    data = event.data
    if event.type == COMMENT_ADDED:
        said = " ".join(_words(data.get("text")))
        return ("", said) if data.get("internal") else (said, "")
    if event.type not in (chain.TICKET_OPENED, chain.TASK_COMPLETED):
        return "", ""
    form = data.get("form")
    if not isinstance(form, Mapping):
        return "", ""
    schema = (definition.form(event.task)
              if event.task is not None and event.task in definition.steps else {})
    hidden = internal_fields(schema)
    public = [w for name, value in form.items() if name not in hidden for w in _words(value)]
    internal = [w for name, value in form.items() if name in hidden for w in _words(value)]
    return " ".join(public), " ".join(internal)


def scope_word(kind: str, key: int) -> str:
    """A word in every ticket's public text naming who may see it (`LPSE_SCOPE` with the
    LPSE's id, `REPORTER_SCOPE` with the reporter's), so a search narrowed to one LPSE's or
    one reporter's tickets is an intersection inside the full-text index, not a filter over
    every match. Typing one finds nothing the typist may not see: visibility is still
    checked on the ticket rows."""
    return f"{kind}{key}q"


def _heading(session: Session, ticket: TicketRow, event: Event) -> str:
    """What names a new ticket: who may see it (scope words), number (and its sequence
    alone), title, LPSE, reporter."""
    reporter = str(event.data.get("reporter", ""))
    name = session.scalar(select(UserRow.full_name).where(UserRow.username == reporter))
    sequence = ticket.number.rsplit("-", 1)[-1].lstrip("0")
    return " ".join(filter(None, [
        scope_word(LPSE_SCOPE, ticket.lpse_id), scope_word(REPORTER_SCOPE, ticket.reporter_id),
        ticket.number, sequence, ticket.title, str(event.data.get("lpse") or ""), reporter,
        name or ""]))


def index_event(session: Session, ticket: TicketRow, definition: ProcessDefinition,
                event: Event) -> None:
    """Add an event's words to its ticket's search document (one statement, in the caller's
    transaction)."""
    public, internal = event_text(definition, event)
    connection = session.connection()
    if event.type == chain.TICKET_OPENED:
        heading = _heading(session, ticket, event)
        public = f"{heading} {public}" if public else heading
    elif not public and not internal:
        return
    values = {"public": f" {public}" if public else "",
              "internal": f" {internal}" if internal else ""}
    if connection.execute(_APPEND, {"id": ticket.id, **values}).rowcount == 0:
        connection.execute(_INSERT, {"ticket_id": ticket.id, "public_text": public,
                                     "internal_text": internal})
