"""The LPSE directory: list, add, edit, and import a CSV (all rows or none).

Only administrators change it; every change is an event of the `people` stream
(`lpse_added`, `lpse_updated`, the LPSE as it became), so `eskalasi verify --all` can tell
an edited directory from the one that was recorded.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.orm import Session

from engine.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.evidence import journal
from engine.messages import Message
from engine.people.csv_files import CsvFile, valid_email
from engine.people.races import retry_on_race
from engine.persistence.tables import LpseRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.types import EventType, ImportResult, Lpse, Problem, Role, User

ZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}
CODE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
NAME_LIMIT = 200
LPSE_COLUMNS = ("kode", "nama", "zona_waktu")
LPSE_OPTIONAL = ("email",)


def require_administrator(actor: User) -> None:
    """Forbidden unless the actor is an administrator."""
    if actor.role is not Role.ADMINISTRATOR:
        raise Forbidden(Message("only_administrator"))


def parse_zone(value: str) -> str | None:
    """WIB, WITA, WIT (any case) or an IANA zone name, as the IANA name; None if unknown."""
    text = value.strip()
    if text.upper() in ZONES:
        return ZONES[text.upper()]
    if "/" not in text or text not in _zone_names():
        return None
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return text


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


@dataclass(frozen=True)
class LpseInput:
    """An LPSE as typed or read from a row, checked field by field."""

    code: str
    name: str
    timezone: str
    email: str | None


def check_lpse(code: str, name: str, zone: str, email: str) -> tuple[LpseInput | None,
                                                                   dict[str, list[str]]]:
    """The LPSE, or the problems of each field (kode, nama, zona_waktu, email)."""
    errors: dict[str, list[str]] = {}
    code, name, email = code.strip(), " ".join(name.split()), email.strip()
    if not CODE.match(code):
        errors["kode"] = [Message("lpse_code_invalid", code=code[:80])]
    if not name:
        errors["nama"] = [Message("lpse_name_empty")]
    elif len(name) > NAME_LIMIT:
        errors["nama"] = [Message("value_too_long", field="nama", limit=NAME_LIMIT)]
    timezone = parse_zone(zone)
    if timezone is None:
        errors["zona_waktu"] = [Message("zone_unknown", zone=zone.strip()[:80])]
    if email and not valid_email(email):
        errors["email"] = [Message("email_invalid", email=email[:200])]
    if errors or timezone is None:
        return None, errors
    return LpseInput(code, name, timezone, email or None), {}


def to_lpse(row: LpseRow) -> Lpse:
    """The directory's view of a row."""
    return Lpse(code=row.code, name=row.name, timezone=row.timezone, email=row.email)


def _event_data(row: LpseRow | LpseInput) -> dict[str, object]:
    return {"kode": row.code, "nama": row.name, "zona_waktu": row.timezone,
            "email": row.email}


def _record(session: Session, actor: User, changes: list[tuple[str, dict[str, object]]]) -> None:
    journal.append_to_people(session, actor=actor.username, role=actor.role.value,
                             changes=changes)


def list_directory(uow: UnitOfWork, actor: User, search: str = "", limit: int = 50,
                   offset: int = 0) -> tuple[list[Lpse], int]:
    """LPSEs whose kode or name contains `search`, by name, one page; and how many match."""
    require_administrator(actor)
    condition = _matching(search)
    with uow:
        session = uow.session
        total = session.scalar(select(func.count()).select_from(LpseRow).where(condition)) or 0
        rows = session.scalars(select(LpseRow).where(condition).order_by(LpseRow.name,
                                                                          LpseRow.code)
                               .limit(limit).offset(offset))
        return [to_lpse(row) for row in rows], int(total)


def _matching(search: str) -> ColumnElement[bool]:
    """Every word of `search` in the kode or the name (any case)."""
    words = search.replace("\x00", "").lower().split()[:10]
    return and_(true(), *[or_(func.lower(LpseRow.name).contains(word, autoescape=True),
                              LpseRow.code.contains(word, autoescape=True))
                          for word in words])


def get_lpse(uow: UnitOfWork, actor: User, code: str) -> Lpse:
    """One LPSE of the directory by its kode."""
    require_administrator(actor)
    with uow:
        row = _by_code(uow.session, code)
        return to_lpse(row)


def _by_code(session: Session, code: str) -> LpseRow:
    row = session.scalar(select(LpseRow).where(LpseRow.code == code.replace("\x00", "")))
    if row is None:
        raise NotFound(Message("lpse_not_found", code=code[:80]))
    return row


def add_lpse(uow: UnitOfWork, actor: User, code: str, name: str, timezone: str,
             email: str = "") -> Lpse:
    """Add an LPSE to the directory (Conflict when its kode is taken)."""
    require_administrator(actor)
    checked, errors = check_lpse(code, name, timezone, email)
    if checked is None:
        raise InvalidData(errors)
    return retry_on_race(lambda: _add_lpse(uow, actor, checked))


def _add_lpse(uow: UnitOfWork, actor: User, checked: LpseInput) -> Lpse:
    with uow:
        session = uow.session
        if session.scalar(select(LpseRow.id).where(LpseRow.code == checked.code)) is not None:
            raise Conflict(Message("lpse_code_taken", code=checked.code))
        row = LpseRow(code=checked.code, name=checked.name, timezone=checked.timezone,
                      email=checked.email)
        session.add(row)
        session.flush()
        _record(session, actor, [(EventType.LPSE_ADDED.value, _event_data(row))])
        uow.commit()
        return to_lpse(row)


def edit_lpse(uow: UnitOfWork, actor: User, code: str, name: str, timezone: str,
              email: str = "") -> Lpse:
    """Change an LPSE's name, time zone and helpdesk email (its kode stays)."""
    require_administrator(actor)
    return retry_on_race(lambda: _edit_lpse(uow, actor, code, name, timezone, email))


def _edit_lpse(uow: UnitOfWork, actor: User, code: str, name: str, timezone: str,
               email: str) -> Lpse:
    with uow:
        session = uow.session
        row = _by_code(session, code)
        checked, errors = check_lpse(row.code, name, timezone, email)
        if checked is None:
            raise InvalidData(errors)
        if _event_data(row) != _event_data(checked):
            row.name, row.timezone, row.email = checked.name, checked.timezone, checked.email
            _record(session, actor, [(EventType.LPSE_UPDATED.value, _event_data(row))])
        uow.commit()
        return to_lpse(row)


def read_lpse_file(stream: IO[bytes]) -> tuple[list[tuple[int, LpseInput]], list[Problem]]:
    """The rows of a directory CSV, checked, or the problems by line (duplicates too)."""
    source = CsvFile(stream, LPSE_COLUMNS, LPSE_OPTIONAL)
    rows: list[tuple[int, LpseInput]] = []
    seen: dict[str, int] = {}
    for record in source:
        values = record.values
        checked, errors = check_lpse(values["kode"], values["nama"], values["zona_waktu"],
                                     values.get("email", ""))
        source.field_problems(record.line, errors)
        if checked is None:
            continue
        if checked.code in seen:
            source.problem(record.line, Message("lpse_code_duplicate", code=checked.code,
                                                line=seen[checked.code]))
            continue
        seen[checked.code] = record.line
        rows.append((record.line, checked))
    return rows, source.problems


def import_directory(uow: UnitOfWork, actor: User, stream: IO[bytes],
                     apply: bool = True) -> ImportResult:
    """Add or update LPSEs by kode from a CSV: all rows or none. With `apply` False, only
    say what would change (the preview). Rows already as the file says change nothing."""
    require_administrator(actor)
    rows, problems = read_lpse_file(stream)
    if problems:
        return ImportResult(problems=tuple(problems))
    return retry_on_race(lambda: _apply_directory(uow, actor, [row for _line, row in rows],
                                                  apply))


def _apply_directory(uow: UnitOfWork, actor: User, rows: Iterable[LpseInput],
                     apply: bool) -> ImportResult:
    added: list[str] = []
    updated: list[str] = []
    unchanged = 0
    changes: list[tuple[str, dict[str, object]]] = []
    with uow:
        session = uow.session
        existing = {row.code: row for row in session.scalars(select(LpseRow))}
        new_rows: list[LpseRow] = []
        for item in rows:
            row = existing.get(item.code)
            if row is None:
                added.append(item.code)
                new_rows.append(LpseRow(code=item.code, name=item.name, timezone=item.timezone,
                                        email=item.email))
                changes.append((EventType.LPSE_ADDED.value, _event_data(item)))
            elif _event_data(row) != _event_data(item):
                updated.append(item.code)
                row.name, row.timezone, row.email = item.name, item.timezone, item.email
                changes.append((EventType.LPSE_UPDATED.value, _event_data(item)))
            else:
                unchanged += 1
        if not apply:
            return ImportResult(tuple(added), tuple(updated), unchanged)
        session.add_all(new_rows)
        session.flush()
        _record(session, actor, changes)
        uow.commit()
    return ImportResult(tuple(added), tuple(updated), unchanged, applied=True)
