"""Working time of tickets and steps, in the calendar of each ticket's LPSE (issue 16).

Time limits run in working hours (office hours Monday to Friday in the LPSE's zone, without
Indonesian holidays and the owners' days off: `engine.process.calendar`), so the figures
shown beside them are counted the same way. A `WorkingClock` turns an instant into the
working time elapsed since a fixed origin in one calendar, so the working time between two
instants is one subtraction (the calendar's own `working_time_between` walks the days: a
report over many tickets would walk them again for every task).

Reports, the event logs and the dashboard read their durations from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from engine.persistence.tables import LpseRow, TaskRow, TicketRow
from engine.process.calendar import DaysOff, WorkingCalendar, days_off
from engine.tickets.deadlines import DAYS_OFF_PATH

ORIGIN_YEAR = 2000


@dataclass
class WorkingClock:
    """Working seconds elapsed since 1 January 2000 (local) in one calendar."""

    calendar: WorkingCalendar
    _year_start: dict[int, int] = field(default_factory=dict, repr=False)
    _year_prefix: dict[int, list[int]] = field(default_factory=dict, repr=False)
    _days: dict[date, tuple[float, bool]] = field(default_factory=dict, repr=False)

    @property
    def day_seconds(self) -> float:
        """The length of one working day in seconds."""
        return self.calendar.hours_per_day.total_seconds()

    def _prefix(self, year: int) -> list[int]:
        """Working days before each day of the year (index: day of year - 1), and the
        year's total as the last item."""
        found = self._year_prefix.get(year)
        if found is None:
            found, count, day = [], 0, date(year, 1, 1)
            while day.year == year:
                found.append(count)
                count += self.calendar.is_working_day(day)
                day += timedelta(days=1)
            found.append(count)
            self._year_prefix[year] = found
        return found

    def _days_before_year(self, year: int) -> int:
        if year <= ORIGIN_YEAR:
            return -sum(self._prefix(y)[-1] for y in range(year, ORIGIN_YEAR))
        found = self._year_start.get(year)
        if found is None:
            found = self._days_before_year(year - 1) + self._prefix(year - 1)[-1]
            self._year_start[year] = found
        return found

    def working_days_before(self, day: date) -> int:
        """How many working days lie between the origin and `day` (not counting `day`)."""
        return (self._days_before_year(day.year)
                + self._prefix(day.year)[day.timetuple().tm_yday - 1])

    def _day(self, day: date) -> tuple[float, bool]:
        """Working seconds before `day` and whether it is a working day (cached by day)."""
        found = self._days.get(day)
        if found is None:
            found = self._days[day] = (self.working_days_before(day) * self.day_seconds,
                                       self.calendar.is_working_day(day))
        return found

    def seconds_at(self, moment: datetime) -> float:
        """Working seconds from the origin to `moment` (an aware instant)."""
        local = moment.astimezone(self.calendar.timezone)
        elapsed, working = self._day(local.date())
        if working:
            clock = local.time()
            if clock >= self.calendar.closes:
                elapsed += self.day_seconds
            elif clock > self.calendar.opens:
                elapsed += _seconds(clock) - _seconds(self.calendar.opens)
        return elapsed

    def between(self, start: datetime, end: datetime) -> timedelta:
        """The office time between two instants (zero when `end` is not later)."""
        return timedelta(seconds=max(self.seconds_at(end) - self.seconds_at(start), 0.0))


def _seconds(clock: time) -> float:
    return clock.hour * 3600 + clock.minute * 60 + clock.second + clock.microsecond / 1e6


class Clocks:
    """One `WorkingClock` per LPSE calendar (zone and LPSE code), made when first asked."""

    def __init__(self, extra: DaysOff | None = None) -> None:
        self.days_off = extra if extra is not None else days_off(DAYS_OFF_PATH)
        self._clocks: dict[tuple[str | None, str | None], WorkingClock] = {}

    def of(self, timezone: str | None, lpse_code: str | None) -> WorkingClock:
        """The clock of an LPSE's calendar."""
        key = (timezone, lpse_code)
        clock = self._clocks.get(key)
        if clock is None:
            clock = self._clocks[key] = WorkingClock(self.days_off.calendar(timezone, lpse_code))
        return clock


@dataclass(frozen=True)
class TaskTime:
    """How long one task was held, in working time of its ticket's LPSE.

    `ended` is None for a task still pending; its `working` then runs to the `now` asked for.
    """

    ticket_id: int
    task_id: str
    spec_name: str
    name: str
    sop_step: int | None
    lane: str
    started: datetime
    ended: datetime | None
    working: timedelta

    @property
    def done(self) -> bool:
        """Whether the task was completed."""
        return self.ended is not None


def task_times(session: Session, conditions: Iterable[ColumnElement[bool]], now: datetime,
               clocks: Clocks | None = None) -> Iterator[TaskTime]:
    """Every task of the tickets matching `conditions` (on TicketRow), with its working time
    (pending tasks counted up to `now`), in ticket order."""
    clocks = clocks or Clocks()
    rows = session.execute(
        select(TaskRow.ticket_id, TaskRow.id, TaskRow.spec_name, TaskRow.name, TaskRow.sop_step,
               TaskRow.lane, TaskRow.created_at, TaskRow.completed_at, LpseRow.timezone,
               LpseRow.code)
        .join(TicketRow, TicketRow.id == TaskRow.ticket_id)
        .join(LpseRow, LpseRow.id == TicketRow.lpse_id)
        .where(*conditions)
        .order_by(TaskRow.ticket_id, TaskRow.created_at, TaskRow.id)
        .execution_options(yield_per=2000))
    for row in rows:
        yield _task_time(row, now, clocks)


def _task_time(row: Any, now: datetime, clocks: Clocks) -> TaskTime:
    end = row.completed_at if row.completed_at is not None else now
    working = clocks.of(row.timezone, row.code).between(row.created_at, end)
    return TaskTime(ticket_id=row.ticket_id, task_id=row.id, spec_name=row.spec_name,
                    name=row.name, sop_step=row.sop_step, lane=row.lane,
                    started=row.created_at, ended=row.completed_at, working=working)


def ticket_working_times(session: Session, ticket_ids: Iterable[int], now: datetime,
                         clocks: Clocks | None = None) -> dict[int, timedelta]:
    """Working time from each ticket's opening to its closing (or `now` while open)."""
    clocks = clocks or Clocks()
    ids = list(ticket_ids)
    found: dict[int, timedelta] = {}
    for start in range(0, len(ids), 500):
        for row in session.execute(
                select(TicketRow.id, TicketRow.created_at, TicketRow.closed_at,
                       LpseRow.timezone, LpseRow.code)
                .join(LpseRow, LpseRow.id == TicketRow.lpse_id)
                .where(TicketRow.id.in_(ids[start:start + 500]))):
            end = row.closed_at if row.closed_at is not None else now
            found[row.id] = clocks.of(row.timezone, row.code).between(row.created_at, end)
    return found
