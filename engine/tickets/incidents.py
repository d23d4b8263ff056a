"""Diagram incidents: a step a diagram problem stopped, for the process owners to fix.

The ticket's own transaction rolls back whole when its step fails, so the incident is
written in a transaction of its own: one open row per ticket and step, counted on each
attempt, the process owners notified when it is new. Completing that step later (after a
fix and moving the ticket to the fixed version) clears it, in the ticket's transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.errors import Forbidden, SandboxError
from engine.messages import Message
from engine.persistence.tables import IncidentRow, TaskRow, TicketRow, UserRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.sandbox.json_values import data_problem
from engine.tickets import notifications, runtime
from engine.types import NotificationKind, Role, User

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

    from engine.tickets.store import TicketChange

R = TypeVar("R")

# Longest error text kept (a diagram's error can quote much of its script).
MAX_ERROR = 2000
OWNERS_LINK = "/proses"
_INCIDENTS = cast(Table, IncidentRow.__table__)
# Built once: it runs on every completion (an indexed no-op unless the step had an incident).
_CLEAR = (update(_INCIDENTS)
          .where(_INCIDENTS.c.ticket_id == bindparam("of_ticket"),
                 _INCIDENTS.c.spec_name == bindparam("spec"), _INCIDENTS.c.cleared_at.is_(None))
          .values(cleared_at=bindparam("at")))
# Another attempt at a step whose incident is open: counted, its latest error kept.
_COUNT_AGAIN = (update(_INCIDENTS)
                .where(_INCIDENTS.c.ticket_id == bindparam("of_ticket"),
                       _INCIDENTS.c.spec_name == bindparam("spec"),
                       _INCIDENTS.c.cleared_at.is_(None))
                .values(count=_INCIDENTS.c.count + 1, last_seen=bindparam("at"),
                        error=bindparam("new_error"), process_version_id=bindparam("new_version")))


@dataclass(frozen=True)
class Incident:
    """A ticket's step stopped by a diagram problem: where, what, when, how often."""

    id: int
    ticket_id: int
    ticket_number: str
    process_version_id: str
    spec_name: str
    step_name: str
    sop_step: int | None
    error: str
    first_seen: datetime
    last_seen: datetime
    count: int
    cleared_at: datetime | None


def run_step(change: TicketChange, step: Callable[[BpmnWorkflow], R]) -> R:
    """Run an engine step on the change's workflow and check that the data it leaves is
    JSON; a diagram problem (a SandboxError) rolls the ticket's transaction back, is
    recorded as an incident, and stops the step. A step completed clears its incidents."""
    workflow = change.workflow
    before = [task.task_spec.name for task in runtime.ready_tasks(workflow)]
    started = time.time()
    try:
        result = step(workflow)
        problem = unstored_value(workflow, started)
        if problem is not None:
            raise SandboxError(problem)
    except SandboxError as err:
        after = {task.task_spec.name for task in runtime.ready_tasks(workflow)}
        stuck = next((name for name in before if name not in after), None) or next(
            iter(before), "")
        ticket, spec = change.ticket, change.definition.steps.get(stuck)
        ticket_id, number, version_id = ticket.id, ticket.number, ticket.process_version_id
        change.session.rollback()  # nothing of the ticket's change stays
        record(change.uow, ticket_id, number, version_id, stuck,
               spec.name if spec else stuck, spec.sop_step if spec else None,
               str(err.message), change.now)
        raise SandboxError(Message("diagram_step_stopped", error=err.message)) from err
    after = {task.task_spec.name for task in runtime.ready_tasks(workflow)}
    clear(change.session, change.ticket.id, [name for name in before if name not in after],
          change.now)
    return result


def unstored_value(workflow: BpmnWorkflow, since: float = 0.0) -> Message | None:
    """What JSON cannot carry in the data of the workflow, its subprocesses and the tasks
    that changed state since `since` (time.time()), or None."""
    for process in (workflow, *workflow.subprocesses.values()):
        found = data_problem(process.data)
        if found is not None:
            return found
        for task in process.tasks.values():
            if task.last_state_change >= since:
                found = data_problem(task.data)
                if found is not None:
                    return found
    return None


def check_new(workflow: BpmnWorkflow) -> None:
    """A new ticket's workflow leaves only JSON in its data (a SandboxError otherwise)."""
    problem = unstored_value(workflow)
    if problem is not None:
        raise SandboxError(Message("diagram_step_stopped", error=problem))


def record(uow: UnitOfWork, ticket_id: int, number: str, version_id: str, spec_name: str,
           step_name: str, sop_step: int | None, error: str, now: datetime) -> None:
    """Count an attempt at a stopped step in its own transaction; tell the process owners
    when the incident is new."""
    error = error[:MAX_ERROR]
    values = {"of_ticket": ticket_id, "spec": spec_name, "at": now, "new_error": error,
              "new_version": version_id}
    for _ in range(2):  # a concurrent attempt may open the same incident first
        with Session(uow.engine, expire_on_commit=False, info=dict(uow.session.info)) as session:
            try:
                if session.connection().execute(_COUNT_AGAIN, values).rowcount == 1:
                    session.commit()
                    return
                session.add(IncidentRow(
                    ticket_id=ticket_id, process_version_id=version_id, spec_name=spec_name,
                    sop_step=sop_step, error=error, first_seen=now, last_seen=now, count=1,
                    cleared_at=None))
                session.flush()
                _tell_owners(session, ticket_id, number, step_name, sop_step, error, now)
                session.commit()
                return
            except IntegrityError:
                session.rollback()


def _tell_owners(session: Session, ticket_id: int, number: str, step_name: str,
                 sop_step: int | None, error: str, now: datetime) -> None:
    owners = session.scalars(select(UserRow.username).where(
        UserRow.role == Role.PROCESS_OWNER.value, UserRow.active)
        .order_by(UserRow.username)).all()
    step = f"{sop_step}. {step_name}" if sop_step else step_name
    notifications.notify(
        session, recipients=list(owners), kind=NotificationKind.DIAGRAM_INCIDENT,
        ticket_id=ticket_id, link=OWNERS_LINK, now=now,
        subject=Message("incident_subject", number=number, step=step),
        body=Message("incident_body", number=number, step=step, error=error))


def clear(session: Session, ticket_id: int, spec_names: Iterable[str], now: datetime) -> None:
    """The ticket's steps completed: their open incidents are cleared (the caller's
    transaction, so they clear only if the completion commits)."""
    rows = [{"of_ticket": ticket_id, "spec": name, "at": now} for name in spec_names]
    if rows:
        session.connection().execute(_CLEAR, rows)


def list_incidents(uow: UnitOfWork, actor: User, *, include_cleared: bool = False,
                   limit: int = 100) -> list[Incident]:
    """The diagram incidents, newest first: open ones (and cleared ones if asked); for the
    process owners."""
    if actor.role is not Role.PROCESS_OWNER:
        raise Forbidden(Message("only_owner_sees_incidents"))
    with uow:
        query = (select(IncidentRow, TicketRow.number)
                 .join(TicketRow, TicketRow.id == IncidentRow.ticket_id)
                 .order_by(IncidentRow.last_seen.desc(), IncidentRow.id.desc()).limit(limit))
        if not include_cleared:
            query = query.where(IncidentRow.cleared_at.is_(None))
        rows = uow.session.execute(query).all()
        names = _step_names(uow.session, [(row.ticket_id, row.spec_name) for row, _ in rows])
        return [Incident(
            id=row.id, ticket_id=row.ticket_id, ticket_number=number,
            process_version_id=row.process_version_id, spec_name=row.spec_name,
            step_name=names.get((row.ticket_id, row.spec_name), row.spec_name),
            sop_step=row.sop_step, error=row.error, first_seen=row.first_seen,
            last_seen=row.last_seen, count=row.count, cleared_at=row.cleared_at)
            for row, number in rows]


def _step_names(session: Session, keys: list[tuple[int, str]]) -> dict[tuple[int, str], str]:
    if not keys:
        return {}
    rows = session.execute(select(TaskRow.ticket_id, TaskRow.spec_name, TaskRow.name).where(
        TaskRow.ticket_id.in_({ticket_id for ticket_id, _ in keys}))).all()
    return {(ticket_id, spec): name for ticket_id, spec, name in rows}
