"""Ticket age and lateness in working time of each ticket's LPSE (issue 16): the windows the
operations dashboard counts and Daftar Tiket filters by (`?umur=`, `?tenggat=`), worked out
once here so both agree ticket for ticket.

An age is the working time since a ticket was opened, in working days of its LPSE's
calendar (its zone, Indonesian holidays, the owners' days off). Rather than computing every
ticket's age, the cut-off instants are worked out once per calendar (the latest instant
from which `d` working days have passed by now) and the database compares `created_at`
with them; "due soon" likewise compares `due_at` with now plus DUE_SOON working time.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from engine.persistence.tables import LpseRow, TaskRow, TicketRow
from engine.process.calendar import MAX_SEARCH_DAYS, DaysOff, WorkingCalendar, days_off
from engine.tickets.deadlines import DAYS_OFF_PATH

# Ages of open tickets in working days: [0, 1), [1, 3), [3, 5), [5, ...).
AGE_LIMITS: tuple[int, ...] = (1, 3, 5)
AGE_BUCKETS: tuple[str, ...] = ("<1", "1-3", "3-5", ">5")
# "About to be late": a pending task due within this much working time of its LPSE.
DUE_SOON = timedelta(hours=4)
LATE, SOON = "late", "soon"

Calendar = tuple[str | None, str | None]  # (time zone, LPSE code with days off of its own)


def calendars(session: Session, extra: DaysOff | None = None,
              lpse_id: int | None = None) -> dict[int, Calendar]:
    """Each LPSE's calendar key: LPSEs without days off of their own share their zone's (an
    LPSE's code matters only when the days-off file names it)."""
    off = extra if extra is not None else days_off(DAYS_OFF_PATH)
    query = select(LpseRow.id, LpseRow.timezone, LpseRow.code)
    if lpse_id is not None:
        query = query.where(LpseRow.id == lpse_id)
    return {id_: (zone, code if code in off.by_lpse else None)
            for id_, zone, code in session.execute(query)}


def calendar_of(key: Calendar, extra: DaysOff | None = None) -> WorkingCalendar:
    """The working calendar of a calendar key."""
    off = extra if extra is not None else days_off(DAYS_OFF_PATH)
    return off.calendar(*key)


def age_cut_off(calendar: WorkingCalendar, now: datetime, days: int) -> datetime:
    """The latest instant from which `days` working days have passed by `now`: a ticket
    opened at or before it is at least that old. Walks back office day by office day."""
    left = days * calendar.hours_per_day
    local = now.astimezone(calendar.timezone)
    day = local.date()
    for _ in range(MAX_SEARCH_DAYS):
        if calendar.is_working_day(day):
            opens = datetime.combine(day, calendar.opens, calendar.timezone)
            end = min(datetime.combine(day, calendar.closes, calendar.timezone), local)
            if end > opens:
                if end - opens >= left:
                    return (end - left).astimezone(UTC)
                left -= end - opens
        day -= timedelta(days=1)
    raise ValueError(f"no {days} working days found before {now.isoformat()}")


def age_cut_offs(keys: Mapping[int, Calendar], now: datetime,
                 extra: DaysOff | None = None) -> dict[Calendar, list[datetime]]:
    """Each calendar's cut-offs for AGE_LIMITS (newest first)."""
    return {key: [age_cut_off(calendar_of(key, extra), now, days) for days in AGE_LIMITS]
            for key in set(keys.values())}


def soon_cut_offs(keys: Mapping[int, Calendar], now: datetime,
                  extra: DaysOff | None = None) -> dict[Calendar, datetime]:
    """Each calendar's end of the "due soon" window."""
    return {key: calendar_of(key, extra).add_working_time(now, DUE_SOON)
            for key in set(keys.values())}


def _per_calendar(keys: Mapping[int, Calendar],
                  condition: Mapping[Calendar, ColumnElement[bool]]) -> ColumnElement[bool]:
    """OR over the calendars: the ticket's LPSE has that calendar and its condition holds."""
    groups: dict[Calendar, list[int]] = {}
    for lpse_id, key in keys.items():
        groups.setdefault(key, []).append(lpse_id)
    parts = [and_(TicketRow.lpse_id.in_(ids), condition[key]) for key, ids in groups.items()]
    return or_(false(), *parts)


def age_condition(session: Session, bucket: str, now: datetime) -> ColumnElement[bool]:
    """Open tickets whose age (working days of their LPSE) is in the bucket."""
    index = AGE_BUCKETS.index(bucket)
    keys = calendars(session)
    cut = age_cut_offs(keys, now)
    conditions: dict[Calendar, ColumnElement[bool]] = {}
    for key, moments in cut.items():
        bounds: list[ColumnElement[bool]] = []
        if index < len(AGE_LIMITS):           # younger than the bucket's upper limit
            bounds.append(TicketRow.created_at > moments[index])
        if index > 0:                         # at least the bucket's lower limit
            bounds.append(TicketRow.created_at <= moments[index - 1])
        conditions[key] = and_(*bounds)
    return and_(TicketRow.status == "open", _per_calendar(keys, conditions))


def due_condition(session: Session, window: str, now: datetime) -> ColumnElement[bool]:
    """Tickets with a pending task overdue (LATE), or, not overdue, one due within DUE_SOON
    working time of their LPSE (SOON)."""
    pending = (TaskRow.completed_at.is_(None), TaskRow.due_at.is_not(None))
    late = select(TaskRow.ticket_id).where(*pending, TaskRow.due_at < now)
    if window == LATE:
        return TicketRow.id.in_(late)
    keys = calendars(session)
    ends = soon_cut_offs(keys, now)
    conditions = {key: TicketRow.id.in_(select(TaskRow.ticket_id).where(
        *pending, TaskRow.due_at >= now, TaskRow.due_at <= end)) for key, end in ends.items()}
    return and_(TicketRow.id.not_in(late), _per_calendar(keys, conditions))
