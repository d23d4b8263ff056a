"""The HTML pages for the three roles (sign-in, inbox, tickets, tasks).

The routes are listed here in one table; the views live in the modules beside this one.
What every page of the app shares (sign-in, template filters, error pages) is set up in
`web.create_app`.
"""

from __future__ import annotations

from flask import Blueprint

from web.pages import (
    account,
    attachment_files,
    auth,
    comments,
    dashboard,
    errors,
    heatmap,
    inbox,
    intake,
    mail_settings,
    ownership,
    sso,
    tasks,
    ticket_list,
    ticket_operations,
    tickets,
)
from web.pages.common import Route, add_routes

bp = Blueprint("pages", __name__)

_ROUTES: tuple[Route, ...] = (
    ("/", "index", auth.index, ("GET",)),
    ("/masuk", "sign_in", auth.sign_in, ("GET", "POST")),
    ("/keluar", "sign_out", auth.sign_out, ("POST",)),
    ("/bahasa", "switch_language", auth.switch_language, ("POST",)),
    ("/tugas", "inbox", inbox.inbox, ("GET",)),
    ("/tugas/<task_id>", "task", tasks.task, ("GET", "POST")),
    ("/tiket", "tickets", ticket_list.tickets, ("GET",)),
    ("/tiket/baru", "new_ticket", tickets.new_ticket, ("GET", "POST")),
    ("/tiket/<id:ticket_id>", "ticket", tickets.ticket, ("GET",)),
    ("/tiket/<id:ticket_id>/diagram.json", "ticket_diagram", tickets.ticket_diagram, ("GET",)),
    ("/tiket/<id:ticket_id>/lampiran/<sha256>", "attachment", tickets.attachment, ("GET",)),
    ("/masuk/sso", "sso_start", sso.start, ("GET",)),
    ("/masuk/sso/kembali", "sso_callback", sso.callback, ("GET",)),
)
add_routes(bp, _ROUTES)
intake.register(bp)  # Laporkan masalah (issue 12)
account.register(bp)  # passwords by mail and /akun (issue 12)
comments.register(bp)  # comments and internal notes on a ticket (issue 13)
mail_settings.register(bp)  # Pengaturan email, /akun/notifikasi (issue 13)
ownership.register(bp)  # Ambil / Lepas / Tugaskan ke and /beban-kerja (issue 13)
dashboard.register(bp)  # Dasbor operasional, /dasbor (issue 16)
heatmap.register(bp)  # Peta panas on the diagram, /audit/peta-panas (issue 16)
ticket_operations.register(bp)  # Tarik tiket / Tutup sebagai duplikat (issue 15)
bp.record_once(sso.set_up)  # the OpenID Connect client, when ESKALASI_OIDC_* are set
bp.record_once(attachment_files.set_up)  # each file once, thumbnails, PDF (templates)


@bp.get("/healthz")
def health() -> dict[str, str]:
    """Liveness for load balancers and tests."""
    return {"status": "ok"}


errors.show_engine_errors(bp)
