"""The auditors' area: search tickets, read every event, replay step by step, the read log.

Only auditors get anything here (everyone else: NotFound). Nothing here changes a ticket;
each read of a ticket's personal data (history, replay, exports) writes a read-log row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from engine.audit import replay
from engine.errors import NotFound
from engine.evidence import chain
from engine.evidence.read_log import READ_HISTORY, READ_REPLAY, log_read
from engine.messages import Message
from engine.persistence import repository
from engine.persistence.tables import (
    AuditReadRow,
    EventRow,
    LpseRow,
    ProcessVersionRow,
    TaskRow,
    TicketRow,
    UserRow,
)
from engine.persistence.unit_of_work import UnitOfWork
from engine.process.definitions import ProcessDefinition
from engine.process.versions import definition_of
from engine.process.visibility import internal_fields
from engine.tickets import runtime, search
from engine.tickets.use_cases import ticket_stream, to_event, to_ticket
from engine.types import (
    DEFAULT_TIMEZONE,
    AuditEntry,
    AuditHistory,
    AuditQuery,
    AuditTicket,
    DataChange,
    Event,
    Field,
    ProcessVersion,
    ReadLogEntry,
    ReplayFrame,
    ReplayView,
    Role,
    User,
)

# Dates an auditor types (a national search across LPSEs) are days in Indonesia's western
# time, where LKPP works; each ticket's own times are shown in its LPSE's zone.
ZONE = ZoneInfo(DEFAULT_TIMEZONE)
RATING_STEP = 17
NUMBER = re.compile(r"ESK-[0-9]{4}-[0-9]{6,}")
FORM_EVENTS = (chain.TICKET_OPENED, chain.TASK_COMPLETED)


def require_auditor(actor: User) -> None:
    """Auditors only; anyone else is told there is nothing here."""
    if actor.role is not Role.AUDITOR:
        raise NotFound(Message("page_not_found"))


def day_start(day: date) -> datetime:
    """The first moment of a day in WIB (LKPP's zone), in UTC."""
    return datetime.combine(day, time(), ZONE).astimezone(UTC)


def created_between(date_from: date | None, date_to: date | None) -> list[ColumnElement[bool]]:
    """SQL conditions: the ticket was opened within the days given (both inclusive)."""
    conditions: list[ColumnElement[bool]] = []
    if date_from is not None:
        conditions.append(TicketRow.created_at >= day_start(date_from))
    if date_to is not None:
        conditions.append(TicketRow.created_at < day_start(date_to + timedelta(days=1)))
    return conditions


def ratings(session: Session, ticket_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Ticket id -> the rating given when it was closed (step 17), newest if several."""
    query = (select(EventRow.ticket_id, EventRow.data)
             .where(EventRow.type == chain.TASK_COMPLETED, EventRow.sop_step == RATING_STEP)
             .order_by(EventRow.ticket_id, EventRow.seq))
    if ticket_ids is not None:
        query = query.where(EventRow.ticket_id.in_(list(ticket_ids)))
    found: dict[int, int] = {}
    for ticket_id, data in session.execute(query):
        rating = (data or {}).get("form", {}).get("rating")
        if ticket_id is not None and isinstance(rating, int) and not isinstance(rating, bool):
            found[ticket_id] = rating
    return found


def number_matches(typed: str) -> ColumnElement[bool]:
    """A ticket number as typed: the sequence alone ("123", "000123") is that ticket; a whole
    number ("ESK-2026-000123") is that one; anything else is the start of numbers.

    Each form reads one index (the key, or the unique index on number as a range: a LIKE
    prefix could not use it on SQLite, whose LIKE ignores case), never every ticket.
    """
    typed = typed.strip().upper()
    if typed.isascii() and typed.isdigit():
        return TicketRow.id == int(typed) if int(typed) < 2**31 else false()
    if NUMBER.fullmatch(typed):
        return TicketRow.number == typed
    # Numbers are ASCII: every one starting with `typed` sorts in [typed, typed + U+10FFFF).
    return and_(TicketRow.number >= typed, TicketRow.number < typed + "\U0010ffff")


def typed_matches(session: Session, actor: User, typed: str) -> ColumnElement[bool]:
    """What an auditor typed in the search box: a ticket number (or its start) finds that
    ticket as before, and any words, codes or "phrases" find the tickets whose text (every
    answer, internal notes too) matches them: every match (the results are newest first and
    other filters narrow them, so no cap), unranked."""
    found = search.matches(session, actor, typed, newest=None, ranked=False)
    by_text = TicketRow.id.in_(select(found.c.ticket_id)) if found is not None else false()
    typed = typed.strip().upper()
    if typed.isascii() and (typed.isdigit() or typed.startswith("ESK")):
        return or_(number_matches(typed), by_text)
    return by_text


def _conditions(session: Session, actor: User, query: AuditQuery,
                now: datetime) -> list[Any]:
    conditions: list[Any] = created_between(query.date_from, query.date_to)
    if query.number.strip():
        conditions.append(typed_matches(session, actor, query.number))
    if query.lpse_id is not None:
        conditions.append(TicketRow.lpse_id == query.lpse_id)
    if query.status:
        conditions.append(TicketRow.status == query.status)
    pending = select(TaskRow.ticket_id).where(TaskRow.completed_at.is_(None))
    if query.sop_step is not None:
        conditions.append(TicketRow.id.in_(pending.where(TaskRow.sop_step == query.sop_step)))
    if query.overdue:
        conditions.append(TicketRow.id.in_(pending.where(TaskRow.due_at < now)))
    if query.rating is not None:
        rated = [t for t, r in ratings(session).items() if r == query.rating]
        conditions.append(TicketRow.id.in_(rated))
    return conditions


def search_tickets(uow: UnitOfWork, actor: User, query: AuditQuery, *, limit: int = 50,
                   offset: int = 0) -> list[AuditTicket]:
    """Tickets matching every part of the query, newest first (no personal data)."""
    require_auditor(actor)
    now = datetime.now(UTC)
    with uow:
        session = uow.session
        rows = session.scalars(select(TicketRow).where(*_conditions(session, actor, query, now))
                               .order_by(TicketRow.id.desc()).limit(limit).offset(offset)).all()
        ids = [row.id for row in rows]
        pending: dict[int, list[TaskRow]] = {}
        for task in repository.pending_task_rows(session, ids):
            pending.setdefault(task.ticket_id, []).append(task)
        lpses = repository.lpse_names(session, {row.lpse_id for row in rows})
        rated = ratings(session, ids)
        return [AuditTicket(
            id=row.id, number=row.number, lpse=lpses.get(row.lpse_id, ""), status=row.status,
            created_at=row.created_at, closed_at=row.closed_at,
            steps=tuple(_step_label(t.sop_step, t.name) for t in pending.get(row.id, [])),
            overdue=any(t.due_at is not None and t.due_at < now for t in pending.get(row.id, [])),
            rating=rated.get(row.id)) for row in rows]


def list_lpse_choices(uow: UnitOfWork, actor: User) -> list[tuple[int, str]]:
    """Every LPSE (id, name), by name, for the search form."""
    require_auditor(actor)
    with uow:
        return [(row.id, row.name) for row in uow.session.execute(
            select(LpseRow.id, LpseRow.name).order_by(LpseRow.name))]


def _step_label(sop_step: int | None, name: str) -> str:
    return f"{sop_step}. {name}" if sop_step else name


def auditable_ticket(session: Session, actor: User, ticket_id: int) -> TicketRow:
    require_auditor(actor)
    ticket = session.get(TicketRow, ticket_id)
    if ticket is None:
        raise NotFound(Message("ticket_not_found"))
    return ticket


def _titles(definition: ProcessDefinition, step: str | None,
            keyword: str = "title") -> dict[str, str]:
    """Field -> its title (or the owners' English one, `x-title-en`) in a step's form."""
    if step is None or step not in definition.steps:
        return {}
    properties = definition.form(step).get("properties", {})
    if keyword != "title":
        return {name: str(spec[keyword]) for name, spec in properties.items()
                if isinstance(spec, Mapping) and isinstance(spec.get(keyword), str)}
    return {name: str(spec.get("title", name)) for name, spec in properties.items()
            if isinstance(spec, Mapping)}


def _all_titles(definition: ProcessDefinition) -> dict[str, str]:
    titles: dict[str, str] = {}
    for step in definition.steps:
        titles.update(_titles(definition, step))
    return titles


def _first_version(ticket: TicketRow, events: Sequence[Event]) -> str:
    moves = [e for e in events if e.type == chain.TICKET_MIGRATED]
    if moves:
        return str(moves[0].data.get("from_version", ticket.process_version_id))
    return ticket.process_version_id


def _definition(session: Session, version: str, fallback: str) -> ProcessDefinition:
    if session.get(ProcessVersionRow, version) is None:
        version = fallback
    return definition_of(session, version)


def _entries(session: Session, ticket: TicketRow,
             events: Sequence[Event]) -> tuple[list[AuditEntry], list[ProcessVersion]]:
    names = dict(session.execute(select(UserRow.username, UserRow.full_name).where(
        UserRow.username.in_({e.actor for e in events}))).all())
    version = _first_version(ticket, events)
    numbers: dict[str, int] = {}
    data: dict[str, Any] = {}
    entries = []
    for event in events:
        if event.type == chain.TICKET_MIGRATED:
            version = str(event.data.get("to_version", version))
        definition = _definition(session, version, ticket.process_version_id)
        if definition.version_id not in numbers:
            row = session.get(ProcessVersionRow, definition.version_id)
            numbers[definition.version_id] = row.number if row is not None else 0
        titles = _titles(definition, event.task)
        fields: tuple[Field, ...] = ()
        changes: list[DataChange] = []
        if event.type in FORM_EVENTS:
            form = dict(event.data.get("form", {}))
            ordered = [n for n in titles if n in form] + [n for n in form if n not in titles]
            titles_en = _titles(definition, event.task, "x-title-en")
            internal = (internal_fields(definition.form(event.task))
                        if event.task is not None and event.task in definition.steps
                        else frozenset())
            fields = tuple(Field(n, titles.get(n) or n, form[n], titles_en.get(n, ""),
                                 internal=n in internal) for n in ordered)
            for name in ordered:
                if name not in data or data[name] != form[name]:
                    changes.append(DataChange(name, titles.get(name) or name, data.get(name),
                                              form[name], name not in data))
            data.update(form)
        details = tuple(Field(k, k, v) for k, v in event.data.items() if k != "form")
        step = definition.steps.get(event.task) if event.task else None
        entries.append(AuditEntry(
            seq=event.seq, at=event.at, actor=event.actor,
            actor_name=names.get(event.actor, event.actor), role=event.role, type=event.type,
            task=event.task, step_name=step.name if step is not None else "",
            sop_step=event.sop_step, fields=fields, changes=tuple(changes), details=details,
            version=definition.version_id, version_number=numbers[definition.version_id],
            hash=event.hash, prev_hash=event.prev_hash,
            step_name_en=step.name_en if step is not None else ""))
    versions = [ProcessVersion(id=row.id, number=row.number, process_id=row.process_id,
                               deployed_at=row.deployed_at, deployed_by=row.deployed_by,
                               note=row.note, current=row.id == ticket.process_version_id)
                for row in session.scalars(select(ProcessVersionRow).where(
                    ProcessVersionRow.id.in_(list(numbers))).order_by(ProcessVersionRow.number))]
    return entries, versions


def _history(session: Session, ticket: TicketRow) -> tuple[AuditHistory, list[Event]]:
    events = [to_event(row) for row in repository.stream_events(session,
                                                                ticket_stream(ticket.id))]
    entries, versions = _entries(session, ticket, events)
    return AuditHistory(to_ticket(session, ticket), tuple(entries), tuple(versions)), events


def audit_history(uow: UnitOfWork, actor: User, ticket_id: int,
                  read: str = READ_HISTORY) -> AuditHistory:
    """Every event of a ticket in order: who, role, when, step, data and what it changed."""
    with uow:
        session = uow.session
        ticket = auditable_ticket(session, actor, ticket_id)
        history, _ = _history(session, ticket)
        log_read(session, actor, read, ticket.id, ticket.number)
        uow.commit()
        return history


def _frame(session: Session, event: Event, workflow: Any, version: str,
           fallback: str) -> ReplayFrame:
    if workflow is None:
        return ReplayFrame(event.seq, version, (), (), (), ())
    definition = _definition(session, version, fallback)
    done = [t for t in workflow.get_tasks(state=TaskState.COMPLETED)
            if t.task_spec.name in definition.steps]
    ready = runtime.ready_tasks(workflow)
    flows = definition.flows
    taken = {flows[(t.parent.task_spec.name, t.task_spec.name)] for t in [*done, *ready]
             if t.parent is not None and (t.parent.task_spec.name, t.task_spec.name) in flows}
    titles = _all_titles(definition)
    data = runtime.current_data(workflow)
    return ReplayFrame(
        seq=event.seq, version=definition.version_id,
        completed=tuple(sorted({t.task_spec.name for t in done})),
        taken_flows=tuple(sorted(taken)), current=tuple(t.task_spec.name for t in ready),
        data=tuple(Field(name, titles.get(name, name), value) for name, value in data.items()))


def audit_replay(uow: UnitOfWork, actor: User, ticket_id: int,
                 read: str | None = READ_REPLAY) -> ReplayView:
    """The ticket's events replayed one at a time: where it stood after each, on its diagram.

    `read=None` for callers that pass on no personal data (the diagram marks alone).
    """
    with uow:
        session = uow.session
        ticket = auditable_ticket(session, actor, ticket_id)
        history, events = _history(session, ticket)
        frames: list[ReplayFrame] = []
        state = {"version": _first_version(ticket, events)}

        def observe(event: Event, workflow: Any) -> None:
            if event.type == chain.TICKET_MIGRATED:
                state["version"] = str(event.data.get("to_version", state["version"]))
            frames.append(_frame(session, event, workflow, state["version"],
                                 ticket.process_version_id))

        with replay.observing(observe):
            _, problems = replay.replay_across_versions(session, ticket, events)
        for event in events[len(frames):]:
            last = frames[-1] if frames else ReplayFrame(0, ticket.process_version_id,
                                                         (), (), (), ())
            frames.append(ReplayFrame(event.seq, last.version, last.completed,
                                      last.taken_flows, last.current, last.data))
        diagrams = {row.id: row.bpmn_xml for row in session.scalars(
            select(ProcessVersionRow).where(ProcessVersionRow.id.in_(
                {f.version for f in frames} | {ticket.process_version_id})))}
        if read is not None:
            log_read(session, actor, read, ticket.id, ticket.number)
            uow.commit()
        return ReplayView(history, tuple(frames[:len(events)]), diagrams, tuple(problems))


def list_reads(uow: UnitOfWork, actor: User, *, limit: int = 100,
               offset: int = 0) -> list[ReadLogEntry]:
    """The read log, newest first (auditors read who read what)."""
    require_auditor(actor)
    with uow:
        session = uow.session
        rows = session.scalars(select(AuditReadRow).order_by(AuditReadRow.id.desc())
                               .limit(limit).offset(offset)).all()
        numbers = dict(session.execute(select(TicketRow.id, TicketRow.number).where(
            TicketRow.id.in_({r.ticket_id for r in rows if r.ticket_id}))).all())
        return [ReadLogEntry(at=r.at, username=r.username, role=r.role, ticket_id=r.ticket_id,
                             ticket_number=numbers.get(r.ticket_id, "") if r.ticket_id else "",
                             what=r.what, detail=r.detail) for r in rows]
