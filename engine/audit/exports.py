"""Evidence an auditor takes away: a ticket's history as JSON (re-verifiable with nothing
but hashlib and json) or CSV, and every ticket opened in a date range as CSV or Excel."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit.inspection import (
    FORM_EVENTS,
    ZONE,
    auditable_ticket,
    created_between,
    require_auditor,
)
from engine.evidence import chain, checkpoints
from engine.evidence.read_log import READ_CSV, READ_JSON, READ_RANGE, READ_RANGE_XLSX, log_read
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


# A range export: the ticket's facts, the event's, one column per form field answered in the
# range ("langkah 5: perlu_data_tambahan"), then the event's other data and its hashes.
RANGE_TICKET = ("ticket", "lpse", "status", "created_at", "closed_at")
RANGE_EVENT = ("seq", "at", "actor", "role", "type", "task", "sop_step")
OTHER_DATA = "data_lain"
BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only with it (else "Ã©" for "é")


@dataclass(frozen=True)
class RangeRows:
    """Every event of the tickets opened in a date range, its form answers spread out."""

    fields: tuple[tuple[int | None, str], ...]
    tickets: tuple[Any, ...]
    events: tuple[tuple[Any, EventRow, dict[str, Any], dict[str, Any]], ...]

    def field_label(self, field: tuple[int | None, str]) -> str:
        """`langkah 5: perlu_data_tambahan`."""
        step, name = field
        return f"langkah {step if step is not None else '?'}: {name}"


def _range_rows(session: Session, date_from: date | None, date_to: date | None) -> RangeRows:
    tickets = session.execute(
        select(TicketRow.id, TicketRow.number, LpseRow.name, TicketRow.status,
               TicketRow.created_at, TicketRow.closed_at)
        .join(LpseRow, LpseRow.id == TicketRow.lpse_id)
        .where(*created_between(date_from, date_to)).order_by(TicketRow.id)).all()
    fields: dict[tuple[int | None, str], None] = {}
    events: list[tuple[Any, EventRow, dict[str, Any], dict[str, Any]]] = []
    for start in range(0, len(tickets), 500):
        batch = {ticket_stream(t.id): t for t in tickets[start:start + 500]}
        for event in session.scalars(select(EventRow).where(EventRow.stream.in_(batch))
                                     .order_by(EventRow.ticket_id, EventRow.seq)):
            data = dict(event.data or {})
            form = data.pop("form", None) if event.type in FORM_EVENTS else None
            form = form if isinstance(form, dict) else {}
            for name in form:
                fields.setdefault((event.sop_step, str(name)))
            events.append((batch[event.stream], event, form, data))
    ordered = sorted(fields, key=lambda f: (f[0] if f[0] is not None else 999,))
    return RangeRows(tuple(ordered), tuple(tickets), tuple(events))


def _range_read(uow: UnitOfWork, actor: User, date_from: date | None, date_to: date | None,
                what: str) -> RangeRows:
    require_auditor(actor)
    with uow:
        session = uow.session
        found = _range_rows(session, date_from, date_to)
        log_read(session, actor, what, None,
                 f"{date_from or '…'} – {date_to or '…'}: {len(found.tickets)} tickets")
        uow.commit()
    return found


def export_range_csv(uow: UnitOfWork, actor: User, date_from: date | None,
                     date_to: date | None) -> str:
    """Every event of every ticket opened in the date range (Jakarta days, inclusive), one
    column per form field; UTF-8 with a BOM, so Excel reads it as UTF-8."""
    found = _range_read(uow, actor, date_from, date_to, READ_RANGE)
    header = (*RANGE_TICKET, *RANGE_EVENT, *(found.field_label(f) for f in found.fields),
              OTHER_DATA, "prev_hash", "hash")
    rows = ([t.number, t.name, t.status, t.created_at.isoformat(),
             t.closed_at.isoformat() if t.closed_at else None,
             *(getattr(event, name) for name in RANGE_EVENT),
             *(form.get(name) if step == event.sop_step else None for step, name in found.fields),
             other or None, event.prev_hash, event.hash]
            for t, event, form, other in found.events)
    return BOM + _csv(header, rows)


def _local(moment: datetime | None) -> datetime | None:
    """A time for a spreadsheet cell: WIB, without a zone (Excel keeps none)."""
    return moment.astimezone(ZONE).replace(tzinfo=None) if moment is not None else None


def _xlsx_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | datetime | date):
        return value
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                           sort_keys=True)
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _sheet_row(sheet: Any, values: Sequence[Any], date_columns: Sequence[int] = ()) -> None:
    cells = []
    for index, raw in enumerate(values):
        item = WriteOnlyCell(sheet, value=_xlsx_value(raw))
        if isinstance(item.value, str):
            item.data_type = "s"  # a text starting with "=" stays text, never a formula
        if index in date_columns and item.value is not None:
            item.number_format = "yyyy-mm-dd hh:mm:ss"
        cells.append(item)
    sheet.append(cells)


def export_range_xlsx(uow: UnitOfWork, actor: User, date_from: date | None,
                      date_to: date | None) -> bytes:
    """The date range as an Excel workbook: a sheet of tickets (one row each, the latest
    answer of every form field) and a sheet of events; times are date cells in WIB."""
    found = _range_read(uow, actor, date_from, date_to, READ_RANGE_XLSX)
    book = Workbook(write_only=True)
    tickets = book.create_sheet("Tiket")
    labels = [found.field_label(f) for f in found.fields]
    _sheet_row(tickets, ["tiket", "lpse", "status", "dibuat (WIB)", "ditutup (WIB)", *labels])
    answers: dict[int, dict[tuple[int | None, str], Any]] = defaultdict(dict)
    for t, event, form, _ in found.events:
        for name, value in form.items():
            answers[t.id][(event.sop_step, str(name))] = value
    for t in found.tickets:
        _sheet_row(tickets, [t.number, t.name, t.status, _local(t.created_at),
                             _local(t.closed_at),
                             *(answers[t.id].get(f) for f in found.fields)], (3, 4))
    events = book.create_sheet("Peristiwa")
    _sheet_row(events, ["tiket", "seq", "waktu (WIB)", "pelaku", "peran", "jenis", "tugas",
                        "langkah", *labels, OTHER_DATA, "prev_hash", "hash"])
    for t, event, form, other in found.events:
        _sheet_row(events, [t.number, event.seq, _local(datetime.fromisoformat(event.at)),
                            event.actor, event.role, event.type, event.task, event.sop_step,
                            *(form.get(name) if step == event.sop_step else None
                              for step, name in found.fields),
                            other or None, event.prev_hash, event.hash], (2,))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_filename(number: str, extension: str) -> str:
    """`ESK-2026-000001-riwayat-20261128.json`."""
    return f"{number}-riwayat-{datetime.now(UTC):%Y%m%d}.{extension}"
