"""Appending to a chain: seal the event on the stream's head, insert its row, move the head.

Every event of every stream is written here, so the hash chain cannot be appended two ways.
A ticket's stream (`ticket:<id>`) keeps its head on the ticket row (`event_count`,
`last_hash`); the process stream's head is its newest event.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, insert, select, text
from sqlalchemy.orm import Session

from engine.evidence import chain
from engine.persistence.tables import EventRow, TicketRow
from engine.types import Event

PROCESS_STREAM = "process"
_EVENTS = cast(Table, EventRow.__table__)
_INSERT_EVENT = insert(_EVENTS)


def ticket_stream(ticket_id: int) -> str:
    """The audit stream of one ticket."""
    return f"ticket:{ticket_id}"


def append(session: Session, stream: str, seq: int, prev_hash: str, *, ticket_id: int | None,
           actor: str, role: str, type: str, data: dict[str, Any], task: str | None = None,
           sop_step: int | None = None, at: str | None = None) -> Event:
    """Seal an event after (`seq` - 1, `prev_hash`) and insert its row (a plain INSERT: the
    unique (stream, seq) refuses a second writer of the same place)."""
    event = chain.seal(stream, seq, prev_hash, actor=actor, role=role, type=type, task=task,
                       sop_step=sop_step, data=data, at=at)
    session.connection().execute(_INSERT_EVENT, {"stream": stream, "ticket_id": ticket_id,
                                                 **chain.event_columns(event)})
    return event


def append_to_ticket(session: Session, ticket: TicketRow, *, actor: str, role: str, type: str,
                     data: dict[str, Any], task: str | None = None,
                     sop_step: int | None = None, at: str | None = None) -> Event:
    """Append to a ticket's stream; the ticket row carries the new head (saved with it)."""
    event = append(session, ticket_stream(ticket.id), ticket.event_count + 1, ticket.last_hash,
                   ticket_id=ticket.id, actor=actor, role=role, type=type, data=data,
                   task=task, sop_step=sop_step, at=at)
    ticket.event_count, ticket.last_hash = event.seq, event.hash
    return event


def stream_head(session: Session, stream: str) -> tuple[int, str]:
    """The newest sequence number of a stream and that event's hash (0 and GENESIS if none)."""
    row = session.execute(
        select(EventRow.seq, EventRow.hash).where(EventRow.stream == stream)
        .order_by(EventRow.seq.desc()).limit(1)).first()
    return (row.seq, row.hash) if row else (0, chain.GENESIS)


def append_to_process(session: Session, *, actor: str, role: str, type: str,
                      data: dict[str, Any]) -> Event:
    """Append to the process stream (deployments), after its newest event."""
    seq, head = stream_head(session, PROCESS_STREAM)
    return append(session, PROCESS_STREAM, seq + 1, head, ticket_id=None, actor=actor,
                  role=role, type=type, data=data)


PEOPLE_STREAM = "people"


def append_to_people(session: Session, *, actor: str, role: str,
                     changes: list[tuple[str, dict[str, Any]]]) -> list[Event]:
    """Append directory and account changes (type, data) to the `people` stream, in order,
    after its newest event, with one multi-row INSERT (an import brings thousands)."""
    if not changes:
        return []
    if session.get_bind().dialect.name == "postgresql":
        # One writer of the stream at a time: the next writer waits, then reads the new head.
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('eskalasi:people'))"))
    seq, head = stream_head(session, PEOPLE_STREAM)
    at = chain.timestamp()
    events: list[Event] = []
    for kind, data in changes:
        seq += 1
        event = chain.seal(PEOPLE_STREAM, seq, head, actor=actor, role=role, type=kind,
                           data=data, at=at)
        head = event.hash
        events.append(event)
    rows = [{"stream": PEOPLE_STREAM, "ticket_id": None, **chain.event_columns(event)}
            for event in events]
    for start in range(0, len(rows), 1000):
        session.connection().execute(_INSERT_EVENT, rows[start:start + 1000])
    return events
