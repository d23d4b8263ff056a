"""The auditors' report served from a stored snapshot (issue 7).

Recomputing every figure over all tickets on each view grows with the tickets; the default
report (every ticket, no date range) is therefore computed by `engine.audit.reports.audit_report`
and stored in `report_snapshots`, read in constant time, refreshed by the worker when older
than `MAX_AGE` and on an auditor's "Hitung ulang". The snapshot is derived data: auditors
change nothing in tickets, tasks or events, and the figures are exactly those of a live
computation at `computed_at`.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from engine.audit.inspection import require_auditor
from engine.audit.reports import audit_report
from engine.persistence.tables import ReportSnapshotRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.types import AuditReport, Figure, Role, Share, User

DEFAULT_KEY = "default"
MAX_AGE = timedelta(minutes=10)
# The worker computes as this (system) auditor; it never signs in.
_SYSTEM = User(id=0, username="worker", full_name="worker", role=Role.AUDITOR)
_FIGURES = ("per_lpse", "per_month", "hours_per_step", "hours_per_lane", "overdue_per_lane",
            "ratings")


def _to_json(report: AuditReport) -> dict[str, Any]:
    data = asdict(report)
    for name in ("date_from", "date_to"):
        data[name] = data[name].isoformat() if data[name] is not None else None
    return data


def _from_json(data: dict[str, Any]) -> AuditReport:
    def day(raw: str | None) -> date | None:
        return date.fromisoformat(raw) if raw else None

    figures = {name: tuple(Figure(f["label"], f["value"], f["count"]) for f in data[name])
               for name in _FIGURES}
    return AuditReport(
        date_from=day(data["date_from"]), date_to=day(data["date_to"]),
        tickets=data["tickets"], lpse_authority=Share(**data["lpse_authority"]),
        reopened=Share(**data["reopened"]), average_rating=data["average_rating"],
        **figures)


def _store(uow: UnitOfWork, now: datetime | None) -> tuple[AuditReport, datetime]:
    now = now or datetime.now(UTC)
    report = audit_report(uow, _SYSTEM, now=now)
    with uow:
        row = uow.session.get(ReportSnapshotRow, DEFAULT_KEY)
        if row is None:
            row = ReportSnapshotRow(key=DEFAULT_KEY, computed_at=now, data={})
            uow.session.add(row)
        row.computed_at, row.data = now, _to_json(report)
        uow.commit()
    return report, now


def stored_report(uow: UnitOfWork, actor: User,
                  now: datetime | None = None) -> tuple[AuditReport, datetime]:
    """The default report as last stored and when it was computed; computed and stored
    once when there is none yet."""
    require_auditor(actor)
    with uow:
        row = uow.session.execute(select(ReportSnapshotRow.computed_at, ReportSnapshotRow.data)
                                  .where(ReportSnapshotRow.key == DEFAULT_KEY)).first()
    if row is not None:
        return _from_json(row.data), row.computed_at
    return _store(uow, now)


def refresh_report(uow: UnitOfWork, actor: User,
                   now: datetime | None = None) -> tuple[AuditReport, datetime]:
    """Compute the default report again now ("Hitung ulang") and store it."""
    require_auditor(actor)
    return _store(uow, now)


def refresh_stale_reports(uow: UnitOfWork, now: datetime | None = None,
                          max_age: timedelta = MAX_AGE) -> int:
    """The worker's part: recompute a stored snapshot older than `max_age` (one nobody has
    asked for yet is left to the first view); how many were refreshed."""
    now = now or datetime.now(UTC)
    with uow:
        computed = uow.session.scalar(select(ReportSnapshotRow.computed_at)
                                      .where(ReportSnapshotRow.key == DEFAULT_KEY))
    if computed is None or now - computed < max_age:
        return 0
    _store(uow, now)
    return 1
