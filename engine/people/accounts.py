"""Users and LPSEs: password hashes, sign-in checks and the demo accounts."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engine.errors import NotFound, TooManyAttempts
from engine.messages import Message
from engine.people.passwords import check_password, hash_password, needs_rehash
from engine.persistence import repository
from engine.persistence.tables import LpseRow, SignInAttemptRow, UserRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.settings import DEFAULT_DEMO_PASSWORD
from engine.types import DEFAULT_TIMEZONE, Role, User

ATTEMPT_WINDOW = timedelta(minutes=15)
# Failures of one account from one address within the window before that pair is refused;
# the right password from another address still works, so no one can lock anyone out.
MAX_FAILURES_PER_PAIR = 5
# Failures from one address, whatever the accounts, before the address is refused.
MAX_FAILURES_PER_CLIENT = 30
# From the third failure of a pair on, its answers come this much later per failure.
SLOW_AFTER_FAILURES = 2
SLOW_DOWN_SECONDS = 0.25

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
    ("helpdesk2.lkpp", "Helpdesk LKPP 2", Role.HELPDESK, None),
    ("admin.sistem", "Administrator Sistem", Role.ADMINISTRATOR, None),
)


def to_user(row: UserRow, lpse_name: str | None,
            lpse_timezone: str = DEFAULT_TIMEZONE) -> User:
    """The engine's view of a user row."""
    return User(id=row.id, username=row.username, full_name=row.full_name, role=Role(row.role),
                lpse_id=row.lpse_id, lpse=lpse_name, lpse_timezone=lpse_timezone)


def user_of_row(session: Session, row: UserRow) -> User:
    """The engine's view of a user row, with its LPSE's name and zone."""
    if row.lpse_id is None:
        return to_user(row, None)
    names = repository.lpse_names(session, {row.lpse_id})
    return to_user(row, names.get(row.lpse_id), repository.lpse_zone(session, row.lpse_id))


def get_user(uow: UnitOfWork, username: str) -> User:
    """The active user with this username; NotFound otherwise."""
    with uow:
        row = repository.user_by_username(uow.session, username)
        if row is None or not row.active:
            raise NotFound(Message("user_not_found", username=username))
        return user_of_row(uow.session, row)


def _attempt_key(kind: str, *parts: str) -> str:
    # Hashed: any username or forwarded address fits the column, U+0000 included.
    return f"{kind}:" + hashlib.sha256("\n".join(parts).encode("utf-8", "replace")).hexdigest()


def authenticate(uow: UnitOfWork, username: str, password: str,
                 client: str = "") -> User | None:
    """The user if the password is right, else None (the same answer, in the same time,
    for unknown users: their password is checked against a dummy hash).

    Failures are counted per (account, client address) and per address. From the third
    failure of a pair its answers slow down; after MAX_FAILURES_PER_PAIR the pair, and after
    MAX_FAILURES_PER_CLIENT the address, is refused with TooManyAttempts for the window.
    The right password from another address still works. A stored hash of an older method
    is replaced at a successful sign-in.
    """
    pair = _attempt_key("pair", username.lower(), client)
    address = _attempt_key("client", client)
    now = datetime.now(UTC)
    since = now - ATTEMPT_WINDOW
    with uow:
        session = uow.session
        failures: Counter[str] = Counter({key: count for key, count in session.execute(
            select(SignInAttemptRow.key, func.count()).where(
                SignInAttemptRow.key.in_((pair, address)), SignInAttemptRow.at >= since)
            .group_by(SignInAttemptRow.key))})
        if failures[pair] >= MAX_FAILURES_PER_PAIR or failures[address] >= MAX_FAILURES_PER_CLIENT:
            raise TooManyAttempts(Message("too_many_sign_ins"))
        row = repository.user_by_username(session, username)
        stored = row.password_hash if row is not None and row.active else None
        matches = check_password(stored, password)  # hashed even for unknown users
        if row is None or not matches:
            session.add_all([SignInAttemptRow(key=pair, at=now),
                             SignInAttemptRow(key=address, at=now)])
            session.execute(delete(SignInAttemptRow).where(SignInAttemptRow.at < since))
            uow.commit()
            _slow_down(failures[pair] + 1)
            return None
        if needs_rehash(stored):
            row.password_hash = hash_password(password)
        session.execute(delete(SignInAttemptRow).where(SignInAttemptRow.key == pair))
        user = user_of_row(session, row)
        uow.commit()
        return user


def _slow_down(failures: int) -> None:
    if failures > SLOW_AFTER_FAILURES:
        time.sleep(SLOW_DOWN_SECONDS * (failures - SLOW_AFTER_FAILURES))


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
