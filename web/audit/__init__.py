"""The auditor's area under /audit: search, history, replay, verify, exports, reports.

Read-only, and for auditors only: every other role (and the helpdesk, who sees every
ticket) gets 404, as if it did not exist. Reads of a ticket's personal data are logged by
the engine. The routes are listed here in one table; the views live in `views`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engine import Role
from web.audit import views
from web.pages import errors

bp = Blueprint("audit", __name__, url_prefix="/audit")

_ROUTES: tuple[tuple[str, str, Any], ...] = (
    ("/", "search", views.search),
    ("/tiket/<int:ticket_id>", "history", views.history),
    ("/tiket/<int:ticket_id>/verifikasi", "verify", views.verify),
    ("/tiket/<int:ticket_id>/replay", "replay", views.replay),
    ("/tiket/<int:ticket_id>/replay.json", "replay_data", views.replay_data),
    ("/tiket/<int:ticket_id>/ekspor.json", "export_json", views.export_json),
    ("/tiket/<int:ticket_id>/ekspor.csv", "export_csv", views.export_csv),
    ("/tiket/<int:ticket_id>/cetak", "printable", views.printable),
    ("/ekspor.csv", "export_range", views.export_range),
    ("/laporan", "reports", views.reports),
    ("/log-baca", "reads", views.reads),
)
for _rule, _endpoint, _view in _ROUTES:
    bp.add_url_rule(_rule, _endpoint, _view, methods=["GET"])


@bp.before_request
def auditors_only() -> ResponseReturnValue | None:
    """Signed-out visitors are asked to sign in; every role but auditor gets 404."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined,no-any-return]
    if current_user.user.role is not Role.AUDITOR:
        abort(404)
    return None


for _error, _handler in errors.ENGINE_ERRORS.items():
    bp.register_error_handler(_error, _handler)
