"""Evidence an auditor takes away: a ticket's history as JSON (re-verifiable with nothing
but hashlib and json) or CSV, and every ticket opened in a date range as CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from engine.audit.inspection import auditable_ticket, created_between, require_auditor
from engine.evidence import chain, checkpoints
from engine.evidence.read_log import READ_CSV, READ_JSON, READ_RANGE, log_read
from engine.persistence import repository
from engine.persistence.tables import EventRow, LpseRow, TicketRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.tickets.use_cases import ticket_stream, to_event, to_ticket
from engine.types import Event, User

FORMAT = "eskalasi-audit-export-1"
HASH_RULE = (
    "Each event's hash is SHA-256 (hex) over the previous event's hash (ASCII hex; 64 zeros "
    "for the first event) followed by the canonical JSON of the event's body: the object "
    "{stream, seq, at, actor, role, type, task, sop_step, data, prev_hash} serialised with "
    "sorted keys, separators ',' and ':', non-ASCII characters kept as they are, UTF-8. "
    "seq counts 1, 2, 3...; the last event's hash is the ticket's head.")
EVENT_FIELDS = ("seq", "at", "actor", "role", "type", "task", "sop_step", "data",
                "prev_hash", "hash")
# A spreadsheet would run a cell starting with these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _event_json(event: Event) -> dict[str, Any]:
    return {name: getattr(event, name) for name in EVENT_FIELDS}


def export_ticket(uow: UnitOfWork, actor: User, ticket_id: int) -> dict[str, Any]:
    """One ticket's full history with hashes, the head and its day checkpoints."""
    with uow:
        session = uow.session
        row = auditable_ticket(session, actor, ticket_id)
        ticket = to_ticket(session, row)
        stream = ticket_stream(row.id)
        events = [to_event(e) for e in repository.stream_events(session, stream)]
        recorded = [{"seq": c.seq, "day": c.day, "prev_hash": c.prev_hash, "hash": c.hash,
                     "head": list(c.heads[stream])}
                    for c in checkpoints.list_checkpoints(session) if stream in c.heads]
        log_read(session, actor, READ_JSON, row.id, row.number)
        uow.commit()
    return {
        "format": FORMAT,
        "exported_at": chain.timestamp(),
        "exported_by": actor.username,
        "hash_rule": HASH_RULE,
        "ticket": {"id": ticket.id, "number": ticket.number, "title": ticket.title,
                   "status": ticket.status, "lpse": ticket.lpse, "reporter": ticket.reporter,
                   "process_version": ticket.process_version,
                   "created_at": ticket.created_at.isoformat(),
                   "closed_at": ticket.closed_at.isoformat() if ticket.closed_at else None},
        "stream": stream,
        "head": {"event_count": row.event_count, "last_hash": row.last_hash},
        "events": [_event_json(e) for e in events],
        "checkpoints": recorded,
    }


def cell(value: Any) -> str:
    """A value as a CSV cell: JSON for structures, and never something run as a formula."""
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return out.getvalue()


def export_ticket_csv(uow: UnitOfWork, actor: User, ticket_id: int) -> str:
    """One ticket's events as CSV, one row per event (data as JSON)."""
    with uow:
        session = uow.session
        row = auditable_ticket(session, actor, ticket_id)
        events = [to_event(e) for e in repository.stream_events(session, ticket_stream(row.id))]
        log_read(session, actor, READ_CSV, row.id, row.number)
        uow.commit()
    return _csv(("ticket", *EVENT_FIELDS),
                ([row.number, *(getattr(e, name) for name in EVENT_FIELDS)] for e in events))


RANGE_HEADER = ("ticket", "lpse", "status", "created_at", "closed_at", *EVENT_FIELDS)


def export_range_csv(uow: UnitOfWork, actor: User, date_from: date | None,
                     date_to: date | None) -> str:
    """Every event of every ticket opened in the date range (Jakarta days, inclusive)."""
    require_auditor(actor)
    with uow:
        session = uow.session
        tickets = session.execute(
            select(TicketRow.id, TicketRow.number, LpseRow.name, TicketRow.status,
                   TicketRow.created_at, TicketRow.closed_at)
            .join(LpseRow, LpseRow.id == TicketRow.lpse_id)
            .where(*created_between(date_from, date_to)).order_by(TicketRow.id)).all()
        rows: list[list[Any]] = []
        for start in range(0, len(tickets), 500):
            batch = {ticket_stream(t.id): t for t in tickets[start:start + 500]}
            for event in session.scalars(select(EventRow).where(EventRow.stream.in_(batch))
                                         .order_by(EventRow.ticket_id, EventRow.seq)):
                t = batch[event.stream]
                rows.append([t.number, t.name, t.status, t.created_at.isoformat(),
                             t.closed_at.isoformat() if t.closed_at else None,
                             *(getattr(event, name) for name in EVENT_FIELDS)])
        log_read(session, actor, READ_RANGE, None,
                 f"{date_from or '…'} – {date_to or '…'}: {len(tickets)} tickets")
        uow.commit()
    return _csv(RANGE_HEADER, rows)


def export_filename(number: str, extension: str) -> str:
    """`ESK-2026-000001-riwayat-20261128.json`."""
    return f"{number}-riwayat-{datetime.now(UTC):%Y%m%d}.{extension}"
