"""The auditors' figures over the tickets opened in a date range (read-only, aggregates)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select

from engine.audit.inspection import ZONE, created_between, require_auditor
from engine.audit.step_names import current_step_names
from engine.audit.working_time import task_times
from engine.evidence import chain
from engine.persistence.tables import EventRow, LpseRow, TicketRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.types import LANES, AuditReport, Figure, Share, User

AUTHORITY_STEP, CONFIRM_STEP, RATING_STEP = 3, 16, 17


def _month(dialect: str, at: Any) -> Any:
    """SQL: the month ("2026-11") of a time in Jakarta (UTC+7 all year, no summer time)."""
    if dialect == "postgresql":
        return func.to_char(func.timezone(ZONE.key, at), "YYYY-MM")
    return func.strftime("%Y-%m", at, "+7 hours")


def _decisions(rows: list[Any]) -> tuple[Share, Share, list[int], list[Figure]]:
    """Step 3 (LPSE's authority), step 16 (not solved), step 17 (rating); overdue by lane."""
    decided: dict[int, bool] = {}
    confirmed: dict[int, bool] = {}
    rated: dict[int, int] = {}
    overdue: Counter[str] = Counter()
    for ticket_id, sop_step, kind, data in rows:
        data = data or {}
        if kind == chain.STEP_OVERDUE:
            overdue[str(data.get("lane") or "?")] += 1
            continue
        form = data.get("form", {})
        if sop_step == AUTHORITY_STEP and "kewenangan" in form:
            decided[ticket_id] = form["kewenangan"] == "LPSE"
        elif sop_step == CONFIRM_STEP and "terselesaikan" in form:
            confirmed[ticket_id] = confirmed.get(ticket_id, False) or form["terselesaikan"] is False
        elif sop_step == RATING_STEP and isinstance(form.get("rating"), int):
            rated[ticket_id] = int(form["rating"])
    lanes = [*LANES, *sorted(set(overdue) - set(LANES))]
    return (Share(sum(decided.values()), len(decided)),
            Share(sum(confirmed.values()), len(confirmed)), list(rated.values()),
            [Figure(lane, overdue[lane], overdue[lane]) for lane in lanes])


def audit_report(uow: UnitOfWork, actor: User, date_from: date | None = None,
                 date_to: date | None = None, now: datetime | None = None) -> AuditReport:
    """Tickets per LPSE and month, working hours per step and lane, overdue steps per lane,
    the share returned as the LPSE's own authority, the reopen rate and the ratings."""
    require_auditor(actor)
    now = now or datetime.now(UTC)
    within = created_between(date_from, date_to)
    with uow:
        session = uow.session
        dialect = session.get_bind().dialect.name
        # Counted and summed by the database: only the groups cross to Python, not each
        # ticket and task (100,000 tickets made the page 22 times slower than 1,000).
        per_lpse = Counter({name: n for name, n in session.execute(
            select(LpseRow.name, func.count(TicketRow.id))
            .join(LpseRow, LpseRow.id == TicketRow.lpse_id).where(*within)
            .group_by(LpseRow.name))})
        month = _month(dialect, TicketRow.created_at)
        per_month = Counter({m: n for m, n in session.execute(
            select(month, func.count(TicketRow.id)).where(*within).group_by(month))})
        # Working hours in each ticket's LPSE calendar, the way time limits are counted;
        # a step renamed between versions is one row, named as the current version names it.
        names = current_step_names(session)
        step_hours: dict[tuple[int, str], tuple[float, int, str]] = {}
        lane_hours: dict[str, float] = defaultdict(float)
        for held in task_times(session, within, now):
            hours = held.working.total_seconds() / 3600
            lane_hours[held.lane] += hours
            if held.done:
                key = (held.sop_step, "") if held.sop_step else (0, held.name)
                total, n, name = step_hours.get(key, (0.0, 0, held.name))
                step_hours[key] = (total + hours, n + 1, name)
        rows = session.execute(
            select(EventRow.ticket_id, EventRow.sop_step, EventRow.type, EventRow.data)
            .join(TicketRow, TicketRow.id == EventRow.ticket_id)
            .where(*within, or_(
                and_(EventRow.type == chain.TASK_COMPLETED,
                     EventRow.sop_step.in_((AUTHORITY_STEP, CONFIRM_STEP, RATING_STEP))),
                EventRow.type == chain.STEP_OVERDUE))
            .order_by(EventRow.ticket_id, EventRow.seq)).all()
        count = sum(per_lpse.values())
    authority, reopened, given, overdue = _decisions([tuple(r) for r in rows])
    return AuditReport(
        date_from=date_from, date_to=date_to, tickets=count,
        per_lpse=tuple(Figure(name, n, n) for name, n in
                       sorted(per_lpse.items(), key=lambda item: (-item[1], item[0]))),
        per_month=tuple(Figure(month, n, n) for month, n in sorted(per_month.items())),
        hours_per_step=tuple(Figure(f"{step}. {names.get(step, name)}" if step else name,
                                    hours / n, n)
                             for (step, _), (hours, n, name) in sorted(step_hours.items())),
        hours_per_lane=tuple(Figure(lane, lane_hours.get(lane, 0.0) / count if count else 0.0,
                                    count) for lane in LANES),
        overdue_per_lane=tuple(overdue),
        lpse_authority=authority, reopened=reopened,
        average_rating=sum(given) / len(given) if given else None,
        ratings=tuple(Figure(str(score), given.count(score), given.count(score))
                      for score in range(1, 6)))
