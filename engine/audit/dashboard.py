"""The operations dashboard (issue 16): what is open where, how old, what is late, who holds
what, for Helpdesk LKPP (every LPSE), an Admin LPSE (their own) and the auditor (read-only).

The figures are a few aggregate queries over the pending task rows and the open ticket rows
(no workflow is loaded), grouped by LPSE, so one computation serves every scope: Helpdesk
LKPP's view is the sum over the LPSEs, an Admin LPSE's is their LPSE's part. Ages and the
"due soon" window are in working time of each ticket's LPSE (`engine.tickets.windows`, which
Daftar Tiket's `umur` and `tenggat` filters use too, so a number and its list agree): the
cut-off instants are worked out once per calendar (time zone and the LPSE's own days off),
and the database only compares instants against them.

Aggregates over every open ticket grow with the tickets (about 0.7 s over 80,000 pending
tasks on SQLite), so the page reads them from a stored snapshot (`report_snapshots`, key
`dashboard`, like the auditors' report), computed again when older than `MAX_AGE`: the page
then costs the same at 1,000 and 100,000 tickets and says when its figures were counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, func, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from engine.audit.step_names import current_step_names
from engine.audit.working_time import Clocks
from engine.errors import NotFound
from engine.messages import Message
from engine.persistence.tables import LpseRow, ReportSnapshotRow, TaskRow, TicketRow, UserRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.tickets import windows
from engine.tickets.windows import AGE_BUCKETS, Calendar
from engine.types import LANES, Role, User, Workload

TOP_LPSE = 10
TOP_PEOPLE = 20
MAX_LPSE_SEARCH = 100
# How old the stored figures may be before a view counts them again.
MAX_AGE = timedelta(minutes=1)
# The worker counts them again a little before (its rounds are DEFAULT_INTERVAL apart).
WORKER_AGE = timedelta(seconds=40)
SNAPSHOT_KEY = "dashboard"
# An Admin LPSE's people work in these lanes (Helpdesk LKPP's tasks are not theirs to hold).
_LPSE_LANES = (Role.ADMIN.value, Role.PENGGUNA.value)


@dataclass(frozen=True)
class StepCount:
    """Open tickets waiting at one SOP step (its current name)."""

    sop_step: int | None
    name: str
    tickets: int


@dataclass(frozen=True)
class LpseCount:
    """Open tickets of one LPSE."""

    lpse_id: int
    name: str
    tickets: int


@dataclass(frozen=True)
class Dashboard:
    """The dashboard's figures for one caller's scope, as counted at `computed_at`."""

    computed_at: datetime
    lpse_id: int | None  # the one LPSE shown (Admin LPSE), None for all
    open_tickets: int
    by_step: list[StepCount]
    by_lane: dict[str, int]
    by_lpse: list[LpseCount]  # the LPSEs shown (top N, or the ones searched for)
    lpse_count: int  # LPSEs with open tickets
    aging: dict[str, int]  # AGE_BUCKETS -> open tickets
    overdue: int  # open tickets with a pending task past its due time
    due_soon: int  # ... with one due within DUE_SOON working time (and none overdue)
    workload: list[Workload] = field(default_factory=list)  # most loaded first, then queues


def dashboard(uow: UnitOfWork, actor: User, now: datetime | None = None, lpse_search: str = "",
              top: int = TOP_LPSE, clocks: Clocks | None = None) -> Dashboard:
    """The operations dashboard of the actor's scope (NotFound for roles without one).

    Without `now`: from the stored figures, counted again when older than MAX_AGE. With
    `now`: counted as of that instant (nothing stored)."""
    if actor.role in (Role.HELPDESK, Role.AUDITOR):
        lpse_id = None
    elif actor.role is Role.ADMIN and actor.lpse_id is not None:
        lpse_id = actor.lpse_id
    else:
        raise NotFound(Message("page_not_found"))
    if now is not None:
        figures = count_figures(uow, now, clocks)
    else:
        figures = stored_figures(uow, datetime.now(UTC), clocks)
    return _view(figures, lpse_id, lpse_search, top, people=actor.role is not Role.AUDITOR)


def stored_figures(uow: UnitOfWork, now: datetime, clocks: Clocks | None = None,
                   max_age: timedelta = MAX_AGE) -> dict[str, Any]:
    """The stored figures, counted again (and stored) when missing or older than `max_age`."""
    with uow:
        row = uow.session.execute(select(ReportSnapshotRow.computed_at, ReportSnapshotRow.data)
                                  .where(ReportSnapshotRow.key == SNAPSHOT_KEY)).first()
    if row is not None and timedelta(0) <= now - row.computed_at <= max_age:
        return dict(row.data)
    return refresh_figures(uow, now, clocks)


def refresh_stale_figures(uow: UnitOfWork, now: datetime | None = None,
                          max_age: timedelta = WORKER_AGE) -> int:
    """The worker's part: count the stored figures again when older than `max_age`, so a
    view seldom pays the count (figures nobody has asked for yet are left to the first
    view); how many were refreshed (0 or 1)."""
    now = now or datetime.now(UTC)
    with uow:
        computed = uow.session.scalar(select(ReportSnapshotRow.computed_at)
                                      .where(ReportSnapshotRow.key == SNAPSHOT_KEY))
    if computed is None or timedelta(0) <= now - computed < max_age:
        return 0
    refresh_figures(uow, now)
    return 1


def refresh_figures(uow: UnitOfWork, now: datetime | None = None,
                    clocks: Clocks | None = None) -> dict[str, Any]:
    """Count the figures and store them (derived data: deleting them costs one count)."""
    now = now or datetime.now(UTC)
    figures = count_figures(uow, now, clocks)
    try:
        with uow:
            row = uow.session.get(ReportSnapshotRow, SNAPSHOT_KEY)
            if row is None:
                uow.session.add(ReportSnapshotRow(key=SNAPSHOT_KEY, computed_at=now,
                                                  data=figures))
            else:
                row.computed_at, row.data = now, figures
            uow.commit()
    except IntegrityError:
        pass  # another view stored the same figures at the same moment
    return figures


def count_figures(uow: UnitOfWork, now: datetime, clocks: Clocks | None = None
                  ) -> dict[str, Any]:
    """Every LPSE's figures as of `now`, and the people's, as JSON-ready data."""
    clocks = clocks or Clocks()
    with uow:
        session = uow.session
        calendars = windows.calendars(session, clocks.days_off)
        lpses: dict[int, dict[str, Any]] = {}

        def of(lpse_id: int) -> dict[str, Any]:
            found = lpses.get(lpse_id)
            if found is None:
                found = lpses[lpse_id] = {"open": 0, "ages": [0] * len(AGE_BUCKETS),
                                          "steps": [], "overdue": 0, "due_soon": 0}
            return found

        for lpse_id, bucket, count in _ages(session, calendars, clocks, now):
            of(lpse_id)["open"] += count
            of(lpse_id)["ages"][bucket] += count
        for lpse_id, sop_step, lane, count in session.execute(
                select(TaskRow.lpse_id, TaskRow.sop_step, TaskRow.lane,
                       func.count(func.distinct(TaskRow.ticket_id)))
                .where(TaskRow.completed_at.is_(None))
                .group_by(TaskRow.lpse_id, TaskRow.sop_step, TaskRow.lane)):
            of(lpse_id)["steps"].append([sop_step, lane, count])
        overdue, due_soon = _due(session, calendars, clocks, now)
        for lpse_id, count in overdue.items():
            of(lpse_id)["overdue"] = count
        for lpse_id, count in due_soon.items():
            of(lpse_id)["due_soon"] = count
        names = current_step_names(session)  # as the reports name them
        lpse_names = {str(id_): name for id_, name in session.execute(
            select(LpseRow.id, LpseRow.name).where(LpseRow.id.in_(set(lpses))))}
        people, queues = _people(session, now)
    return {"computed_at": now.isoformat(), "lpse": {str(k): v for k, v in lpses.items()},
            "lpse_names": lpse_names, "step_names": {str(k): v for k, v in names.items()},
            "people": people, "queues": queues}


def _view(figures: dict[str, Any], lpse_id: int | None, lpse_search: str, top: int,
          people: bool) -> Dashboard:
    """One scope's dashboard from every LPSE's figures."""
    lpses: dict[str, dict[str, Any]] = figures["lpse"]
    if lpse_id is not None:
        lpses = {key: value for key, value in lpses.items() if key == str(lpse_id)}
    names: dict[str, str] = figures["lpse_names"]
    step_names: dict[str, str] = figures["step_names"]
    steps: dict[int | None, int] = {}
    lanes = dict.fromkeys(LANES, 0)
    aging = [0] * len(AGE_BUCKETS)
    for part in lpses.values():
        for sop_step, lane, count in part["steps"]:
            steps[sop_step] = steps.get(sop_step, 0) + count
            lanes[lane] = lanes.get(lane, 0) + count
        aging = [a + b for a, b in zip(aging, part["ages"], strict=True)]
    per_lpse = sorted(((int(key), part["open"]) for key, part in lpses.items() if part["open"]),
                      key=lambda item: (-item[1], names.get(str(item[0]), "")))
    wanted = " ".join(lpse_search.split()).casefold()
    if wanted:
        per_lpse = [item for item in per_lpse
                    if wanted in names.get(str(item[0]), "").casefold()][:MAX_LPSE_SEARCH]
    else:
        per_lpse = per_lpse[:top]
    return Dashboard(
        computed_at=datetime.fromisoformat(figures["computed_at"]), lpse_id=lpse_id,
        open_tickets=sum(part["open"] for part in lpses.values()),
        by_step=[StepCount(step, step_names.get(str(step), "") if step is not None else "",
                           count)
                 for step, count in sorted(steps.items(), key=lambda item: _step_key(item[0]))],
        by_lane=lanes,
        by_lpse=[LpseCount(id_, names.get(str(id_), str(id_)), count) for id_, count in per_lpse],
        lpse_count=sum(1 for part in lpses.values() if part["open"]),
        aging=dict(zip(AGE_BUCKETS, aging, strict=True)),
        overdue=sum(part["overdue"] for part in lpses.values()),
        due_soon=sum(part["due_soon"] for part in lpses.values()),
        workload=_workload(figures, lpse_id) if people else [])


def _step_key(step: int | None) -> int:
    return step if step is not None else 10**6


def _workload(figures: dict[str, Any], lpse_id: int | None) -> list[Workload]:
    key = "all" if lpse_id is None else str(lpse_id)
    return ([Workload(*person) for person in figures["people"].get(key, [])]
            + [Workload("", "", lane, None, open_, late)
               for lane, open_, late in figures["queues"].get(key, [])])


def _bins(column: InstrumentedAttribute[datetime], instants: list[datetime]) -> ColumnElement[int]:
    """Which interval between the sorted instants a timestamp falls in: 0 at or below the
    first, i for (instants[i-1], instants[i]], len(instants) above the last."""
    if not instants:
        return literal(0, Integer)
    return case(*((column <= moment, index) for index, moment in enumerate(instants)),
                else_=len(instants))


def _ages(session: Session, calendars: dict[int, Calendar], clocks: Clocks,
          now: datetime) -> list[tuple[int, int, int]]:
    """(LPSE, age bucket index, open tickets), ages in working days of each LPSE."""
    per_calendar = windows.age_cut_offs(calendars, now, clocks.days_off)
    every = sorted({moment for moments in per_calendar.values() for moment in moments})
    bucket = _bins(TicketRow.created_at, every)
    found = []
    for lpse_id, index, count in session.execute(
            select(TicketRow.lpse_id, bucket, func.count())
            .where(TicketRow.status == "open").group_by(TicketRow.lpse_id, bucket)):
        # The bin's tickets were opened at or before its end: at least d days old for every
        # cut-off of d days at or after that end.
        limits = per_calendar[calendars[lpse_id]]
        older = (sum(1 for moment in limits if every[index] <= moment)
                 if index < len(every) else 0)
        found.append((lpse_id, older, count))
    return found


def _due(session: Session, calendars: dict[int, Calendar], clocks: Clocks,
         now: datetime) -> tuple[dict[int, int], dict[int, int]]:
    """Per LPSE: open tickets with a pending task overdue, and those (not overdue) with one
    due within DUE_SOON working time of their LPSE."""
    soon = windows.soon_cut_offs(calendars, now, clocks.days_off)
    pending = (TaskRow.completed_at.is_(None), TaskRow.due_at.is_not(None))
    overdue = {lpse_id: count for lpse_id, count in session.execute(
        select(TaskRow.lpse_id, func.count(func.distinct(TaskRow.ticket_id)))
        .where(*pending, TaskRow.due_at < now).group_by(TaskRow.lpse_id))}
    late = select(TaskRow.ticket_id).where(*pending, TaskRow.due_at < now)
    latest = max(soon.values(), default=now)
    tickets: dict[int, set[int]] = {}
    for lpse_id, ticket_id, due in session.execute(
            select(TaskRow.lpse_id, TaskRow.ticket_id, TaskRow.due_at)
            .where(*pending, TaskRow.due_at >= now, TaskRow.due_at <= latest,
                   TaskRow.ticket_id.not_in(late))):
        if due is not None and due <= soon[calendars[lpse_id]]:
            tickets.setdefault(lpse_id, set()).add(ticket_id)
    return overdue, {lpse_id: len(found) for lpse_id, found in tickets.items()}


def _people(session: Session, now: datetime
            ) -> tuple[dict[str, list[list[Any]]], dict[str, list[list[Any]]]]:
    """The most loaded people and the unclaimed queues, for every LPSE ("all") and for each
    one (its Admin LPSE and Pengguna SPSE lanes), as `engine.tickets.ownership.workload`
    counts them: a held task is its holder's, a Pengguna SPSE's task its reporter's."""
    person = func.coalesce(TaskRow.assignee_id, case(
        (TaskRow.lane == Role.PENGGUNA.value, TaskRow.reporter_id), else_=None))
    late = func.sum(case((and_(TaskRow.due_at.is_not(None), TaskRow.due_at < now), 1),
                         else_=0))
    held: dict[str, dict[int, list[int]]] = {}
    queued: dict[str, dict[str, list[int]]] = {}
    for lpse_id, person_id, lane, open_, overdue in session.execute(
            select(TaskRow.lpse_id, person, TaskRow.lane, func.count(), late)
            .where(TaskRow.completed_at.is_(None))
            .group_by(TaskRow.lpse_id, person, TaskRow.lane)):
        scopes = ["all", str(lpse_id)] if lane in _LPSE_LANES else ["all"]
        for scope in scopes:
            slot = (held.setdefault(scope, {}).setdefault(person_id, [0, 0])
                    if person_id is not None
                    else queued.setdefault(scope, {}).setdefault(lane, [0, 0]))
            slot[0] += int(open_)
            slot[1] += int(overdue or 0)
    tops = {scope: sorted(counts.items(), key=lambda item: (-item[1][1], -item[1][0]))
            [:TOP_PEOPLE] for scope, counts in held.items()}
    wanted = {person_id for top in tops.values() for person_id, _ in top}
    who = {id_: (username, full_name, role, lpse) for id_, username, full_name, role, lpse
           in session.execute(select(UserRow.id, UserRow.username, UserRow.full_name,
                                     UserRow.role, LpseRow.name)
                              .outerjoin(LpseRow, LpseRow.id == UserRow.lpse_id)
                              .where(UserRow.id.in_(wanted)))}
    people = {scope: [[*who[person_id], counts[0], counts[1]] for person_id, counts in top
                      if person_id in who]
              for scope, top in tops.items()}
    queues = {scope: [[lane, counts[0], counts[1]] for lane, counts in sorted(lanes.items())]
              for scope, lanes in queued.items()}
    return people, queues
