"""Server-side sessions: every page session and API token is a row, and ends by going.

Signed cookies and tokens alone cannot be taken back. Each one carries a random secret
whose SHA-256 is a row of `user_sessions`; a request is signed in only while that row
exists, has not expired, and its user is active. Signing out deletes the row; a password
change or reset deletes every other row of the user; deactivation deletes them all.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import bindparam, delete, select

from engine.errors import NotFound
from engine.messages import Message
from engine.people.passwords import hash_password
from engine.persistence import repository
from engine.persistence.tables import LpseRow, UserRow, UserSessionRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.types import DEFAULT_TIMEZONE, Role, User


class SessionKind(StrEnum):
    """Where a session is used: a browser's page session or an API bearer token."""

    PAGE = "page"
    API = "api"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def _active_row(uow: UnitOfWork, username: str) -> UserRow:
    row = repository.user_by_username(uow.session, username)
    if row is None or not row.active:
        raise NotFound(Message("user_not_found", username=username))
    return row


def start_session(uow: UnitOfWork, username: str, kind: SessionKind,
                  lifetime: timedelta) -> tuple[str, datetime]:
    """A new session of the active user: its secret (for the cookie or token) and when it
    expires. Expired sessions of everyone are cleared on the way."""
    secret = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with uow:
        row = _active_row(uow, username)
        uow.session.execute(delete(UserSessionRow).where(UserSessionRow.expires_at < now))
        uow.session.add(UserSessionRow(id=_digest(secret), user_id=row.id, kind=kind.value,
                                       created_at=now, expires_at=now + lifetime))
        uow.commit()
    return secret, now + lifetime


# Built once (every signed-in request asks): the user's columns with their LPSE's name and
# zone in one query, no ORM objects.
_SESSION_USER = (
    select(UserRow.id, UserRow.username, UserRow.full_name, UserRow.role, UserRow.lpse_id,
           UserRow.active, LpseRow.name.label("lpse"), LpseRow.timezone)
    .join(UserSessionRow, UserSessionRow.user_id == UserRow.id)
    .outerjoin(LpseRow, LpseRow.id == UserRow.lpse_id)
    .where(UserSessionRow.id == bindparam("digest"), UserSessionRow.kind == bindparam("kind"),
           UserSessionRow.expires_at > bindparam("now")))


def session_user(uow: UnitOfWork, secret: str, kind: SessionKind) -> User | None:
    """The user of a live session with this secret; None when it ended, expired or never
    was; NotFound when its user has been deactivated."""
    with uow:
        row = uow.session.connection().execute(_SESSION_USER, {
            "digest": _digest(secret), "kind": kind.value, "now": datetime.now(UTC)}).first()
        if row is None:
            return None
        if not row.active:
            raise NotFound(Message("user_not_found", username=row.username))
        return User(id=row.id, username=row.username, full_name=row.full_name,
                    role=Role(row.role), lpse_id=row.lpse_id, lpse=row.lpse,
                    lpse_timezone=row.timezone or DEFAULT_TIMEZONE)


def end_session(uow: UnitOfWork, secret: str) -> None:
    """End the session with this secret (signing out); nothing if it already ended."""
    with uow:
        uow.session.execute(delete(UserSessionRow).where(UserSessionRow.id == _digest(secret)))
        uow.commit()


def _end_user_sessions(uow: UnitOfWork, user_id: int, keep: str | None) -> int:
    statement = delete(UserSessionRow).where(UserSessionRow.user_id == user_id)
    if keep is not None:
        statement = statement.where(UserSessionRow.id != _digest(keep))
    return uow.session.execute(statement).rowcount or 0  # type: ignore[attr-defined]


def end_user_sessions(uow: UnitOfWork, user_id: int) -> int:
    """Inside the caller's unit of work: end every session and token of the user (how many)."""
    return _end_user_sessions(uow, user_id, None)


def end_sessions(uow: UnitOfWork, username: str, keep: str | None = None) -> int:
    """End every session and token of the user but the one with secret `keep`; how many."""
    with uow:
        row = repository.user_by_username(uow.session, username)
        if row is None:
            raise NotFound(Message("user_not_found", username=username))
        ended = _end_user_sessions(uow, row.id, keep)
        uow.commit()
        return ended


def change_password(uow: UnitOfWork, username: str, new_password: str,
                    keep: str | None = None) -> None:
    """Set the active user's password; every other session and token of theirs ends (all of
    them when `keep` is None, as after a reset by mail)."""
    with uow:
        row = _active_row(uow, username)
        row.password_hash = hash_password(new_password)
        _end_user_sessions(uow, row.id, keep)
        uow.commit()


def deactivate_user(uow: UnitOfWork, username: str) -> None:
    """Deactivate the account; its sessions and tokens end at once."""
    with uow:
        row = repository.user_by_username(uow.session, username)
        if row is None:
            raise NotFound(Message("user_not_found", username=username))
        row.active = False
        _end_user_sessions(uow, row.id, None)
        uow.commit()
