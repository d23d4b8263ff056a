"""Use cases on tickets and tasks, each inside one unit of work."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.evidence import chain, checkpoints, read_log
from engine.evidence.journal import ticket_stream
from engine.messages import Message
from engine.persistence import repository
from engine.persistence.tables import EventRow, TaskRow, TicketRow, UserRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.process.definitions import ProcessDefinition
from engine.process.versions import current_definition, definition_of
from engine.tickets import access, notifications, prefill, runtime, store, visibility
from engine.tickets.attachments import ForwardedFile, check_uploads, forwarded_files
from engine.tickets.store import CLOSED, COMPLETION_ATTEMPTS, OPEN, RACED
from engine.types import Event, Role, Task, Ticket, Upload, User

__all__ = ["CLOSED", "COMPLETION_ATTEMPTS", "OPEN", "RACED", "complete_task", "get_task",
           "get_ticket", "list_events", "list_tasks", "list_tickets", "open_ticket",
           "start_form", "ticket_stream", "to_event", "to_tasks", "to_ticket"]

# GET /tasks?assignee=: the caller's own tasks, the unclaimed ones, or anyone's by username.
MINE, NOBODY = "me", "none"


def start_form(uow: UnitOfWork, actor: User) -> dict[str, Any]:
    """The JSON Schema of step 1, for an Admin LPSE opening a ticket."""
    if actor.role is not Role.ADMIN:
        raise Forbidden(Message("only_admin_opens_tickets"))
    with uow:
        definition = current_definition(uow.session)
        return definition.form(definition.start_step)


@store.one_writer
def open_ticket(uow: UnitOfWork, actor: User, reporter: str, data: Any,
                attachments: Sequence[Upload] = (),
                origin: Callable[[Session, TicketRow, datetime], dict[str, Any]] | None = None
                ) -> Ticket:
    """Step 1: an Admin LPSE escalates a Pengguna SPSE's problem; the ticket opens.

    `origin`, when the ticket comes from something else (an intake request), records that in
    the same transaction; what it returns is added to the ticket_opened event's data.
    """
    if actor.role is not Role.ADMIN or actor.lpse_id is None:
        raise Forbidden(Message("only_admin_opens_tickets"))
    with uow:
        session = uow.session
        reporter_row = repository.user_by_username(session, reporter or "")
        if (reporter_row is None or reporter_row.role != Role.PENGGUNA.value
                or reporter_row.lpse_id != actor.lpse_id or not reporter_row.active):
            raise InvalidData({"reporter": [Message("reporter_not_pengguna")]})
        definition = current_definition(session)
        step = definition.start_step
        _check(definition, step, data)
        files = check_uploads(attachments)
        workflow = runtime.start(definition)
        first = runtime.find_ready(workflow, spec_name=step)
        runtime.complete(workflow, first, data)
        now = datetime.now(UTC)
        change = store.start(
            uow, definition, workflow, now, number=f"pending-{first.id.hex[:24]}",
            title=str(data.get("judul") or "")[:300], lpse_id=actor.lpse_id,
            reporter_id=reporter_row.id, opened_by_id=actor.id)
        ticket = change.ticket
        ticket.number = f"ESK-{now:%Y}-{ticket.id:06d}"
        change.insert_tasks([TaskRow(
            id=str(first.id), ticket_id=ticket.id, spec_name=step,
            name=definition.steps[step].name, lane=Role.ADMIN.value,
            sop_step=definition.steps[step].sop_step, lpse_id=actor.lpse_id,
            reporter_id=reporter_row.id, created_at=now, due_at=None, completed_at=now,
            completed_by_id=actor.id)])
        linked = origin(session, ticket, now) if origin is not None else {}
        _record(change, actor, chain.TICKET_OPENED, step, {
            "number": ticket.number, "reporter": reporter_row.username,
            "lpse": actor.lpse, "process_version": definition.version_id, "form": data,
            **linked}, files)
        pending = change.save()
        notifications.notify_reporter_of_ticket(session, ticket, reporter_row.username,
                                                actor.lpse or "", now)
        change.commit()
        checkpoints.after_change(uow)
        return _ticket_of(ticket, pending, actor.lpse or "", reporter_row.username, definition)


def complete_task(uow: UnitOfWork, actor: User, task_id: str, data: Any,
                  attachments: Sequence[Upload] = (), forwarded: Sequence[str] = ()) -> Ticket:
    """Complete a pending task the actor may complete; the ticket moves on.

    Saving checks the ticket's revision. Losing that race to a change that left the task
    pending (the worker firing a timer, another task of the ticket) is not the user's
    conflict: the completion runs again on the ticket as it now is. Only a task that is no
    longer pending is a Conflict.
    """
    return store.with_retries(
        lambda raced: _complete_task(uow, actor, task_id, data, attachments, forwarded,
                                     raced=raced))


def _complete_task(uow: UnitOfWork, actor: User, task_id: str, data: Any,
                   attachments: Sequence[Upload], forwarded: Sequence[str], *,
                   raced: bool) -> Ticket:
    with uow:
        found = store.find_task(uow, str(task_id))
        if found is None or not access.may_complete(actor, found[0]):
            raise NotFound(Message("task_not_found"))
        row, ticket, lpse_name, reporter = found
        if row.completed_at is not None:
            raise Conflict(RACED if raced else Message("task_done"))
        if row.assignee_id is not None and row.assignee_id != actor.id:
            raise Conflict(Message("task_held_by", holder=holder_name(uow.session, row)))
        change = store.begin(uow, ticket)
        _check(change.definition, row.spec_name, data)
        files = check_uploads(attachments)
        carried = forwarded_files(uow.session, actor, ticket, forwarded)
        change.apply(lambda workflow: runtime.complete(
            workflow, runtime.find_ready(workflow, task_id=row.id), data))
        change.complete(row, actor.id, data)
        _record(change, actor, chain.TASK_COMPLETED, row.spec_name, {"form": data}, files,
                carried)
        pending = change.save()
        change.commit()
        checkpoints.after_change(uow)
        return _ticket_of(ticket, pending, lpse_name, reporter, change.definition,
                          holders(uow.session, pending))


def list_tasks(uow: UnitOfWork, actor: User, *, limit: int = 100, offset: int = 0,
               lpse_id: int | None = None, sop_step: int | None = None,
               assignee: str | None = None) -> list[Task]:
    """The pending tasks the actor may complete, oldest first, from the task index.

    `assignee`: "me" (held by the actor), "none" (in the queue), or a username.
    """
    with uow:
        query = select(TaskRow).where(access.completable_tasks(actor))
        if assignee == MINE:
            query = query.where(TaskRow.assignee_id == actor.id)
        elif assignee == NOBODY:
            query = query.where(TaskRow.assignee_id.is_(None))
        elif assignee:
            query = query.where(TaskRow.assignee_id == select(UserRow.id).where(
                UserRow.username == assignee.replace("\x00", "")).scalar_subquery())
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
            raise NotFound(Message("task_not_found"))
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
            raise NotFound(Message("ticket_not_found"))
        return to_ticket(uow.session, ticket)


def list_events(uow: UnitOfWork, actor: User, ticket_id: int) -> list[Event]:
    """A ticket's audit events in order, for auditors and the ticket's participants."""
    with uow:
        ticket = uow.session.get(TicketRow, ticket_id)
        if ticket is None or not access.may_see_ticket(actor, ticket):
            raise NotFound(Message("ticket_not_found"))
        # The events as this reader may read them: the Pengguna SPSE without the handlers'
        # internal fields and notes (the stored events, and their hashes, stay whole).
        sees = visibility.may_see_internal(actor, ticket)
        definition = definition_of(uow.session, ticket.process_version_id)
        events = [event for event in (
            visibility.event_for(sees, definition, to_event(row))
            for row in repository.stream_events(uow.session, ticket_stream(ticket.id)))
            if event is not None]
        read_log.log_if_auditor(uow, actor, read_log.READ_EVENTS, ticket.id, ticket.number)
        return events


def to_event(row: EventRow) -> Event:
    """The engine's view of an event row."""
    return Event(seq=row.seq, at=row.at, actor=row.actor, role=row.role, type=row.type,
                 task=row.task, sop_step=row.sop_step, data=row.data, hash=row.hash,
                 prev_hash=row.prev_hash)


def _check(definition: ProcessDefinition, spec_name: str, data: Any) -> None:
    errors = definition.check(spec_name, data)
    if errors:
        raise InvalidData(errors)


def _record(change: store.TicketChange, actor: User, kind: str, step: str,
            data: dict[str, Any], files: Sequence[Any],
            carried: Sequence[ForwardedFile] = ()) -> None:
    """The actor's event on the ticket's chain, naming the files they attached and the
    earlier ones they carried into this step."""
    stored = change.attach(files, actor.id) + change.carry(carried, actor.id)
    if stored:
        data = {**data, "attachments": stored}
    change.append(kind, actor=actor.username, role=actor.role.value, step=step, data=data)


def holders(session: Session, rows: Sequence[TaskRow]) -> dict[int, tuple[str, str]]:
    """User id -> (username, full name) of the rows' assignees (no query when none has one)."""
    ids = {row.assignee_id for row in rows if row.assignee_id is not None}
    if not ids:
        return {}
    return {id_: (username, full_name) for id_, username, full_name in session.execute(
        select(UserRow.id, UserRow.username, UserRow.full_name).where(UserRow.id.in_(ids)))}


def holder_name(session: Session, row: TaskRow) -> str:
    """Who holds a task, as people know them: full name (username)."""
    username, full_name = holders(session, [row]).get(row.assignee_id or 0, ("?", "?"))
    return f"{full_name} ({username})"


def _task_of(row: TaskRow, ticket: TicketRow, lpse_name: str,
             definition: ProcessDefinition,
             assignees: dict[int, tuple[str, str]] | None = None) -> Task:
    step = definition.steps.get(row.spec_name)
    holder = (assignees or {}).get(row.assignee_id) if row.assignee_id is not None else None
    return Task(
        id=row.id, ticket_id=ticket.id, ticket_number=ticket.number, ticket_title=ticket.title,
        spec_name=row.spec_name, name=row.name, lane=row.lane, sop_step=row.sop_step,
        form=definition.form(row.spec_name), documentation=step.documentation if step else "",
        lpse=lpse_name, created_at=row.created_at, due_at=row.due_at,
        completed_at=row.completed_at, lpse_timezone=repository.lpse_timezone(ticket),
        time_limit=step.time_limit if step else "", name_en=step.name_en if step else "",
        assignee=holder[0] if holder else None, assignee_name=holder[1] if holder else None)


def _ticket_of(ticket: TicketRow, pending: Sequence[TaskRow], lpse_name: str, reporter: str,
               definition: ProcessDefinition,
               assignees: dict[int, tuple[str, str]] | None = None) -> Ticket:
    return Ticket(
        id=ticket.id, number=ticket.number, title=ticket.title, status=ticket.status,
        lpse=lpse_name, reporter=reporter, process_version=ticket.process_version_id,
        created_at=ticket.created_at, closed_at=ticket.closed_at,
        lpse_timezone=repository.lpse_timezone(ticket),
        tasks=tuple(_task_of(row, ticket, lpse_name, definition, assignees)
                    for row in sorted(pending, key=lambda r: (r.created_at, r.id))))


def _tasks(session: Session, rows: Sequence[TaskRow]) -> list[Task]:
    if not rows:
        return []
    tickets = {t.id: t for t in session.scalars(
        select(TicketRow).where(TicketRow.id.in_({r.ticket_id for r in rows})))}
    lpses = repository.lpse_names(session, {r.lpse_id for r in rows})
    assignees = holders(session, rows)
    definitions = {ticket_id: definition_of(session, ticket.process_version_id)
                   for ticket_id, ticket in tickets.items()}
    tasks = [_task_of(row, tickets[row.ticket_id], lpses.get(row.lpse_id, ""),
                      definitions[row.ticket_id], assignees)
             for row in rows]
    # Forms pre-filled from earlier steps where the diagram says so (x-prefill-from).
    return prefill.prefill_tasks(session, tasks, definitions)


def to_tasks(session: Session, rows: Sequence[TaskRow]) -> list[Task]:
    """The engine's view of task rows (with their tickets, LPSEs and assignees)."""
    return _tasks(session, rows)


def _tickets(session: Session, rows: Sequence[TicketRow]) -> list[Ticket]:
    pending: dict[int, list[TaskRow]] = {}
    for task in repository.pending_task_rows(session, [t.id for t in rows]):
        pending.setdefault(task.ticket_id, []).append(task)
    lpses = repository.lpse_names(session, {t.lpse_id for t in rows})
    users = repository.usernames(session, {t.reporter_id for t in rows})
    assignees = holders(session, [task for tasks in pending.values() for task in tasks])
    return [_ticket_of(t, pending.get(t.id, []), lpses.get(t.lpse_id, ""),
                       users.get(t.reporter_id, ""),
                       definition_of(session, t.process_version_id), assignees) for t in rows]


def to_ticket(session: Session, row: TicketRow) -> Ticket:
    """The engine's view of a ticket row, with its pending tasks."""
    return _tickets(session, [row])[0]


def to_tickets(session: Session, rows: Sequence[TicketRow]) -> list[Ticket]:
    """The engine's view of ticket rows, in their order (a few queries for all of them)."""
    return _tickets(session, rows)
