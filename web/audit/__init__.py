"""The auditor's area under /audit: search, history, replay, verify, exports, reports.

Read-only (but for "Hitung ulang", which rewrites the stored report snapshot: derived
data, no ticket changes), and for auditors only: every other role (and the helpdesk, who
sees every ticket) gets 404, as if it did not exist. Reads of a ticket's personal data are logged by
the engine. The routes are listed here in one table; the views live in `views`.
"""

from __future__ import annotations

from flask import Blueprint

from engine import Role
from web.areas import restrict_to
from web.audit import views
from web.pages.common import Route, add_routes

bp = Blueprint("audit", __name__, url_prefix="/audit")

_GET = ("GET",)
_ROUTES: tuple[Route, ...] = (
    ("/", "search", views.search, _GET),
    ("/tiket/<id:ticket_id>", "history", views.history, _GET),
    ("/tiket/<id:ticket_id>/verifikasi", "verify", views.verify, _GET),
    ("/tiket/<id:ticket_id>/replay", "replay", views.replay, _GET),
    ("/tiket/<id:ticket_id>/replay.json", "replay_data", views.replay_data, _GET),
    ("/tiket/<id:ticket_id>/ekspor.json", "export_json", views.export_json, _GET),
    ("/tiket/<id:ticket_id>/ekspor.csv", "export_csv", views.export_csv, _GET),
    ("/tiket/<id:ticket_id>/cetak", "printable", views.printable, _GET),
    ("/ekspor.csv", "export_range", views.export_range, _GET),
    ("/ekspor", "exports", views.exports, _GET),
    ("/ekspor.xlsx", "export_range_xlsx", views.export_range_xlsx, _GET),
    ("/log-peristiwa.xes", "export_xes", views.export_xes, _GET),
    ("/log-peristiwa.jsonocel", "export_ocel", views.export_ocel, _GET),
    ("/laporan", "reports", views.reports, _GET),
    ("/laporan/hitung-ulang", "refresh_reports", views.refresh_reports, ("POST",)),
    ("/log-baca", "reads", views.reads, _GET),
)
add_routes(bp, _ROUTES)
restrict_to(bp, Role.AUDITOR)
