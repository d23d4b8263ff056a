"""How values look on the pages: local dates, due times, ages, roles, statuses, values."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from flask_babel import format_date, format_time, format_timedelta

import engine
from engine import Role
from web.extensions import _

TIME_LIMIT = re.compile(r"^\s*([0-9]+)\s*([hd])\s*$")


def _moment(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def when(value: datetime | str | None) -> str:
    """A moment in the user's language and the Asia/Jakarta time zone; "—" for none."""
    if value is None or value == "":
        return "—"
    moment = _moment(value)
    return _("%(date)s, %(time)s", date=format_date(moment, "medium"),
             time=format_time(moment, "short"))


def due_time(task: engine.Task) -> str:
    """A task's due time in its LPSE's own time zone, labelled WIB, WITA or WIT."""
    if task.due_at is None:
        return "—"
    moment = engine.local_time(_moment(task.due_at), task.lpse_timezone)
    return _("%(date)s, %(time)s %(zone)s", date=format_date(moment, "medium", rebase=False),
             time=format_time(moment, "short", rebase=False),
             zone=engine.zone_label(task.lpse_timezone))


def time_limit(value: str) -> str:
    """A step's time limit in words: `8h` as "8 jam kerja", `2d` as "2 hari kerja"."""
    found = TIME_LIMIT.match(value or "")
    if not found:
        return value
    number = int(found.group(1))
    if found.group(2) == "h":
        return _("%(number)s jam kerja", number=number)
    return _("%(number)s hari kerja", number=number)


def age(value: datetime, now: datetime | None = None) -> str:
    """How long ago, e.g. "2 jam"."""
    return str(format_timedelta((now or datetime.now(UTC)) - _moment(value)))


def overdue(value: datetime | str | None) -> bool:
    """Whether a due time has passed."""
    return value is not None and value != "" and _moment(value) < datetime.now(UTC)


def role_label(role: Role | str) -> str:
    """A role as people call it (Indonesian labels; English on the switch)."""
    labels = {
        Role.PENGGUNA.value: _("Pengguna SPSE"),
        Role.ADMIN.value: _("Admin LPSE"),
        Role.HELPDESK.value: _("Helpdesk LKPP"),
        Role.PROCESS_OWNER.value: _("Pemilik Proses"),
        Role.AUDITOR.value: _("Auditor"),
        "system": _("Sistem"),  # timers fired by `eskalasi worker`
    }
    key = role.value if isinstance(role, Role) else str(role)
    return labels.get(key, key)


def status_label(status: str) -> str:
    """A ticket's status."""
    return {"open": _("Terbuka"), "closed": _("Ditutup")}.get(status, status)


def field_value(value: Any) -> str:
    """A submitted value as text: booleans as Ya/Tidak, lists joined."""
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(field_value(item) for item in value)
    return str(value)


def filesize(size: int) -> str:
    """Bytes as B, KB or MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


FILTERS = {
    "when": when,
    "due_time": due_time,
    "time_limit": time_limit,
    "age": age,
    "overdue": overdue,
    "role_label": role_label,
    "status_label": status_label,
    "field_value": field_value,
    "filesize": filesize,
}
