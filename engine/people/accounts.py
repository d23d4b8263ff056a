"""Users and LPSEs: password hashes, sign-in checks and the demo accounts."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select

from engine.errors import NotFound, TooManyAttempts
from engine.messages import Message
from engine.persistence import repository
from engine.persistence.tables import LpseRow, SignInAttemptRow, UserRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.settings import DEFAULT_DEMO_PASSWORD
from engine.types import DEFAULT_TIMEZONE, Role, User

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
ATTEMPT_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_CLIENT = 30

DEMO_LPSE = (
    ("kota-bandung", "LPSE Kota Bandung", "Asia/Jakarta"),
    ("kota-surabaya", "LPSE Kota Surabaya", "Asia/Jakarta"),
)
DEMO_USERS = (
    ("pengguna.bandung", "Pengguna SPSE Bandung", Role.PENGGUNA, "kota-bandung"),
    ("admin.bandung", "Admin LPSE Kota Bandung", Role.ADMIN, "kota-bandung"),
    ("pengguna.surabaya", "Pengguna SPSE Surabaya", Role.PENGGUNA, "kota-surabaya"),
    ("admin.surabaya", "Admin LPSE Kota Surabaya", Role.ADMIN, "kota-surabaya"),
    ("helpdesk.lkpp", "Helpdesk LKPP", Role.HELPDESK, None),
    ("pemilik.proses", "Pemilik Proses (Direktorat PSPSE)", Role.PROCESS_OWNER, None),
    ("auditor", "Auditor Inspektorat", Role.AUDITOR, None),
)


def hash_password(password: str) -> str:
    """A salted scrypt hash of `password`."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    encode = base64.b64encode
    return f"scrypt${encode(salt).decode()}${encode(digest).decode()}"


def check_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches a hash from `hash_password`."""
    try:
        scheme, salt, digest = (stored or "").split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), **_SCRYPT)
    return hmac.compare_digest(actual, base64.b64decode(digest))


def to_user(row: UserRow, lpse_name: str | None,
            lpse_timezone: str = DEFAULT_TIMEZONE) -> User:
    """The engine's view of a user row."""
    return User(id=row.id, username=row.username, full_name=row.full_name, role=Role(row.role),
                lpse_id=row.lpse_id, lpse=lpse_name, lpse_timezone=lpse_timezone)


def get_user(uow: UnitOfWork, username: str) -> User:
    """The active user with this username; NotFound otherwise."""
    with uow:
        row = repository.user_by_username(uow.session, username)
        if row is None or not row.active:
            raise NotFound(Message("user_not_found", username=username))
        names = repository.lpse_names(uow.session, {row.lpse_id} if row.lpse_id else set())
        if row.lpse_id is None:
            return to_user(row, None)
        return to_user(row, names.get(row.lpse_id),
                       repository.lpse_zone(uow.session, row.lpse_id))


def authenticate(uow: UnitOfWork, username: str, password: str,
                 client: str = "") -> User | None:
    """The user if the password is right, else None (the same answer for unknown users).

    After too many failures for a username or a client address within the window, every
    attempt is refused with TooManyAttempts until the window has passed.
    """
    # No username holds U+0000, and PostgreSQL cannot store it in the attempt's key.
    username = username.replace("\x00", "\ufffd")
    keys = [f"user:{username.lower()}"] + ([f"client:{client}"] if client else [])
    now = datetime.now(UTC)
    with uow:
        session = uow.session
        since = now - ATTEMPT_WINDOW
        for key in keys:
            failures = session.scalar(select(func.count()).select_from(SignInAttemptRow).where(
                SignInAttemptRow.key == key, SignInAttemptRow.at >= since)) or 0
            limit = MAX_FAILURES_PER_USER if key.startswith("user:") else MAX_FAILURES_PER_CLIENT
            if failures >= limit:
                raise TooManyAttempts(Message("too_many_sign_ins"))
        row = repository.user_by_username(session, username)
        stored = row.password_hash if row is not None and row.active else None
        if not check_password(stored, password) or row is None:
            session.add_all(SignInAttemptRow(key=key, at=now) for key in keys)
            session.execute(delete(SignInAttemptRow).where(SignInAttemptRow.at < since))
            uow.commit()
            return None
    return get_user(uow, username)


def list_reporters(uow: UnitOfWork, actor: User) -> list[User]:
    """The Pengguna SPSE of the admin's LPSE, who may be named as a ticket's reporter."""
    if actor.role is not Role.ADMIN or actor.lpse_id is None:
        return []
    with uow:
        rows = uow.session.scalars(
            select(UserRow).where(UserRow.role == Role.PENGGUNA.value,
                                  UserRow.lpse_id == actor.lpse_id, UserRow.active)
            .order_by(UserRow.full_name)).all()
        return [to_user(row, actor.lpse) for row in rows]


def list_lpse(uow: UnitOfWork) -> list[tuple[int, str]]:
    """Every LPSE as (id, name), by name."""
    with uow:
        return [(row.id, row.name) for row in
                uow.session.scalars(select(LpseRow).order_by(LpseRow.name))]


def create_demo_data(uow: UnitOfWork, password: str = DEFAULT_DEMO_PASSWORD) -> int:
    """Add the demo LPSEs and accounts of CONTRACT.md that are missing (each with
    `password`); return how many."""
    added = 0
    with uow:
        session = uow.session
        lpse_ids: dict[str, int] = {}
        for code, name, zone in DEMO_LPSE:
            lpse = session.query(LpseRow).filter_by(code=code).one_or_none()
            if lpse is None:
                lpse = LpseRow(code=code, name=name, timezone=zone)
                session.add(lpse)
                session.flush()
            lpse_ids[code] = lpse.id
        for username, full_name, role, lpse_code in DEMO_USERS:
            if repository.user_by_username(session, username) is not None:
                continue
            session.add(UserRow(username=username, full_name=full_name, role=role.value,
                                lpse_id=lpse_ids[lpse_code] if lpse_code else None,
                                password_hash=hash_password(password), active=True))
            added += 1
        uow.commit()
    return added
