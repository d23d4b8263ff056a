"""How values look on the pages: local dates, due times, ages, roles, statuses, values."""

from __future__ import annotations

import contextlib
import html
import re
from datetime import UTC, datetime
from typing import Any

from flask_babel import format_date, format_time, format_timedelta, get_locale, gettext, ngettext

import engine
from engine import Role
from web.extensions import _

# A date-time as a date-time form field stores it (RFC 3339 with a zone designator).
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
# A timer's label as the process editor writes it: name="Batas waktu 4h".
LIMIT_LABEL = re.compile(r'(<bpmn:boundaryEvent\b[^>]*?\bname=")Batas waktu ([^"<>]{1,10})"')


def _moment(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def translated(value: Any) -> str:
    """What the engine said (a `Message`: code and parameters) in the user's language;
    other text as it is."""
    if value is None:
        return ""
    return engine.render_message(value if isinstance(value, str) else str(value), _plain)


def _plain(template: str) -> str:
    """A catalog template in the user's language, its parameters not yet filled in."""
    return str(gettext(template))


def english() -> bool:
    """Whether the page speaks English (the owners' English texts are shown then)."""
    locale = get_locale()
    return locale is not None and locale.language == "en"


def in_english(indonesian: str, english_text: str = "") -> str:
    """A name the diagram gives in Indonesian, and maybe in English (`nameEn`,
    `x-title-en`): the English on English pages when there is one."""
    return english_text if english_text and english() else indonesian


def when(value: datetime | str | None) -> str:
    """A moment in the user's language and the default (WIB) time zone; "—" for none."""
    if value is None or value == "":
        return "—"
    moment = _moment(value)
    return _("%(date)s, %(time)s", date=format_date(moment, "medium"),
             time=format_time(moment, "short"))


def local_when(value: datetime | str | None, timezone: str | None) -> str:
    """A moment in an LPSE's own time zone as people write it ("3 Des 2026 23.30 WIB"),
    labelled WIB, WITA or WIT; "—" for none."""
    if value is None or value == "":
        return "—"
    moment = engine.local_time(_moment(value), timezone)
    return _("%(date)s %(time)s %(zone)s", date=format_date(moment, "medium", rebase=False),
             time=format_time(moment, "short", rebase=False), zone=engine.zone_label(timezone))


def due_time(task: engine.Task) -> str:
    """A task's due time in its LPSE's own time zone, labelled WIB, WITA or WIT."""
    return local_when(task.due_at, task.lpse_timezone)


def time_limit(value: str) -> str:
    """A step's time limit in words: `8h` as "8 jam kerja", `2d` as "2 hari kerja"."""
    try:
        limit = engine.parse_time_limit(value or "")
    except ValueError:
        return value
    if limit is None:
        return value
    number = limit.amount
    if limit.unit == engine.TimeUnit.HOURS:
        return str(ngettext("%(num)s jam kerja", "%(num)s jam kerja", number))
    if limit.unit == engine.TimeUnit.MINUTES:
        return str(ngettext("%(num)s menit kerja", "%(num)s menit kerja", number))
    return str(ngettext("%(num)s hari kerja", "%(num)s hari kerja", number))


def readable_limits(bpmn_xml: str) -> str:
    """A diagram to show people: its timers' labels say their limit in words ("Batas waktu
    4 jam kerja", as the editor writes "Batas waktu 4h"); everything else as it is."""
    def words(found: re.Match[str]) -> str:
        limit = time_limit(found.group(2))
        if limit == found.group(2):  # not a time limit: the owners' own words
            return found.group(0)
        return found.group(1) + html.escape(str(_("Batas waktu %(limit)s", limit=limit)),
                                            quote=True) + '"'
    return LIMIT_LABEL.sub(words, bpmn_xml)


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
        Role.ADMINISTRATOR.value: _("Administrator"),
        "system": _("Sistem"),  # timers fired by `eskalasi worker`
    }
    key = role.value if isinstance(role, Role) else str(role)
    return labels.get(key, key)


def status_label(status: str) -> str:
    """A ticket's status."""
    labels: dict[str, str] = {engine.TicketStatus.OPEN: _("Terbuka"),
                              engine.TicketStatus.CLOSED: _("Ditutup"),
                              engine.TicketStatus.CANCELLED: _("Dibatalkan")}
    return labels.get(status, status)


def read_kind(what: str) -> str:
    """What an auditor read, as the read log names it (`history`, `export-csv`, ...)."""
    labels: dict[str, str] = {
        engine.ReadKind.HISTORY: _("Riwayat tiket"),
        engine.ReadKind.REPLAY: _("Putar ulang"),
        engine.ReadKind.EXPORT_JSON: _("Ekspor JSON"),
        engine.ReadKind.EXPORT_CSV: _("Ekspor CSV"),
        engine.ReadKind.EXPORT_RANGE_CSV: _("Ekspor CSV rentang tanggal"),
        engine.ReadKind.TICKET_PAGE: _("Halaman tiket"),
        engine.ReadKind.EVENTS_API: _("Peristiwa lewat API"),
        engine.ReadKind.ATTACHMENT: _("Berkas lampiran"),
        engine.ReadKind.PRINT: _("Cetak"),
        engine.ReadKind.REQUEST_PAGE: _("Halaman permintaan"),
        engine.ReadKind.EXPORT_RANGE_XLSX: _("Ekspor Excel rentang tanggal"),
        engine.ReadKind.EVENT_LOG: _("Log peristiwa (XES/OCEL)"),
    }
    return labels.get(what, what)


def field_value(value: Any, timezone: str | None = None) -> str:
    """A submitted value as text: booleans as Ya/Tidak, lists joined; a date-time (RFC 3339,
    as date-time fields are stored) as people write it, in the ticket's `timezone` (WIB when
    none is given), never as `2026-12-03T23:30:00+07:00`."""
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(field_value(item, timezone) for item in value)
    if isinstance(value, str) and DATE_TIME.match(value):
        with contextlib.suppress(ValueError):  # not a real date: shown as it was typed
            return local_when(value, timezone or engine.DEFAULT_TIMEZONE)
    return str(value)


def filesize(size: int) -> str:
    """Bytes as B, KB or MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


FILTERS = {
    "translated": translated,
    "in_english": in_english,
    "when": when,
    "local_when": local_when,
    "due_time": due_time,
    "time_limit": time_limit,
    "age": age,
    "overdue": overdue,
    "role_label": role_label,
    "status_label": status_label,
    "read_kind": read_kind,
    "field_value": field_value,
    "filesize": filesize,
}
