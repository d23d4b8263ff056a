"""The auditors' read log: each read of a ticket's personal data by an auditor, recorded."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from engine.persistence.tables import AuditReadRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.types import ReadKind, Role, User

# What a read-log row says was read.
READ_HISTORY, READ_REPLAY = ReadKind.HISTORY, ReadKind.REPLAY
READ_JSON, READ_CSV, READ_RANGE = (
    ReadKind.EXPORT_JSON, ReadKind.EXPORT_CSV, ReadKind.EXPORT_RANGE_CSV)
READ_TICKET_PAGE, READ_EVENTS, READ_ATTACHMENT = (
    ReadKind.TICKET_PAGE, ReadKind.EVENTS_API, ReadKind.ATTACHMENT)
READ_RANGE_XLSX, READ_EVENT_LOG = ReadKind.EXPORT_RANGE_XLSX, ReadKind.EVENT_LOG


def log_read(session: Session, actor: User, what: str, ticket_id: int | None = None,
             detail: str = "") -> None:
    """Record that an auditor read a ticket's personal data (committed by the caller)."""
    session.add(AuditReadRow(at=datetime.now(UTC), username=actor.username,
                             role=actor.role.value, ticket_id=ticket_id, what=what,
                             detail=detail[:300]))


def log_if_auditor(uow: UnitOfWork, actor: User, what: str, ticket_id: int,
                   detail: str = "") -> None:
    """Outside the auditor area (ticket page, API, attachments): log an auditor's read."""
    if actor.role is Role.AUDITOR:
        log_read(uow.session, actor, what, ticket_id, detail)
        uow.commit()
