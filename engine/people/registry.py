"""Accounts: add, deactivate, list, invite again, and import a CSV (all rows or none).

Who may: an administrator every account; an Admin LPSE only the Pengguna SPSE of their own
LPSE; nobody else. Every change is an event of the `people` stream (`user_added`,
`user_updated`, `user_deactivated`, the account as it became), and every new account gets
an invitation mail to set its password.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from sqlalchemy import ColumnElement, and_, func, insert, or_, select, true
from sqlalchemy.orm import Session

from engine.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.evidence import journal
from engine.messages import Message
from engine.people import invitations, sessions
from engine.people.csv_files import CsvFile, valid_email
from engine.people.directory import require_administrator
from engine.people.races import retry_on_race
from engine.persistence.tables import LpseRow, UserRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.settings import Settings
from engine.types import Account, EventType, ImportResult, Problem, Role, User

# The words of CONTRACT.md's `peran` column and of `eskalasi user add --role`.
ROLE_WORDS: dict[str, Role] = {
    "pengguna": Role.PENGGUNA,
    "admin_lpse": Role.ADMIN,
    "helpdesk": Role.HELPDESK,
    "pemilik_proses": Role.PROCESS_OWNER,
    "auditor": Role.AUDITOR,
    "administrator": Role.ADMINISTRATOR,
}
WORD_OF_ROLE = {role: word for word, role in ROLE_WORDS.items()}
LOCAL_ROLES = frozenset({Role.PENGGUNA, Role.ADMIN})
USERNAME = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,98}[a-z0-9])?$")
NAME_LIMIT = 200
USER_COLUMNS = ("username", "nama", "email", "peran", "lpse")


def parse_role(value: str) -> Role | None:
    """A role from its `peran` word or its name (`Admin LPSE`), any case; None if unknown."""
    text = value.strip().lower()
    if text in ROLE_WORDS:
        return ROLE_WORDS[text]
    return next((role for role in Role if role.value.lower() == text), None)


def command_line_administrator(name: str) -> User:
    """The operator at the command line, acting as an administrator (for the audit)."""
    return User(id=0, username=name, full_name=name, role=Role.ADMINISTRATOR)


@dataclass(frozen=True)
class AccountInput:
    """An account as typed or read from a row, checked field by field."""

    username: str
    name: str
    email: str
    role: Role
    lpse_code: str | None


def check_account(username: str, name: str, email: str, role: str | Role,
                  lpse_code: str | None) -> tuple[AccountInput | None, dict[str, list[str]]]:
    """The account, or the problems of each field (username, name, email, role, lpse)."""
    errors: dict[str, list[str]] = {}
    username, name, email = username.strip(), " ".join(name.split()), email.strip()
    code = (lpse_code or "").strip() or None
    if not USERNAME.match(username):
        errors["username"] = [Message("username_invalid", username=username[:100])]
    if not name:
        errors["name"] = [Message("user_name_empty")]
    elif len(name) > NAME_LIMIT:
        errors["name"] = [Message("value_too_long", field="nama", limit=NAME_LIMIT)]
    if not email:
        errors["email"] = [Message("email_required")]
    elif not valid_email(email):
        errors["email"] = [Message("email_invalid", email=email[:200])]
    parsed = role if isinstance(role, Role) else parse_role(role)
    if parsed is None:
        errors["role"] = [Message("role_unknown", role=str(role)[:80],
                                  roles=", ".join(ROLE_WORDS))]
    elif parsed in LOCAL_ROLES and code is None:
        errors["lpse"] = [Message("lpse_required", role=WORD_OF_ROLE[parsed])]
    elif parsed not in LOCAL_ROLES and code is not None:
        errors["lpse"] = [Message("lpse_not_for_role", role=WORD_OF_ROLE[parsed])]
    if errors or parsed is None:
        return None, errors
    return AccountInput(username, name, email, parsed, code), {}


def to_account(row: UserRow, lpse: LpseRow | None) -> Account:
    """The administrators' view of an account row."""
    return Account(username=row.username, name=row.full_name, email=row.email,
                   role=Role(row.role), lpse=lpse.name if lpse else None,
                   lpse_code=lpse.code if lpse else None, active=row.active)


def _event_data(item: AccountInput | UserRow, lpse_code: str | None) -> dict[str, Any]:
    if isinstance(item, UserRow):
        return {"username": item.username, "name": item.full_name, "email": item.email,
                "role": item.role, "lpse": lpse_code}
    return {"username": item.username, "name": item.name, "email": item.email,
            "role": item.role.value, "lpse": lpse_code}


def _record(session: Session, actor: User, changes: list[tuple[str, dict[str, Any]]]) -> None:
    journal.append_to_people(session, actor=actor.username, role=actor.role.value,
                             changes=changes)


def _may_manage_accounts(actor: User) -> None:
    """Administrators and Admin LPSE manage accounts; everyone else is refused."""
    if actor.role not in (Role.ADMINISTRATOR, Role.ADMIN):
        raise Forbidden(Message("only_administrator"))


def _may_manage(actor: User, role: Role, lpse_id: int | None) -> None:
    """An Admin LPSE manages only the Pengguna SPSE of their own LPSE."""
    _may_manage_accounts(actor)
    if actor.role is Role.ADMIN and (role is not Role.PENGGUNA or lpse_id != actor.lpse_id
                                     or lpse_id is None):
        raise Forbidden(Message("admin_only_own_pengguna"))


def _own_lpse_code(session: Session, actor: User) -> str | None:
    if actor.lpse_id is None:
        return None
    return session.scalar(select(LpseRow.code).where(LpseRow.id == actor.lpse_id))


def _lpse_of(session: Session, code: str | None) -> LpseRow | None:
    if code is None:
        return None
    return session.scalar(select(LpseRow).where(LpseRow.code == code.replace("\x00", "")))


def _invite(session: Session, rows: Sequence[UserRow], settings: Settings | None) -> None:
    """Every new account gets an invitation mail (a single-use link to set its password),
    in the caller's transaction."""
    for row in rows:
        invitations.send_invitation(session, row, settings or Settings())


def _invite_many(session: Session, usernames: Sequence[str], settings: Settings | None) -> None:
    """Invite the imported accounts, a thousand at a time (set-based, not row by row)."""
    session.flush()
    for start in range(0, len(usernames), 1000):
        found = session.execute(select(UserRow.id, UserRow.username, UserRow.full_name,
                                       UserRow.email).where(
            UserRow.username.in_(usernames[start:start + 1000]))).all()
        # Detached copies of the rows: what the invitation reads, nothing to flush.
        invitations.send_invitations(session, [
            UserRow(id=user.id, username=user.username, full_name=user.full_name,
                    email=user.email) for user in found], settings or Settings())


def add_user(uow: UnitOfWork, actor: User, username: str, name: str, email: str,
             role: str | Role, lpse_code: str | None = None,
             settings: Settings | None = None) -> Account:
    """Add an account and send its invitation. Forbidden, InvalidData (by field), or
    Conflict when the username is taken."""
    return retry_on_race(lambda: _add_user(uow, actor, username, name, email, role,
                                           lpse_code, settings))


def _add_user(uow: UnitOfWork, actor: User, username: str, name: str, email: str,
              role: str | Role, lpse_code: str | None, settings: Settings | None) -> Account:
    _may_manage_accounts(actor)
    with uow:
        session = uow.session
        if actor.role is Role.ADMIN:
            # Refused before any field is judged: an Admin LPSE adds Pengguna SPSE only.
            own = _own_lpse_code(session, actor)
            lpse_code = (lpse_code or "").strip() or own
            parsed = role if isinstance(role, Role) else parse_role(role)
            if (parsed is not None and parsed is not Role.PENGGUNA) or lpse_code != own:
                raise Forbidden(Message("admin_only_own_pengguna"))
        checked, errors = check_account(username, name, email, role, lpse_code)
        if checked is None:
            raise InvalidData(errors)
        lpse = _lpse_of(session, checked.lpse_code)
        if checked.lpse_code is not None and lpse is None:
            raise InvalidData({"lpse": [Message("lpse_unknown", code=checked.lpse_code)]})
        _may_manage(actor, checked.role, lpse.id if lpse else None)
        if session.scalar(select(UserRow.id).where(
                func.lower(UserRow.username) == checked.username)) is not None:
            raise Conflict(Message("username_taken", username=checked.username))
        holder = _email_holder(session, checked.email)
        if holder is not None:
            raise InvalidData({"email": [Message("email_taken", email=checked.email,
                                                 username=holder)]})
        row = UserRow(username=checked.username, full_name=checked.name, email=checked.email,
                      role=checked.role.value, lpse_id=lpse.id if lpse else None,
                      password_hash=None, active=True)
        session.add(row)
        session.flush()
        _record(session, actor, [(EventType.USER_ADDED.value,
                                  _event_data(checked, checked.lpse_code))])
        _invite(session, [row], settings)
        uow.commit()
        return to_account(row, lpse)


def _email_holder(session: Session, email: str, other_than: str = "") -> str | None:
    """The username of another account with this address (any case), if any."""
    return session.scalar(select(UserRow.username).where(
        func.lower(UserRow.email) == email.lower(), UserRow.username != other_than).limit(1))


def _managed_row(session: Session, actor: User, username: str) -> tuple[UserRow, LpseRow | None]:
    _may_manage_accounts(actor)
    row = session.scalar(select(UserRow).where(UserRow.username == username.replace("\x00", "")))
    if row is None:
        raise NotFound(Message("user_not_found", username=username[:100]))
    _may_manage(actor, Role(row.role), row.lpse_id)
    lpse = session.get(LpseRow, row.lpse_id) if row.lpse_id is not None else None
    return row, lpse


def deactivate_account(uow: UnitOfWork, actor: User, username: str) -> Account:
    """Deactivate an account: its sessions and tokens end at once (already inactive: no
    change)."""
    return retry_on_race(lambda: _deactivate_account(uow, actor, username))


def _deactivate_account(uow: UnitOfWork, actor: User, username: str) -> Account:
    with uow:
        session = uow.session
        row, lpse = _managed_row(session, actor, username)
        if row.username == actor.username:
            raise Forbidden(Message("cannot_deactivate_self"))
        if row.active:
            row.active = False
            sessions.end_user_sessions(uow, row.id)
            _record(session, actor, [(EventType.USER_DEACTIVATED.value,
                                      _event_data(row, lpse.code if lpse else None))])
        uow.commit()
        return to_account(row, lpse)


def invite_again(uow: UnitOfWork, actor: User, username: str,
                 settings: Settings | None = None) -> Account:
    """Send an active account a new invitation mail."""
    with uow:
        row, lpse = _managed_row(uow.session, actor, username)
        if not row.active:
            raise Conflict(Message("user_inactive", username=row.username))
        _invite(uow.session, [row], settings)
        uow.commit()
        return to_account(row, lpse)


def get_account(uow: UnitOfWork, actor: User, username: str) -> Account:
    """One account the actor manages."""
    with uow:
        row, lpse = _managed_row(uow.session, actor, username)
        return to_account(row, lpse)


def list_accounts(uow: UnitOfWork, actor: User, search: str = "", role: Role | None = None,
                  lpse_code: str | None = None, limit: int = 50,
                  offset: int = 0) -> tuple[list[Account], int]:
    """The accounts the actor manages whose username, name or email contains every word of
    `search`, optionally of one role and LPSE, by username; one page, and how many match.
    An Admin LPSE sees the Pengguna SPSE of their own LPSE only."""
    _may_manage_accounts(actor)
    conditions: list[ColumnElement[bool]] = [true()]
    for word in search.replace("\x00", "").lower().split()[:10]:
        conditions.append(or_(UserRow.username.contains(word, autoescape=True),
                              func.lower(UserRow.full_name).contains(word, autoescape=True),
                              func.lower(UserRow.email).contains(word, autoescape=True)))
    if actor.role is Role.ADMIN:
        conditions += [UserRow.role == Role.PENGGUNA.value, UserRow.lpse_id == actor.lpse_id]
    else:
        if role is not None:
            conditions.append(UserRow.role == role.value)
        if lpse_code:
            conditions.append(LpseRow.code == lpse_code.replace("\x00", ""))
    where = and_(*conditions)
    with uow:
        session = uow.session
        base = select(UserRow, LpseRow).outerjoin(LpseRow, LpseRow.id == UserRow.lpse_id)
        total = session.scalar(select(func.count()).select_from(
            base.where(where).subquery())) or 0
        rows = session.execute(base.where(where).order_by(UserRow.username)
                               .limit(limit).offset(offset)).all()
        return [to_account(user, lpse) for user, lpse in rows], int(total)


def read_accounts_file(stream: IO[bytes]) -> tuple[list[tuple[int, AccountInput]],
                                                   list[Problem]]:
    """The rows of an accounts CSV, checked, or the problems by line (duplicates too)."""
    source = CsvFile(stream, USER_COLUMNS)
    rows: list[tuple[int, AccountInput]] = []
    usernames: dict[str, int] = {}
    emails: dict[str, int] = {}
    for record in source:
        values = record.values
        checked, errors = check_account(values["username"], values["nama"], values["email"],
                                        values["peran"], values["lpse"])
        source.field_problems(record.line, errors)
        if checked is None:
            continue
        if checked.username in usernames:
            source.problem(record.line, Message("username_duplicate", username=checked.username,
                                                line=usernames[checked.username]))
            continue
        if checked.email.lower() in emails:
            source.problem(record.line, Message("email_duplicate", email=checked.email,
                                                line=emails[checked.email.lower()]))
            continue
        usernames[checked.username] = emails[checked.email.lower()] = record.line
        rows.append((record.line, checked))
    return rows, source.problems


@dataclass
class _Plan:
    """What an accounts import changes: new accounts, updated usernames, events, problems."""

    added: list[AccountInput]
    updated: list[str]
    changes: list[tuple[str, dict[str, Any]]]
    problems: list[Problem]


def _plan_accounts(session: Session, rows: list[tuple[int, AccountInput]],
                   lpse_ids: dict[str, int]) -> _Plan:
    """Compare the rows with the accounts; the updates are made on the session's rows."""
    existing = {row.username: row for row in session.scalars(select(UserRow))}
    holders = {row.email.lower(): row.username for row in existing.values() if row.email}
    codes = {lpse_id: code for code, lpse_id in lpse_ids.items()}
    plan = _Plan([], [], [], [])
    for line, item in rows:
        lpse_id = lpse_ids.get(item.lpse_code) if item.lpse_code else None
        holder = holders.get(item.email.lower())
        if item.lpse_code is not None and lpse_id is None:
            plan.problems.append(Problem(line, Message("lpse_unknown", code=item.lpse_code)))
            continue
        if holder is not None and holder != item.username:
            plan.problems.append(Problem(line, Message("email_taken", email=item.email,
                                                       username=holder)))
            continue
        row = existing.get(item.username)
        data = _event_data(item, item.lpse_code)
        if row is None:
            plan.added.append(item)
            plan.changes.append((EventType.USER_ADDED.value, data))
        elif _event_data(row, codes.get(row.lpse_id or 0)) != data:
            plan.updated.append(item.username)
            plan.changes.append((EventType.USER_UPDATED.value, data))
            row.full_name, row.email = item.name, item.email
            row.role, row.lpse_id = item.role.value, lpse_id
    return plan


def import_accounts(uow: UnitOfWork, actor: User, stream: IO[bytes], apply: bool = True,
                    settings: Settings | None = None) -> ImportResult:
    """Add or update accounts by username from a CSV: all rows or none (administrators).
    New accounts are invited. With `apply` False, only say what would change."""
    require_administrator(actor)
    rows, problems = read_accounts_file(stream)
    if problems:
        return ImportResult(problems=tuple(problems))
    return retry_on_race(lambda: _import_accounts(uow, actor, rows, apply, settings))


def _import_accounts(uow: UnitOfWork, actor: User, rows: list[tuple[int, AccountInput]],
                     apply: bool, settings: Settings | None) -> ImportResult:
    with uow:
        session = uow.session
        lpse_ids = {code: lpse_id for code, lpse_id in session.execute(
            select(LpseRow.code, LpseRow.id))}
        plan = _plan_accounts(session, rows, lpse_ids)
        if plan.problems:
            return ImportResult(problems=tuple(plan.problems))
        result = ImportResult(tuple(item.username for item in plan.added), tuple(plan.updated),
                              len(rows) - len(plan.added) - len(plan.updated))
        if not apply:
            return result
        for start in range(0, len(plan.added), 1000):
            session.execute(insert(UserRow), [
                {"username": item.username, "full_name": item.name, "email": item.email,
                 "role": item.role.value, "active": True, "password_hash": None,
                 "lpse_id": lpse_ids.get(item.lpse_code) if item.lpse_code else None}
                for item in plan.added[start:start + 1000]])
        session.flush()
        _record(session, actor, plan.changes)
        _invite_many(session, [item.username for item in plan.added], settings)
        uow.commit()
    return ImportResult(result.added, result.updated, result.unchanged, applied=True)
