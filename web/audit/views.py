"""The auditor's pages: search, history, verification, replay, exports, reports, read log."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask import Response, current_app, flash, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue

import engine
from engine import AuditQuery
from web.audit.charts import bar_chart
from web.context import actor, database
from web.date_args import date_range
from web.extensions import _
from web.pages.common import number_arg, page, paged

STATUSES = ("open", "closed")


def _date(name: str) -> date | None:
    raw = request.args.get(name, "").strip()
    try:
        day = date.fromisoformat(raw) if raw else None
    except ValueError:
        return None
    # Far-off years would overflow the day's bounds in UTC; nobody means them.
    return day if day is not None and 1900 <= day.year <= 9000 else None


def _query() -> AuditQuery:
    status = request.args.get("status", "")
    return AuditQuery(
        number=request.args.get("nomor", "").replace("\x00", "").strip()[:200],  # PG: no NUL
        lpse_id=number_arg("lpse", None, high=2**31 - 1),
        date_from=_date("dari"), date_to=_date("sampai"),
        status=status if status in STATUSES else "",
        sop_step=number_arg("langkah", None, high=99),
        overdue=request.args.get("terlambat") == "1",
        rating=number_arg("rating", None, high=5))


def search() -> ResponseReturnValue:
    """Cari Tiket: by number or words, LPSE, dates opened, status, current step, overdue,
    rating."""
    query = _query()
    user = actor()
    args = {k: v for k, v in request.args.items() if k != "halaman"}
    rows, pager = paged(lambda limit, offset: engine.search_tickets(
        database().uow(), user, query, limit=limit, offset=offset), args)
    return page("audit/search.html", query=query, tickets=rows, **pager,
                lpses=engine.list_lpse_choices(database().uow(), actor()))


def history(ticket_id: int) -> ResponseReturnValue:
    """Riwayat: every event of the ticket in order, with what it changed (a logged read)."""
    found = engine.audit_history(database().uow(), actor(), ticket_id)
    return page("audit/history.html", history=found, ticket=found.ticket)


def verify(ticket_id: int) -> ResponseReturnValue:
    """Verifikasi: replay the ticket and check its hash chain and day checkpoints."""
    ticket = engine.get_ticket(database().uow(), actor(), ticket_id)
    [result] = engine.verify_tickets(database().uow(), [str(ticket_id)])
    return page("audit/verify.html", ticket=ticket, result=result)


def replay(ticket_id: int) -> ResponseReturnValue:
    """Replay: the events one at a time, the diagram showing where the ticket stood."""
    view = engine.audit_replay(database().uow(), actor(), ticket_id)
    return page("audit/replay.html", view=view, ticket=view.history.ticket,
                frames=list(zip(view.history.entries, view.frames, strict=True)),
                data_url=url_for(".replay_data", ticket_id=ticket_id))


def replay_data(ticket_id: int) -> ResponseReturnValue:
    """The diagrams and each frame's marks, for the replay page's viewer."""
    view = engine.audit_replay(database().uow(), actor(), ticket_id, read=None)
    response = jsonify(
        diagrams=view.diagrams,
        frames=[{"seq": f.seq, "version": f.version, "completed": list(f.completed),
                 "taken_flows": list(f.taken_flows), "current": list(f.current)}
                for f in view.frames])
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _download(body: str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def export_json(ticket_id: int) -> ResponseReturnValue:
    """The ticket's full history with hashes, to re-verify elsewhere."""
    document = engine.export_ticket(database().uow(), actor(), ticket_id)
    body = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)
    number = str(document["ticket"]["number"])
    return _download(body + "\n", "application/json",
                     engine.export_filename(number, "json"))


def export_csv(ticket_id: int) -> ResponseReturnValue:
    """The ticket's events as CSV."""
    ticket = engine.get_ticket(database().uow(), actor(), ticket_id)
    body = engine.export_ticket_csv(database().uow(), actor(), ticket_id)
    return _download(body, "text/csv", engine.export_filename(ticket.number, "csv"))


def export_range() -> ResponseReturnValue:
    """Every event of the tickets opened in a date range, as CSV (UTF-8 with a BOM, one
    column per form field)."""
    date_from, date_to, errors = date_range("dari", "sampai")
    if errors:
        return exports(errors, 422)
    body = engine.export_range_csv(database().uow(), actor(), date_from, date_to)
    name = f"tiket-{date_from or 'awal'}-{date_to or 'akhir'}.csv"
    return _download(body, "text/csv; charset=utf-8", name)


def printable(ticket_id: int) -> ResponseReturnValue:
    """A printable report of one ticket (the page prints as it reads; a logged read)."""
    found = engine.audit_history(database().uow(), actor(), ticket_id, read=engine.ReadKind.PRINT)
    [result] = engine.verify_tickets(database().uow(), [str(ticket_id)])
    return page("audit/print.html", history=found, ticket=found.ticket, result=result)


def duration_text(hours: float) -> str:
    """Working hours as people read them: "1 jam 20 menit", "45 menit", "< 1 menit"."""
    if hours <= 0:
        return _("%(minutes)s menit", minutes="0")
    minutes = round(hours * 60)
    if minutes < 1:
        return _("< 1 menit")
    whole, rest = divmod(minutes, 60)
    if not whole:
        return _("%(minutes)s menit", minutes=str(rest))
    if not rest:
        return _("%(hours)s jam", hours=format(whole, ","))
    return _("%(hours)s jam %(minutes)s menit", hours=format(whole, ","), minutes=str(rest))


def _hours(figure: engine.Figure) -> str:
    return duration_text(figure.value)


def _count(figure: engine.Figure) -> str:
    return f"{figure.value:,.0f}"


def reports() -> ResponseReturnValue:
    """Laporan: tickets per LPSE and month, hours per step and lane, overdue, shares, rating."""
    date_from, date_to = _date("dari"), _date("sampai")
    computed_at = None
    if date_from is None and date_to is None:
        # The default view reads the stored snapshot (constant time; derived data, refreshed
        # by the worker and by "Hitung ulang"); a date range is computed live.
        report, computed_at = engine.stored_report(database().uow(), actor())
    else:
        report = engine.audit_report(database().uow(), actor(), date_from, date_to)
    charts: dict[str, Any] = {
        "per_lpse": bar_chart(report.per_lpse, _("Tiket per LPSE"), _count),
        "per_month": bar_chart(report.per_month, _("Tiket per bulan"), _count),
        "per_step": bar_chart(report.hours_per_step, _("Rata-rata waktu per langkah SOP"),
                              _hours),
        "per_lane": bar_chart(report.hours_per_lane, _("Rata-rata waktu per lajur per tiket"),
                              _hours),
        "overdue": bar_chart(report.overdue_per_lane, _("Langkah terlambat per lajur"),
                             _count),
        "ratings": bar_chart(report.ratings, _("Sebaran rating"), _count),
    }
    return page("audit/reports.html", report=report, charts=charts, computed_at=computed_at,
                filters={"dari": request.args.get("dari", ""),
                         "sampai": request.args.get("sampai", "")})


def refresh_reports() -> ResponseReturnValue:
    """Hitung ulang: compute the stored report again now (changes no ticket)."""
    engine.refresh_report(database().uow(), actor())
    flash(_("Laporan dihitung ulang."), "success")
    return redirect(url_for(".reports"))


def reads() -> ResponseReturnValue:
    """Log Baca: who among the auditors read which ticket's personal data, and when."""
    user = actor()
    rows, pager = paged(lambda limit, offset: engine.list_reads(
        database().uow(), user, limit=limit, offset=offset))
    return page("audit/reads.html", reads=rows, **pager)


def exports(errors: dict[str, str] | None = None, status: int = 200) -> ResponseReturnValue:
    """Ekspor: the date range's tickets as CSV or Excel, the event log as XES or OCEL, and
    the share of closed tickets whose path their diagram allows."""
    conformance = None
    if errors is None:
        date_from, date_to, errors = date_range("dari", "sampai")
        status = 422 if errors else status
        if not errors:
            conformance = engine.path_conformance(database().uow(), actor(), date_from,
                                                  date_to)
    return page("audit/exports.html", status=status, errors=errors or {},
                conformance=conformance,
                filters={"dari": request.args.get("dari", ""),
                         "sampai": request.args.get("sampai", ""),
                         "nama": request.args.get("nama") == "1"})


def _binary(body: bytes | str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_range_xlsx() -> ResponseReturnValue:
    """Every ticket opened in a date range as an Excel workbook (tickets and events)."""
    date_from, date_to, errors = date_range("dari", "sampai")
    if errors:
        return exports(errors, 422)
    body = engine.export_range_xlsx(database().uow(), actor(), date_from, date_to)
    return _binary(body, XLSX, f"tiket-{date_from or 'awal'}-{date_to or 'akhir'}.xlsx")


def _event_log() -> engine.EventLog | dict[str, str]:
    date_from, date_to, errors = date_range("dari", "sampai")
    if errors:
        return errors
    return engine.event_log(database().uow(), actor(), current_app.config["SECRET_KEY"],
                            date_from, date_to, names=request.args.get("nama") == "1")


def export_xes() -> ResponseReturnValue:
    """The closed tickets' event log as IEEE XES (people pseudonymised unless `nama=1`)."""
    log = _event_log()
    if isinstance(log, dict):
        return exports(log, 422)
    return _binary(engine.to_xes(log), "application/xml",
                   engine.event_log_filename("xes", log.date_from, log.date_to))


def export_ocel() -> ResponseReturnValue:
    """The closed tickets' event log as OCEL 2.0 JSON."""
    log = _event_log()
    if isinstance(log, dict):
        return exports(log, 422)
    return _binary(engine.ocel_json(log), "application/json",
                   engine.event_log_filename("jsonocel", log.date_from, log.date_to))
