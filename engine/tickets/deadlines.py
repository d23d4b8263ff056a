"""Due times of new tasks: their `timeLimit` on the LPSE's working calendar, and a timer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from engine.persistence import repository
from engine.persistence.tables import TaskRow, TicketRow
from engine.process.calendar import DAYS_OFF_FILE, WorkingCalendar, days_off, parse_time_limit
from engine.process.definitions import ProcessDefinition
from engine.tickets import runtime

DAYS_OFF_PATH = Path(__file__).resolve().parent.parent / "processes" / DAYS_OFF_FILE
# A timer that cannot fire (its ticket moved to a version without the timer, a broken
# workflow) is `failed` and logged, never retried.
class TimerState(StrEnum):
    """A timer row's state (TimerRow.state)."""

    WAITING = "waiting"
    FIRED = "fired"
    CANCELLED = "cancelled"
    FAILED = "failed"


WAITING, FIRED, CANCELLED, FAILED = (
    TimerState.WAITING, TimerState.FIRED, TimerState.CANCELLED, TimerState.FAILED)


def calendar_of(session: Session, lpse_id: int) -> WorkingCalendar:
    """The working calendar of an LPSE: its time zone, national and extra days off."""
    lpse = repository.lpse_row(session, lpse_id)
    return days_off(DAYS_OFF_PATH).calendar(lpse.timezone if lpse else None,
                                            lpse.code if lpse else None)


def schedule_tasks(session: Session, ticket: TicketRow, rows: Sequence[TaskRow],
                   definition: ProcessDefinition, now: datetime) -> list[dict[str, Any]]:
    """Set `due_at` of new task rows whose step has a time limit; the timers they need, as
    rows to insert."""
    calendar: WorkingCalendar | None = None
    timers: list[dict[str, Any]] = []
    for row in rows:
        step = definition.steps.get(row.spec_name)
        try:
            limit = parse_time_limit(step.time_limit) if step else None
        except ValueError:  # refused at deploy; a version from before the check has none
            limit = None
        if limit is None:
            continue
        if calendar is None:
            calendar = calendar_of(session, ticket.lpse_id)
        row.due_at = calendar.add(now, limit)
        timers.append({"ticket_id": ticket.id, "task_id": row.id, "task_spec": row.spec_name,
                       "boundary": runtime.boundary_timers(definition).get(row.spec_name),
                       "time_limit": str(limit), "due_at": row.due_at, "state": WAITING,
                       "fired_at": None})
    return timers
