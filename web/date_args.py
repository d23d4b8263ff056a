"""A date range in a request's query string (ISO dates, either end may be left out), read
the same way by the pages and the API."""

from __future__ import annotations

from datetime import date

from flask import request

from web.extensions import _


def _day(name: str, errors: dict[str, str]) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 9000:
        errors[name] = _("Tanggal tidak dikenali: tulis seperti 2026-12-31.")
        return None
    return day


def date_range(from_name: str, to_name: str) -> tuple[date | None, date | None, dict[str, str]]:
    """The arguments `from_name` and `to_name` as dates (None when absent or wrong), and what
    is wrong with them by argument name (a date not understood; an end before the start)."""
    errors: dict[str, str] = {}
    date_from, date_to = _day(from_name, errors), _day(to_name, errors)
    if date_from and date_to and date_from > date_to:
        errors[to_name] = _("Tanggal akhir sebelum tanggal awal.")
    return date_from, date_to, errors
