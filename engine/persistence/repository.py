"""Queries the use cases need, one function each; callers own the session."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, object_session

from engine.persistence.tables import (
    EventRow,
    LpseRow,
    ProcessVersionRow,
    TaskRow,
    TicketRow,
    UserRow,
)
from engine.types import DEFAULT_TIMEZONE


def user_by_username(session: Session, username: str) -> UserRow | None:
    """The user with this username, if any."""
    if "\x00" in username:  # no username has one, and PostgreSQL refuses it in a query
        return None
    return session.scalar(select(UserRow).where(UserRow.username == username))


# Session.info key: LPSE id -> time zone, as `lpse_names` or `lpse_timezone` read it.
_ZONES = "lpse_timezones"


def lpse_names(session: Session, ids: set[int]) -> dict[int, str]:
    """LPSE id -> name for the given ids (their time zones are kept for `lpse_timezone`)."""
    if not ids:
        return {}
    rows = session.execute(select(LpseRow.id, LpseRow.name, LpseRow.timezone)
                           .where(LpseRow.id.in_(ids))).all()
    session.info.setdefault(_ZONES, {}).update({row.id: row.timezone for row in rows})
    return {row.id: row.name for row in rows}


def lpse_zone(session: Session, lpse_id: int) -> str:
    """The time zone of an LPSE (kept from `lpse_names` when it read it)."""
    zones: dict[int, str | None] = session.info.setdefault(_ZONES, {})
    if lpse_id not in zones:
        zones[lpse_id] = session.scalar(select(LpseRow.timezone).where(LpseRow.id == lpse_id))
    return zones[lpse_id] or DEFAULT_TIMEZONE


def lpse_timezone(ticket: TicketRow) -> str:
    """The time zone of the ticket's LPSE: read with its name by `lpse_names` (a list of
    tasks across many LPSEs costs no query per LPSE), else once per LPSE and session."""
    session = object_session(ticket)
    return DEFAULT_TIMEZONE if session is None else lpse_zone(session, ticket.lpse_id)


def usernames(session: Session, ids: set[int]) -> dict[int, str]:
    """User id -> username for the given ids."""
    if not ids:
        return {}
    rows = session.execute(select(UserRow.id, UserRow.username).where(UserRow.id.in_(ids)))
    return {row.id: row.username for row in rows}


def current_version(session: Session) -> ProcessVersionRow | None:
    """The version new tickets start on: the most recently (re)deployed one."""
    return session.scalar(
        select(ProcessVersionRow).order_by(ProcessVersionRow.activation.desc()).limit(1))


def versions(session: Session) -> Sequence[ProcessVersionRow]:
    """Every deployed version, newest first."""
    return session.scalars(
        select(ProcessVersionRow).order_by(ProcessVersionRow.number.desc())).all()


def next_version_numbers(session: Session) -> tuple[int, int]:
    """The next version number and the next activation counter."""
    number, activation = session.execute(
        select(func.coalesce(func.max(ProcessVersionRow.number), 0),
               func.coalesce(func.max(ProcessVersionRow.activation), 0))).one()
    return int(number) + 1, int(activation) + 1


def ticket_by_reference(session: Session, reference: str) -> TicketRow | None:
    """A ticket by its number (`ESK-2026-000001`) or its numeric id."""
    found = session.scalar(select(TicketRow).where(TicketRow.number == reference))
    if found is None and reference.isdigit():
        found = session.get(TicketRow, int(reference))
    return found


# Session.info key: LPSE id -> its row, held here (the session's identity map holds rows only
# weakly), so a change's calendar reads the LPSE that `task_with_ticket` read with its task.
_LPSE_ROWS = "lpse_rows"


def lpse_row(session: Session, lpse_id: int) -> LpseRow | None:
    """An LPSE's row, read once per session."""
    rows: dict[int, LpseRow | None] = session.info.setdefault(_LPSE_ROWS, {})
    if lpse_id not in rows:
        rows[lpse_id] = session.get(LpseRow, lpse_id)
    return rows[lpse_id]


# Built once: this query runs on every completion, and building it costs more than running it.
_TASK_WITH_TICKET = (
    select(TaskRow, TicketRow, LpseRow, UserRow.username)
    .join(TicketRow, TicketRow.id == TaskRow.ticket_id)
    .join(LpseRow, LpseRow.id == TicketRow.lpse_id)
    .join(UserRow, UserRow.id == TicketRow.reporter_id)
    .where(TaskRow.id == bindparam("task_id")))


def task_with_ticket(session: Session,
                     task_id: str) -> tuple[TaskRow, TicketRow, str, str] | None:
    """A task row with its ticket, the ticket's LPSE name and reporter, in one query (the
    LPSE row stays in the session, so its calendar and time zone cost no further query)."""
    row = session.execute(_TASK_WITH_TICKET, {"task_id": task_id}).first()
    if row is None:
        return None
    lpse: LpseRow = row[2]
    session.info.setdefault(_ZONES, {})[lpse.id] = lpse.timezone
    session.info.setdefault(_LPSE_ROWS, {})[lpse.id] = lpse
    return row[0], row[1], lpse.name, row[3]


def task_rows(session: Session, ids: Sequence[str]) -> Sequence[TaskRow]:
    """Task rows by id."""
    if not ids:
        return []
    return session.scalars(select(TaskRow).where(TaskRow.id.in_(ids))).all()


def pending_task_rows(session: Session, ticket_ids: Sequence[int]) -> Sequence[TaskRow]:
    """Pending task rows of the given tickets."""
    if not ticket_ids:
        return []
    return session.scalars(
        select(TaskRow)
        .where(TaskRow.ticket_id.in_(ticket_ids), TaskRow.completed_at.is_(None))
        .order_by(TaskRow.created_at, TaskRow.id)).all()


def stream_events(session: Session, stream: str) -> Sequence[EventRow]:
    """A stream's events in sequence order."""
    return session.scalars(
        select(EventRow).where(EventRow.stream == stream).order_by(EventRow.seq, EventRow.id)
    ).all()
