"""Retrying a step a diagram problem stopped, once the owners fixed the diagram and moved
the ticket to the fixed version ("Coba lagi" on /proses/insiden).

What can be retried without a person is the engine's own work: a time limit whose path
failed (its timer was marked failed and is never fired again by the worker). The retry goes
through the ticket store like every change: a `step_retried` event by the owner, then the
timer's own events, one transaction; it clears the incident when it runs through, and on a
new failure nothing of the ticket changes and the incident counts the attempt with its new
error. A step that failed when a person completed it waits for that person: completing it
again is its retry (their answers were never stored, the change rolled back whole).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from engine.errors import Conflict, Forbidden, NotFound
from engine.evidence import chain
from engine.messages import Message
from engine.persistence.database import Database
from engine.persistence.tables import IncidentRow, TaskRow, TicketRow, TimerRow
from engine.tickets import incidents, timers
from engine.tickets.deadlines import FAILED
from engine.tickets.store import OPEN, TicketChange
from engine.types import EventType, Role, User


def retry_incident(database: Database, actor: User, incident_id: int,
                   now: datetime | None = None) -> None:
    """Run the stopped step's engine work again on the ticket's (fixed) version; a
    SandboxError when the diagram still fails (the incident then counts the attempt)."""
    if actor.role is not Role.PROCESS_OWNER:
        raise Forbidden(Message("only_owner_sees_incidents"))
    now = now or datetime.now(UTC)
    with database.uow() as uow:
        session = uow.session
        incident = session.get(IncidentRow, incident_id)
        if incident is None or incident.cleared_at is not None:
            raise NotFound(Message("incident_not_open", incident=incident_id))
        timer = session.scalars(
            select(TimerRow).where(TimerRow.ticket_id == incident.ticket_id,
                                   TimerRow.task_spec == incident.spec_name,
                                   TimerRow.state == FAILED)
            .order_by(TimerRow.id.desc()).limit(1)).first()
        task = session.get(TaskRow, timer.task_id) if timer is not None else None
        ticket = session.get(TicketRow, incident.ticket_id)
        if (timer is None or task is None or ticket is None or task.completed_at is not None
                or ticket.status != OPEN):
            raise Conflict(Message("incident_waits_for_person"))
        ticket_id, spec = ticket.id, incident.spec_name

        def retried(change: TicketChange) -> None:
            change.append(EventType.STEP_RETRIED, actor=actor.username, role=actor.role.value,
                          step=spec, at=chain.timestamp(change.now),
                          data={"incident": incident_id, "task": spec,
                                "process_version": ticket.process_version_id})
            # Cleared in the same transaction: only if the retried work commits.
            incidents.clear(change.session, ticket_id, [spec], now)

        timers.fire_again(uow, timer, task, ticket, now, retried)
