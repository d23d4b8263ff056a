"""Who works on a pending task: claim it, release it, assign it to a colleague (issue 13).

A task's assignee is a column of its row (`tasks.assignee_id`), changed in the ticket's own
unit of work with an event in the ticket's chain (`task_claimed`, `task_released`,
`task_assigned`) through the ticket store's append-without-apply path: the workflow is not
touched, the ticket's revision moves on, so a claim and a completion of the same ticket
cannot both win. Replay skips these events (they change no workflow state).

A claim is a conditional UPDATE (only while the task is pending and unheld, or already the
caller's), so of two agents claiming at once one wins and the other is told who did.
Completing a task someone else holds is refused in `use_cases.complete_task`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from sqlalchemy import ColumnElement, Table, and_, bindparam, case, func, or_, select, update
from sqlalchemy.orm import Session

from engine.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.evidence import checkpoints
from engine.messages import Message
from engine.persistence.tables import LpseRow, TaskRow, TicketRow, UserRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.tickets import access, notifications, store
from engine.tickets.use_cases import holder_name, to_tasks
from engine.types import EventType, Role, Task, User, Workload

_TASKS = cast(Table, TaskRow.__table__)
# Set the assignee of a pending task only if nobody else holds it (the claim's race check).
_CLAIM = (update(_TASKS)
          .where(_TASKS.c.id == bindparam("task_id"), _TASKS.c.completed_at.is_(None),
                 or_(_TASKS.c.assignee_id.is_(None), _TASKS.c.assignee_id == bindparam("user")))
          .values(assignee_id=bindparam("user")))
_SET = (update(_TASKS)
        .where(_TASKS.c.id == bindparam("task_id"), _TASKS.c.completed_at.is_(None))
        .values(assignee_id=bindparam("user")))


def claim_task(uow: UnitOfWork, actor: User, task_id: str) -> Task:
    """Take a pending task one may complete ("Ambil"); Conflict naming whoever holds it.
    Claiming one's own task again changes nothing."""
    return store.with_retries(lambda raced: _claim(uow, actor, task_id))


def release_task(uow: UnitOfWork, actor: User, task_id: str) -> Task:
    """Put one's task back in the queue ("Lepas"); only its assignee may (Forbidden naming
    them for anyone else who may complete it). An unheld task stays as it is."""
    return store.with_retries(lambda raced: _release(uow, actor, task_id))


def assign_task(uow: UnitOfWork, actor: User, task_id: str, username: str) -> Task:
    """Give a pending task to a person who may complete it ("Tugaskan ke"), taking it from
    whoever held it; InvalidData when that person may not complete it."""
    return store.with_retries(lambda raced: _assign(uow, actor, task_id, username))


def assignable_users(uow: UnitOfWork, actor: User, task_id: str) -> list[tuple[str, str]]:
    """(username, full name) of everyone who may complete the task, for the assign choice."""
    with uow:
        row, ticket = _pending(uow, actor, task_id)
        ids = [user.id for user in _lane(uow.session, row, ticket)]
        if not ids:
            return []
        return [(username, full_name) for username, full_name in uow.session.execute(
            select(UserRow.username, UserRow.full_name).where(UserRow.id.in_(ids))
            .order_by(UserRow.full_name, UserRow.username))]


def _pending(uow: UnitOfWork, actor: User, task_id: str) -> tuple[TaskRow, TicketRow]:
    found = store.find_task(uow, str(task_id))
    if found is None or not access.may_complete(actor, found[0]):
        raise NotFound(Message("task_not_found"))
    row, ticket = found[0], found[1]
    if row.completed_at is not None:
        raise Conflict(Message("task_done"))
    return row, ticket


def _lane(session: Session, row: TaskRow, ticket: TicketRow) -> list[notifications.Recipient]:
    return notifications.lane_users(session, lane=row.lane, lpse_id=ticket.lpse_id,
                                    reporter_id=ticket.reporter_id)


def _task(uow: UnitOfWork, row: TaskRow) -> Task:
    uow.session.expire(row)  # read it again as saved (its assignee)
    return to_tasks(uow.session, [row])[0]


def _record(uow: UnitOfWork, actor: User, row: TaskRow, ticket: TicketRow, kind: EventType,
            assignee: str | None, previous: str | None) -> None:
    """The change's event on the ticket's chain (no workflow change), then commit."""
    change = store.begin(uow, ticket)
    change.append(kind, actor=actor.username, role=actor.role.value, step=row.spec_name,
                  data={"task_id": row.id, "assignee": assignee, "previous": previous})
    change.save()
    change.commit()
    checkpoints.after_change(uow)


def _username(session: Session, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    return session.scalar(select(UserRow.username).where(UserRow.id == user_id))


def _claim(uow: UnitOfWork, actor: User, task_id: str) -> Task:
    with uow:
        row, ticket = _pending(uow, actor, task_id)
        if row.assignee_id == actor.id:
            return _task(uow, row)
        if row.assignee_id is not None:
            raise Conflict(Message("task_held_by", holder=holder_name(uow.session, row)))
        taken = uow.session.connection().execute(_CLAIM, {"task_id": row.id, "user": actor.id})
        if taken.rowcount != 1:  # claimed (or completed) meanwhile
            uow.session.rollback()
            uow.session.expire_all()
            row, ticket = _pending(uow, actor, task_id)
            raise Conflict(Message("task_held_by", holder=holder_name(uow.session, row)))
        _record(uow, actor, row, ticket, EventType.TASK_CLAIMED, actor.username, None)
        return _task(uow, row)


def _release(uow: UnitOfWork, actor: User, task_id: str) -> Task:
    with uow:
        row, ticket = _pending(uow, actor, task_id)
        if row.assignee_id is None:
            return _task(uow, row)
        if row.assignee_id != actor.id:
            raise Forbidden(Message("task_release_not_holder",
                                    holder=holder_name(uow.session, row)))
        uow.session.connection().execute(_SET, {"task_id": row.id, "user": None})
        _record(uow, actor, row, ticket, EventType.TASK_RELEASED, None, actor.username)
        return _task(uow, row)


def _assign(uow: UnitOfWork, actor: User, task_id: str, username: str) -> Task:
    with uow:
        session = uow.session
        row, ticket = _pending(uow, actor, task_id)
        if not isinstance(username, str) or not username.strip():
            raise InvalidData({"username": [Message("assignee_missing")]})
        target = next((user for user in _lane(session, row, ticket)
                       if user.username == username), None)
        if target is None:
            raise InvalidData({"username": [Message("assignee_may_not_complete",
                                                    username=username[:100])]})
        if row.assignee_id == target.id:
            return _task(uow, row)
        previous = _username(session, row.assignee_id)
        session.connection().execute(_SET, {"task_id": row.id, "user": target.id})
        if target.id != actor.id:
            body = notifications.task_message(ticket, row)[2]
            notifications.notify(
                session, recipients=[target.username], kind=notifications.TASK_ASSIGNED,
                ticket_id=ticket.id,
                subject=f"[{ticket.number}] Ditugaskan kepada Anda: {row.name}",
                body=f"{actor.full_name} menugaskan tugas ini kepada Anda.\n{body}",
                link=f"/tugas/{row.id}")
        _record(uow, actor, row, ticket, EventType.TASK_ASSIGNED, target.username, previous)
        return _task(uow, row)


def workload(uow: UnitOfWork, actor: User, now: datetime | None = None) -> list[Workload]:
    """Open and overdue tasks per person: for Helpdesk LKPP every pending task, for an Admin
    LPSE those of their LPSE's people (its admins and reporters). A Pengguna SPSE's task is
    their own; a task nobody holds counts to its lane's queue (a row with no username)."""
    scope: list[ColumnElement[bool]]
    colleagues: tuple[ColumnElement[bool], ...]
    if actor.role is Role.HELPDESK:
        scope = [TaskRow.completed_at.is_(None)]
        colleagues = (UserRow.role == Role.HELPDESK.value,)
    elif actor.role is Role.ADMIN and actor.lpse_id is not None:
        scope = [TaskRow.completed_at.is_(None), TaskRow.lpse_id == actor.lpse_id,
                 TaskRow.lane.in_((Role.ADMIN.value, Role.PENGGUNA.value))]
        colleagues = (UserRow.role == Role.ADMIN.value, UserRow.lpse_id == actor.lpse_id)
    else:
        raise NotFound(Message("page_not_found"))
    now = now or datetime.now(UTC)
    person = func.coalesce(TaskRow.assignee_id, case(
        (TaskRow.lane == Role.PENGGUNA.value, TaskRow.reporter_id), else_=None))
    late = func.sum(case((and_(TaskRow.due_at.is_not(None), TaskRow.due_at < now), 1),
                         else_=0))
    with uow:
        session = uow.session
        counts = session.execute(
            select(person.label("person"), TaskRow.lane, func.count(), late)
            .where(*scope).group_by(person, TaskRow.lane)).all()
        people: dict[int, list[int]] = {}
        queues: dict[str, list[int]] = {}
        for person_id, lane, open_, overdue in counts:
            slot = (people.setdefault(person_id, [0, 0]) if person_id is not None
                    else queues.setdefault(lane, [0, 0]))
            slot[0] += int(open_)
            slot[1] += int(overdue or 0)
        users = session.execute(
            select(UserRow.id, UserRow.username, UserRow.full_name, UserRow.role,
                   LpseRow.name)
            .outerjoin(LpseRow, LpseRow.id == UserRow.lpse_id)
            .where(or_(UserRow.id.in_(set(people)), and_(UserRow.active, *colleagues)))
            .order_by(UserRow.full_name, UserRow.username)).all()
        rows = [Workload(username, full_name, role, lpse, *people.get(id_, [0, 0]))
                for id_, username, full_name, role, lpse in users]
        rows.sort(key=lambda w: (-w.overdue, -w.open, w.full_name))
        return rows + [Workload("", "", lane, None, *queues[lane]) for lane in sorted(queues)]

