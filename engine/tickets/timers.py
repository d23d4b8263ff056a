"""Step time limits: fire the boundary timers that are due (`eskalasi worker` calls this).

A task whose step has a `timeLimit` gets a timer row when it becomes pending
(`engine.tickets.deadlines`), due at the limit on the LPSE's working calendar. Firing one, in the
ticket's own unit of work: the boundary timer event of the diagram runs (non-interrupting,
the task stays with its holder), `timer_fired` and `step_overdue` join the ticket's audit
chain, and the holder and their supervisor role get a reminder. Workers claim timers with
SELECT ... FOR UPDATE SKIP LOCKED (PostgreSQL), and the ticket's optimistic revision check
refuses a second firing, so no timer fires twice however many workers run. A task completed
in time takes its waiting timer row with it (`TicketChange.complete`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import EskalasiError
from engine.evidence import chain
from engine.persistence.database import Database
from engine.persistence.tables import LpseRow, TaskRow, TicketRow, TimerRow, UserRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.process.calendar import local_time, zone_label
from engine.tickets import notifications, runtime, store
from engine.tickets.deadlines import CANCELLED, FAILED, FIRED, WAITING
from engine.tickets.store import OPEN, RACE_ERRORS, TicketChange
from engine.types import Role

log = logging.getLogger("eskalasi.timers")

DEFAULT_LIMIT = 100
SYSTEM_ACTOR, SYSTEM_ROLE = "sistem", "system"
# Whose clock: while the ticket waits for data (SOP steps 6-10) the time is the data
# provider's, never LKPP's, even on Helpdesk LKPP's own step 6 (the request goes out).
DATA_WAIT_STEPS = range(6, 11)
# A late step is reported one level up the SOP's own escalation chain.
SUPERVISOR = {Role.PENGGUNA.value: Role.ADMIN.value, Role.ADMIN.value: Role.HELPDESK.value,
              Role.HELPDESK.value: Role.PROCESS_OWNER.value}


def charged_to(lane: str, sop_step: int | None) -> str:
    """The lane whose clock a late step is charged to."""
    if sop_step in DATA_WAIT_STEPS and lane == Role.HELPDESK.value:
        return Role.ADMIN.value
    return lane


def fire_due_timers(database: Database, now: datetime | None = None,
                    limit: int = DEFAULT_LIMIT) -> int:
    """Fire up to `limit` timers due at `now`; return how many fired."""
    now = now or datetime.now(UTC)
    fired = 0
    for _ in range(max(limit, 0)):
        try:
            outcome = _fire_next(database.uow(), now)
        except RACE_ERRORS:
            # The ticket changed under us (a task completed, another worker): next round
            # sees the new state and fires or cancels the timer then.
            break
        except _Unfireable as failure:
            # Never retried: a timer that cannot fire must not hold up the ones after it.
            log.error("timer %s cannot fire: %s", failure.timer_id, failure.reason)
            _set_state(database.uow(), failure.timer_id, FAILED)
            continue
        if outcome is None:
            break
        fired += outcome
    return fired


class _Unfireable(Exception):
    def __init__(self, timer_id: int, reason: object) -> None:
        super().__init__(timer_id, reason)
        self.timer_id, self.reason = timer_id, reason


def _set_state(uow: UnitOfWork, timer_id: int, state: str) -> None:
    with uow:
        timer = uow.session.get(TimerRow, timer_id)
        if timer is not None and timer.state == WAITING:
            timer.state = state
            uow.commit()


def _claim(session: Session, now: datetime) -> TimerRow | None:
    query = (select(TimerRow).where(TimerRow.state == WAITING, TimerRow.due_at <= now)
             .order_by(TimerRow.due_at, TimerRow.id).limit(1)
             .with_for_update(skip_locked=True))
    return session.scalars(query).first()


def _fire_next(uow: UnitOfWork, now: datetime) -> int | None:
    """Fire (1) or cancel (0) the next due timer in one unit of work; None when none is due."""
    with uow:
        session = uow.session
        timer = _claim(session, now)
        if timer is None:
            return None
        task = session.get(TaskRow, timer.task_id)
        ticket = session.get(TicketRow, timer.ticket_id)
        if (task is None or ticket is None or task.completed_at is not None
                or ticket.status != OPEN):
            timer.state = CANCELLED
            uow.commit()
            return 0
        try:
            return _fire(uow, timer, task, ticket, now)
        except EskalasiError as err:
            raise _Unfireable(timer.id, err) from err


def fire_again(uow: UnitOfWork, timer: TimerRow, task: TaskRow, ticket: TicketRow,
               now: datetime, first: Callable[[TicketChange], None]) -> int:
    """Fire a timer that failed once more (an owner's retry after a fix), in the caller's
    unit of work: `first` chains what asked for it before the timer's own events; commit."""
    timer.state = WAITING
    return _fire(uow, timer, task, ticket, now, first)


def _fire(uow: UnitOfWork, timer: TimerRow, task: TaskRow, ticket: TicketRow,
          now: datetime, first: Callable[[TicketChange], None] | None = None) -> int:
    """Run the boundary timer, record the events, remind; commit."""
    session = uow.session
    change = store.begin(uow, ticket, now=now)
    if first is not None:
        first(change)
    if timer.boundary and timer.boundary in runtime.boundary_timers(change.definition).values():
        change.apply(lambda workflow: runtime.fire_timer(workflow, timer.task_spec,
                                                         timer.boundary or ""))
        _append(change, chain.TIMER_FIRED, task.spec_name, {
            "timer": timer.boundary, "task": task.spec_name,
            "due_at": chain.timestamp(timer.due_at)})
    # Whoever claimed or was given the task holds it; else the lane's usual holder.
    assignee = _assignee(session, task)
    holder = assignee or _holder(session, ticket, task.lane)
    overdue: dict[str, object] = {
        "task": task.spec_name, "sop_step": task.sop_step, "lane": task.lane,
        "holder": holder, "charged_to": charged_to(task.lane, task.sop_step),
        "due_at": chain.timestamp(timer.due_at)}
    if assignee:  # the person the late step is charged to, besides their lane
        overdue["assignee"] = assignee
    _append(change, chain.STEP_OVERDUE, task.spec_name, overdue)
    change.save()
    _remind(session, ticket, task, timer, holder, now)
    timer.state, timer.fired_at = FIRED, now
    change.commit()
    return 1


def _append(change: TicketChange, kind: str, step: str, data: dict[str, object]) -> None:
    """Chain a system event onto the ticket's stream."""
    change.append(kind, actor=SYSTEM_ACTOR, role=SYSTEM_ROLE, step=step, data=dict(data),
                  at=chain.timestamp(change.now))


def _holder(session: Session, ticket: TicketRow, lane: str) -> str | None:
    """Who holds a step of `lane` on the ticket: the reporter for Pengguna SPSE; otherwise
    whoever of that lane last acted on the ticket (for Admin LPSE, else who opened it)."""
    if lane == Role.PENGGUNA.value:
        user_id: int | None = ticket.reporter_id
    else:
        user_id = session.scalars(
            select(TaskRow.completed_by_id).where(
                TaskRow.ticket_id == ticket.id, TaskRow.lane == lane,
                TaskRow.completed_by_id.is_not(None))
            .order_by(TaskRow.completed_at.desc()).limit(1)).first()
        if user_id is None and lane == Role.ADMIN.value:
            user_id = ticket.opened_by_id
    if user_id is None:
        return None
    user = session.get(UserRow, user_id)
    return user.username if user is not None else None


def _assignee(session: Session, task: TaskRow) -> str | None:
    """The username of whoever holds the task (issue 13), if anyone does."""
    if task.assignee_id is None:
        return None
    return session.scalar(select(UserRow.username).where(UserRow.id == task.assignee_id))


def _role_users(session: Session, ticket: TicketRow, role: str) -> list[str]:
    if role == Role.PROCESS_OWNER.value:
        return list(session.scalars(select(UserRow.username).where(
            UserRow.active, UserRow.role == role).order_by(UserRow.username)))
    return notifications.lane_recipients(session, lane=role, lpse_id=ticket.lpse_id,
                                         reporter_id=ticket.reporter_id)


def _remind(session: Session, ticket: TicketRow, task: TaskRow, timer: TimerRow,
            holder: str | None, now: datetime) -> None:
    """Remind the holder (or, with none, everyone of the lane) and the supervisor role."""
    lpse = session.get(LpseRow, ticket.lpse_id)
    zone = lpse.timezone if lpse else None
    due = local_time(timer.due_at, zone)
    step = f"Langkah {task.sop_step}: {task.name}" if task.sop_step else task.name
    subject = f"[{ticket.number}] Batas waktu terlewati: {task.name}"
    body = (f"Tiket {ticket.number}" + (f" ({ticket.title})" if ticket.title else "")
            + f" melewati batas waktu {_limit_words(timer.time_limit)} pada {step}.\n"
            f"Jatuh tempo: {due:%d-%m-%Y %H:%M} {zone_label(zone)}.")
    holders: Sequence[str] = [holder] if holder else _role_users(session, ticket, task.lane)
    # A claimed or assigned task: its reminder says whose it is (it goes to them alone).
    assigned = f"\nDitugaskan kepada: {holder}." if holder and task.assignee_id else ""
    notifications.notify(session, recipients=holders, kind=notifications.REMINDER,
                         ticket_id=ticket.id, subject=subject,
                         body=body + assigned + "\nMohon segera diselesaikan.",
                         link=f"/tugas/{task.id}", now=now)
    supervisor = SUPERVISOR.get(task.lane)
    if supervisor is None:
        return
    others = [name for name in _role_users(session, ticket, supervisor) if name not in holders]
    notifications.notify(session, recipients=others, kind=notifications.REMINDER,
                         ticket_id=ticket.id, subject=subject,
                         body=body + f"\nDipegang oleh: {holder or task.lane}.",
                         link=None if supervisor != Role.PROCESS_OWNER.value else "/notifikasi",
                         now=now)


_UNIT_WORDS = {"h": "jam", "d": "hari", "m": "menit"}


def _limit_words(limit: str) -> str:
    amount, unit = limit[:-1], limit[-1:]
    return f"{amount} {_UNIT_WORDS.get(unit, 'hari')} kerja"
