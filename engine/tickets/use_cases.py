"""Use cases on tickets and tasks, each inside one unit of work."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.evidence import chain, checkpoints, read_log
from engine.persistence import repository
from engine.persistence.tables import AttachmentRow, EventRow, TaskRow, TicketRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.process.definitions import ProcessDefinition
from engine.process.versions import current_definition, definition_of
from engine.tickets import access, deadlines, notifications, runtime
from engine.tickets.attachments import FIELD, CheckedUpload, check_uploads
from engine.types import Event, Role, Task, Ticket, Upload, User

OPEN, CLOSED = "open", "closed"
P = ParamSpec("P")
R = TypeVar("R")


RACED = "Tugas ini baru saja diselesaikan oleh orang lain."
# A completion that loses the ticket's revision race to a change that left its task pending
# (a timer firing, another task of the ticket) is tried again this many times in all.
COMPLETION_ATTEMPTS = 3


def _one_writer(use_case: Callable[P, R]) -> Callable[P, R]:
    """A concurrent change to the same ticket (stale revision, taken sequence number)
    turns the losing use case into a Conflict; its transaction rolls back whole."""

    @functools.wraps(use_case)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return use_case(*args, **kwargs)
        except (StaleDataError, IntegrityError) as err:
            raise Conflict(RACED) from err

    return run


def ticket_stream(ticket_id: int) -> str:
    """The audit stream of one ticket."""
    return f"ticket:{ticket_id}"


def start_form(uow: UnitOfWork, actor: User) -> dict[str, Any]:
    """The JSON Schema of step 1, for an Admin LPSE opening a ticket."""
    if actor.role is not Role.ADMIN:
        raise Forbidden("only an Admin LPSE opens tickets")
    with uow:
        definition = current_definition(uow.session)
        return definition.form(definition.start_step)


@_one_writer
def open_ticket(uow: UnitOfWork, actor: User, reporter: str, data: Any,
                attachments: Sequence[Upload] = ()) -> Ticket:
    """Step 1: an Admin LPSE escalates a Pengguna SPSE's problem; the ticket opens."""
    if actor.role is not Role.ADMIN or actor.lpse_id is None:
        raise Forbidden("only an Admin LPSE opens tickets")
    with uow:
        session = uow.session
        reporter_row = repository.user_by_username(session, reporter or "")
        if (reporter_row is None or reporter_row.role != Role.PENGGUNA.value
                or reporter_row.lpse_id != actor.lpse_id or not reporter_row.active):
            raise InvalidData({"reporter": ["Pelapor harus Pengguna SPSE dari LPSE Anda."]})
        definition = current_definition(session)
        step = definition.start_step
        _check(definition, step, data)
        files = check_uploads(attachments)
        workflow = runtime.start(definition)
        first = runtime.find_ready(workflow, spec_name=step)
        runtime.complete(workflow, first, data)
        now = datetime.now(UTC)
        ticket = TicketRow(
            number=f"pending-{first.id.hex[:24]}", title=str(data.get("judul") or "")[:300],
            status=OPEN, lpse_id=actor.lpse_id, reporter_id=reporter_row.id,
            opened_by_id=actor.id, process_version_id=definition.version_id,
            created_at=now, workflow=b"", event_count=0, last_hash=chain.GENESIS)
        session.add(ticket)
        session.flush()
        ticket.number = f"ESK-{now:%Y}-{ticket.id:06d}"
        session.add(TaskRow(id=str(first.id), ticket_id=ticket.id, spec_name=step,
                            name=definition.steps[step].name, lane=Role.ADMIN.value,
                            sop_step=definition.steps[step].sop_step, lpse_id=actor.lpse_id,
                            reporter_id=reporter_row.id, created_at=now, completed_at=now,
                            completed_by_id=actor.id))
        _record(session, ticket, actor, chain.TICKET_OPENED, definition, step, {
            "number": ticket.number, "reporter": reporter_row.username,
            "lpse": actor.lpse, "process_version": definition.version_id, "form": data},
            files, uow, now)
        pending = _save(session, ticket, workflow, definition, now, carried_over=set())
        notifications.notify_new_tasks(session, ticket, pending, now)
        uow.commit()
        uow.workflows.keep(_cache_key(ticket), workflow)
        checkpoints.after_change(uow)
        return _ticket_of(ticket, pending, actor.lpse or "", reporter_row.username, definition)


def complete_task(uow: UnitOfWork, actor: User, task_id: str, data: Any,
                  attachments: Sequence[Upload] = ()) -> Ticket:
    """Complete a pending task the actor may complete; the ticket moves on.

    Saving checks the ticket's revision. Losing that race to a change that left the task
    pending (the worker firing a timer, another task of the ticket) is not the user's
    conflict: the completion runs again on the ticket as it now is. Only a task that is no
    longer pending is a Conflict.
    """
    lost: Exception | None = None
    for _ in range(COMPLETION_ATTEMPTS):
        try:
            return _complete_task(uow, actor, task_id, data, attachments,
                                  raced=lost is not None)
        except (StaleDataError, IntegrityError) as err:
            lost = err  # the winner has committed: the next attempt reads what it wrote
    raise Conflict(RACED) from lost


def _complete_task(uow: UnitOfWork, actor: User, task_id: str, data: Any,
                   attachments: Sequence[Upload], *, raced: bool) -> Ticket:
    with uow:
        session = uow.session
        found = repository.task_with_ticket(session, str(task_id))
        if found is None or not access.may_complete(actor, found[0]):
            raise NotFound("no such task")
        row, ticket, lpse_name, reporter = found
        if row.completed_at is not None:
            raise Conflict(RACED if raced else "Tugas ini sudah diselesaikan.")
        definition = definition_of(session, ticket.process_version_id)
        _check(definition, row.spec_name, data)
        files = check_uploads(attachments)
        workflow = (uow.workflows.take(_cache_key(ticket))
                    or runtime.load(ticket.workflow, definition))
        ready_before = {str(t.id) for t in runtime.ready_tasks(workflow)} - {row.id}
        task = runtime.find_ready(workflow, task_id=row.id)
        runtime.complete(workflow, task, data)
        now = datetime.now(UTC)
        row.completed_at, row.completed_by_id = now, actor.id
        _record(session, ticket, actor, chain.TASK_COMPLETED, definition, row.spec_name,
                {"form": data}, files, uow, now)
        pending = _save(session, ticket, workflow, definition, now, carried_over=ready_before)
        notifications.notify_new_tasks(
            session, ticket, [r for r in pending if r.id not in ready_before], now)
        uow.commit()
        uow.workflows.keep(_cache_key(ticket), workflow)
        checkpoints.after_change(uow)
        return _ticket_of(ticket, pending, lpse_name, reporter, definition)


def list_tasks(uow: UnitOfWork, actor: User, *, limit: int = 100, offset: int = 0,
               lpse_id: int | None = None, sop_step: int | None = None) -> list[Task]:
    """The pending tasks the actor may complete, oldest first, from the task index."""
    with uow:
        query = select(TaskRow).where(access.completable_tasks(actor))
        if lpse_id is not None:
            query = query.where(TaskRow.lpse_id == lpse_id)
        if sop_step is not None:
            query = query.where(TaskRow.sop_step == sop_step)
        rows = uow.session.scalars(
            query.order_by(TaskRow.created_at, TaskRow.id).limit(limit).offset(offset)).all()
        return _tasks(uow.session, rows)


def get_task(uow: UnitOfWork, actor: User, task_id: str, *,
             include_completed: bool = False) -> Task:
    """One pending task the actor may complete; NotFound for anyone else.

    With `include_completed`, a task the actor could have completed but that is done
    already is returned too (its `completed_at` set), so a stale form can be told apart.
    """
    with uow:
        row = uow.session.get(TaskRow, task_id)
        if (row is None or not access.may_complete(actor, row)
                or (row.completed_at is not None and not include_completed)):
            raise NotFound("no such task")
        return _tasks(uow.session, [row])[0]


def list_tickets(uow: UnitOfWork, actor: User, *, limit: int = 100,
                 offset: int = 0) -> list[Ticket]:
    """The tickets the actor may see, newest first."""
    with uow:
        rows = uow.session.scalars(
            select(TicketRow).where(access.visible_tickets(actor))
            .order_by(TicketRow.id.desc()).limit(limit).offset(offset)).all()
        return _tickets(uow.session, rows)


def get_ticket(uow: UnitOfWork, actor: User, ticket_id: int) -> Ticket:
    """One ticket the actor may see; NotFound for anyone else."""
    with uow:
        ticket = uow.session.get(TicketRow, ticket_id)
        if ticket is None or not access.may_see_ticket(actor, ticket):
            raise NotFound("no such ticket")
        return to_ticket(uow.session, ticket)


def list_events(uow: UnitOfWork, actor: User, ticket_id: int) -> list[Event]:
    """A ticket's audit events in order, for auditors and the ticket's participants."""
    with uow:
        ticket = uow.session.get(TicketRow, ticket_id)
        if ticket is None or not access.may_see_ticket(actor, ticket):
            raise NotFound("no such ticket")
        events = [to_event(row) for row in
                  repository.stream_events(uow.session, ticket_stream(ticket.id))]
        read_log.log_if_auditor(uow, actor, read_log.READ_EVENTS, ticket.id, ticket.number)
        return events


def to_event(row: EventRow) -> Event:
    """The engine's view of an event row."""
    return Event(seq=row.seq, at=row.at, actor=row.actor, role=row.role, type=row.type,
                 task=row.task, sop_step=row.sop_step, data=row.data, hash=row.hash,
                 prev_hash=row.prev_hash)


def _cache_key(ticket: TicketRow) -> tuple[int, int, str]:
    return ticket.id, ticket.revision, ticket.last_hash


def _check(definition: ProcessDefinition, spec_name: str, data: Any) -> None:
    errors = definition.check(spec_name, data)
    if errors:
        raise InvalidData(errors)


def _record(session: Session, ticket: TicketRow, actor: User, kind: str,
            definition: ProcessDefinition, step: str, data: dict[str, Any],
            files: Sequence[CheckedUpload], uow: UnitOfWork, now: datetime) -> None:
    """Append an event to the ticket's chain; the ticket row carries the chain's head.

    Attachments are stored first (content-addressed, so a rolled-back use case leaves at most
    an unreferenced file) and named in the event, so the chain covers them too.
    """
    if files:
        if uow.store is None:
            raise InvalidData({FIELD: ["Lampiran tidak dapat disimpan di sini."]})
        for file in files:
            uow.store.put(file.sha256, file.content)
            session.add(AttachmentRow(
                ticket_id=ticket.id, event_seq=ticket.event_count + 1, sha256=file.sha256,
                filename=file.filename, content_type=file.content_type,
                size=len(file.content), uploaded_by_id=actor.id, created_at=now))
        data = {**data, "attachments": [
            {"sha256": f.sha256, "filename": f.filename, "content_type": f.content_type,
             "size": len(f.content)} for f in files]}
    event = chain.seal(ticket_stream(ticket.id), ticket.event_count + 1, ticket.last_hash,
                       actor=actor.username, role=actor.role.value, type=kind, task=step,
                       sop_step=definition.steps[step].sop_step, data=data)
    session.add(EventRow(stream=ticket_stream(ticket.id), ticket_id=ticket.id,
                         **chain.event_columns(event)))
    ticket.event_count, ticket.last_hash = event.seq, event.hash


def _save(session: Session, ticket: TicketRow, workflow: Any, definition: ProcessDefinition,
          now: datetime, carried_over: set[str]) -> list[TaskRow]:
    """Store the workflow, add a row per newly ready task; return the pending rows.

    `carried_over` are the tasks that were ready before this change and already have rows.
    """
    ticket.workflow = runtime.dump(workflow)
    if workflow.is_completed():
        ticket.status, ticket.closed_at = CLOSED, now
    ready = runtime.ready_tasks(workflow)
    still = [str(t.id) for t in ready if str(t.id) in carried_over]
    pending = list(repository.task_rows(session, still))
    added = []
    for task in ready:
        if str(task.id) in carried_over:
            continue
        step = definition.steps[task.task_spec.name]
        row = TaskRow(id=str(task.id), ticket_id=ticket.id, spec_name=step.spec_name,
                      name=step.name, lane=step.lane or "", sop_step=step.sop_step,
                      lpse_id=ticket.lpse_id, reporter_id=ticket.reporter_id, created_at=now)
        session.add(row)
        added.append(row)
    # Each new task's time limit: its due time on the LPSE's working calendar, and a timer.
    deadlines.schedule_tasks(session, ticket, added, definition, now)
    return pending + added


def _task_of(row: TaskRow, ticket: TicketRow, lpse_name: str,
             definition: ProcessDefinition) -> Task:
    step = definition.steps.get(row.spec_name)
    return Task(
        id=row.id, ticket_id=ticket.id, ticket_number=ticket.number, ticket_title=ticket.title,
        spec_name=row.spec_name, name=row.name, lane=row.lane, sop_step=row.sop_step,
        form=definition.form(row.spec_name), documentation=step.documentation if step else "",
        lpse=lpse_name, created_at=row.created_at, due_at=row.due_at,
        completed_at=row.completed_at, lpse_timezone=repository.lpse_timezone(ticket),
        time_limit=step.time_limit if step else "")


def _ticket_of(ticket: TicketRow, pending: Sequence[TaskRow], lpse_name: str, reporter: str,
               definition: ProcessDefinition) -> Ticket:
    return Ticket(
        id=ticket.id, number=ticket.number, title=ticket.title, status=ticket.status,
        lpse=lpse_name, reporter=reporter, process_version=ticket.process_version_id,
        created_at=ticket.created_at, closed_at=ticket.closed_at,
        tasks=tuple(_task_of(row, ticket, lpse_name, definition)
                    for row in sorted(pending, key=lambda r: (r.created_at, r.id))))


def _tasks(session: Session, rows: Sequence[TaskRow]) -> list[Task]:
    if not rows:
        return []
    tickets = {t.id: t for t in session.scalars(
        select(TicketRow).where(TicketRow.id.in_({r.ticket_id for r in rows})))}
    lpses = repository.lpse_names(session, {r.lpse_id for r in rows})
    return [_task_of(row, tickets[row.ticket_id], lpses.get(row.lpse_id, ""),
                     definition_of(session, tickets[row.ticket_id].process_version_id))
            for row in rows]


def _tickets(session: Session, rows: Sequence[TicketRow]) -> list[Ticket]:
    pending: dict[int, list[TaskRow]] = {}
    for task in repository.pending_task_rows(session, [t.id for t in rows]):
        pending.setdefault(task.ticket_id, []).append(task)
    lpses = repository.lpse_names(session, {t.lpse_id for t in rows})
    users = repository.usernames(session, {t.reporter_id for t in rows})
    return [_ticket_of(t, pending.get(t.id, []), lpses.get(t.lpse_id, ""),
                       users.get(t.reporter_id, ""),
                       definition_of(session, t.process_version_id)) for t in rows]


def to_ticket(session: Session, row: TicketRow) -> Ticket:
    """The engine's view of a ticket row, with its pending tasks."""
    return _tickets(session, [row])[0]
