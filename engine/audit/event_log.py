"""Event logs for process-mining tools: IEEE XES (1849-2016) and OCEL 2.0 JSON (issue 16).

One trace (case) per closed ticket opened in the date range, in ticket order; its events
are the ticket's steps from the audit chain: `ticket_opened` and `task_completed` as
`complete`, the first claim of a task (issue 13) as its `start`. An event is named by its
SOP step and the step's name in the current version ("Langkah 5: Menilai ..."), so a step
renamed between versions is one activity; `org:role` is the lane that did it and
`org:resource` the person, pseudonymised by default: a keyed hash of the username
(HMAC-SHA-256 with the application's secret key), stable across exports, so a tool can
count who did what without learning who it was. Auditors may ask for the usernames.

Written by the engine, read back by pm4py in the tests (pm4py is AGPL and test-only: the
application never imports it).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit.inspection import created_between
from engine.audit.step_names import current_step_names, step_label
from engine.errors import Forbidden
from engine.evidence import chain
from engine.evidence.read_log import READ_EVENT_LOG, log_read
from engine.messages import Message
from engine.persistence.tables import EventRow, LpseRow, TicketRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.tickets.use_cases import ticket_stream
from engine.types import EventType, Role, TicketStatus, User

XES_NS = "http://www.xes-standard.org/"
EXTENSIONS = (("Concept", "concept", "http://www.xes-standard.org/concept.xesext"),
              ("Time", "time", "http://www.xes-standard.org/time.xesext"),
              ("Lifecycle", "lifecycle", "http://www.xes-standard.org/lifecycle.xesext"),
              ("Organizational", "org", "http://www.xes-standard.org/org.xesext"))
LOG_NAME = "Eskalasi LPSE Support"
START, COMPLETE = "start", "complete"
PSEUDONYM_PREFIX = "pengguna-"
_BATCH = 500


@dataclass(frozen=True)
class LogEvent:
    """One event of a trace."""

    id: str
    activity: str
    timestamp: datetime
    lifecycle: str
    role: str
    resource: str
    sop_step: int | None
    task: str


@dataclass(frozen=True)
class Trace:
    """One ticket and its events in order."""

    number: str
    lpse: str
    lpse_code: str
    opened: datetime
    closed: datetime | None
    events: tuple[LogEvent, ...]


@dataclass(frozen=True)
class EventLog:
    """The closed tickets opened in a date range, as traces."""

    date_from: date | None
    date_to: date | None
    pseudonymised: bool
    traces: tuple[Trace, ...]

    @property
    def event_count(self) -> int:
        """How many events the traces hold together."""
        return sum(len(trace.events) for trace in self.traces)


def pseudonym(key: str, username: str) -> str:
    """A stable stand-in for a username: `pengguna-` and 12 hex digits of its HMAC."""
    digest = hmac.new(key.encode(), username.encode(), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:12]


def _events(number: str, rows: list[EventRow], names: dict[int, str],
            person: Any) -> Iterator[LogEvent]:
    claimed: set[str] = set()
    for row in rows:
        data = row.data or {}
        if row.type in (chain.TICKET_OPENED, chain.TASK_COMPLETED):
            lifecycle = COMPLETE
        elif row.type == EventType.TASK_CLAIMED and str(data.get("task_id")) not in claimed:
            claimed.add(str(data.get("task_id")))
            lifecycle = START
        else:
            continue
        yield LogEvent(
            id=f"{number}-{row.seq}", task=row.task or "",
            activity=step_label(row.sop_step, row.task or row.type, names),
            timestamp=datetime.fromisoformat(row.at).astimezone(UTC), lifecycle=lifecycle,
            role=row.role, resource=person(row.actor), sop_step=row.sop_step)


def event_log(uow: UnitOfWork, actor: User, key: str, date_from: date | None = None,
              date_to: date | None = None, *, names: bool = False) -> EventLog:
    """The closed tickets opened in the date range (days in WIB, inclusive) as traces;
    people pseudonymised unless `names` (a logged read either way); auditors only."""
    if actor.role is not Role.AUDITOR:
        raise Forbidden(Message("only_auditor_exports"))

    def person(username: str) -> str:
        return username if names else pseudonym(key, username)

    with uow:
        session = uow.session
        traces = list(_traces(session, date_from, date_to, person))
        log_read(session, actor, READ_EVENT_LOG, None,
                 f"{date_from or '…'} – {date_to or '…'}: {len(traces)} tickets"
                 f"{', nama' if names else ''}")
        uow.commit()
    return EventLog(date_from, date_to, not names, tuple(traces))


def _traces(session: Session, date_from: date | None, date_to: date | None,
            person: Any) -> Iterator[Trace]:
    names = current_step_names(session)
    tickets = session.execute(
        select(TicketRow.id, TicketRow.number, TicketRow.created_at, TicketRow.closed_at,
               LpseRow.name, LpseRow.code)
        .join(LpseRow, LpseRow.id == TicketRow.lpse_id)
        .where(TicketRow.status == TicketStatus.CLOSED, *created_between(date_from, date_to))
        .order_by(TicketRow.id)).all()
    for start in range(0, len(tickets), _BATCH):
        batch = tickets[start:start + _BATCH]
        streams: dict[str, list[EventRow]] = {ticket_stream(t.id): [] for t in batch}
        for row in session.scalars(
                select(EventRow).where(EventRow.stream.in_(streams),
                                       EventRow.type.in_((chain.TICKET_OPENED,
                                                          chain.TASK_COMPLETED,
                                                          EventType.TASK_CLAIMED)))
                .order_by(EventRow.ticket_id, EventRow.seq)):
            streams[row.stream].append(row)
        for ticket in batch:
            yield Trace(number=ticket.number, lpse=ticket.name, lpse_code=ticket.code,
                        opened=ticket.created_at, closed=ticket.closed_at,
                        events=tuple(_events(ticket.number, streams[ticket_stream(ticket.id)],
                                                names, person)))


def _xes_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _attribute(parent: Any, kind: str, key: str, value: str) -> None:
    etree.SubElement(parent, kind, key=key, value=value)


def to_xes(log: EventLog) -> bytes:
    """The log as an IEEE 1849-2016 XES document (UTF-8)."""
    root = etree.Element("log", nsmap={None: XES_NS})
    root.set("xes.version", "1849-2016")
    root.set("xes.features", "")
    for name, prefix, uri in EXTENSIONS:
        etree.SubElement(root, "extension", name=name, prefix=prefix, uri=uri)
    trace_globals = etree.SubElement(root, "global", scope="trace")
    _attribute(trace_globals, "string", "concept:name", "__INVALID__")
    event_globals = etree.SubElement(root, "global", scope="event")
    _attribute(event_globals, "string", "concept:name", "__INVALID__")
    _attribute(event_globals, "date", "time:timestamp", "1970-01-01T00:00:00.000+00:00")
    _attribute(event_globals, "string", "lifecycle:transition", COMPLETE)
    etree.SubElement(root, "classifier", name="Activity", keys="concept:name")
    etree.SubElement(root, "classifier", name="Activity and lifecycle",
                     keys="concept:name lifecycle:transition")
    _attribute(root, "string", "concept:name", LOG_NAME)
    _attribute(root, "string", "eskalasi:pseudonymised", "true" if log.pseudonymised else "false")
    for trace in log.traces:
        node = etree.SubElement(root, "trace")
        _attribute(node, "string", "concept:name", trace.number)
        _attribute(node, "string", "lpse", trace.lpse)
        _attribute(node, "string", "lpse:kode", trace.lpse_code)
        _attribute(node, "date", "opened", _xes_time(trace.opened))
        if trace.closed is not None:
            _attribute(node, "date", "closed", _xes_time(trace.closed))
        for event in trace.events:
            item = etree.SubElement(node, "event")
            _attribute(item, "string", "concept:name", event.activity)
            _attribute(item, "date", "time:timestamp", _xes_time(event.timestamp))
            _attribute(item, "string", "lifecycle:transition", event.lifecycle)
            _attribute(item, "string", "org:role", event.role)
            _attribute(item, "string", "org:resource", event.resource)
            _attribute(item, "string", "task", event.task)
            if event.sop_step is not None:
                _attribute(item, "int", "sop_step", str(event.sop_step))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True))


def _ocel_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


EPOCH = "1970-01-01T00:00:00Z"


def to_ocel(log: EventLog) -> dict[str, Any]:
    """The log as an OCEL 2.0 JSON document: objects `ticket` and `lpse`, each event
    related to its ticket and the ticket's LPSE."""
    event_attributes = [{"name": "lifecycle:transition", "type": "string"},
                        {"name": "org:role", "type": "string"},
                        {"name": "org:resource", "type": "string"},
                        {"name": "sop_step", "type": "integer"}]
    activities: dict[str, None] = {}
    objects: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    lpses: dict[str, str] = {}
    for trace in log.traces:
        lpse_id = f"lpse:{trace.lpse_code}"
        lpses[lpse_id] = trace.lpse
        objects.append({
            "id": trace.number, "type": "ticket",
            "attributes": [{"name": "opened", "time": EPOCH, "value": _ocel_time(trace.opened)},
                           {"name": "closed", "time": EPOCH,
                            "value": _ocel_time(trace.closed) if trace.closed else ""}],
            "relationships": [{"objectId": lpse_id, "qualifier": "lpse"}]})
        for event in trace.events:
            activities.setdefault(event.activity)
            events.append({
                "id": event.id, "type": event.activity, "time": _ocel_time(event.timestamp),
                "attributes": [
                    {"name": "lifecycle:transition", "value": event.lifecycle},
                    {"name": "org:role", "value": event.role},
                    {"name": "org:resource", "value": event.resource},
                    {"name": "sop_step", "value": event.sop_step}],
                "relationships": [{"objectId": trace.number, "qualifier": "ticket"},
                                  {"objectId": lpse_id, "qualifier": "lpse"}]})
    objects.extend({"id": lpse_id, "type": "lpse",
                    "attributes": [{"name": "nama", "time": EPOCH, "value": name}],
                    "relationships": []} for lpse_id, name in sorted(lpses.items()))
    return {
        "objectTypes": [
            {"name": "ticket", "attributes": [{"name": "opened", "type": "string"},
                                              {"name": "closed", "type": "string"}]},
            {"name": "lpse", "attributes": [{"name": "nama", "type": "string"}]}],
        "eventTypes": [{"name": name, "attributes": event_attributes} for name in activities],
        "objects": objects,
        "events": events,
    }


def ocel_json(log: EventLog) -> str:
    """The OCEL 2.0 document as JSON text."""
    return json.dumps(to_ocel(log), ensure_ascii=False, indent=1) + "\n"


def event_log_filename(kind: str, date_from: date | None, date_to: date | None) -> str:
    """`log-peristiwa-2026-01-01-2026-12-31.xes` (or `.jsonocel`)."""
    return f"log-peristiwa-{date_from or 'awal'}-{date_to or 'akhir'}.{kind}"
