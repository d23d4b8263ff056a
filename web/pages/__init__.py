"""The HTML pages for the three roles (sign-in, inbox, tickets, tasks).

The routes are listed here in one table; the views live in the modules beside this one.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask.blueprints import BlueprintSetupState
from flask_babel import get_locale, lazy_gettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

import engine
from web.extensions import LANGUAGES, login_manager
from web.pages import auth, errors, inbox, tasks, tickets
from web.pages.common import Route, add_routes, here
from web.pages.formatting import FILTERS

bp = Blueprint("pages", __name__)

_ROUTES: tuple[Route, ...] = (
    ("/", "index", auth.index, ("GET",)),
    ("/masuk", "sign_in", auth.sign_in, ("GET", "POST")),
    ("/keluar", "sign_out", auth.sign_out, ("POST",)),
    ("/bahasa", "switch_language", auth.switch_language, ("POST",)),
    ("/tugas", "inbox", inbox.inbox, ("GET",)),
    ("/tugas/<task_id>", "task", tasks.task, ("GET", "POST")),
    ("/tiket", "tickets", tickets.tickets, ("GET",)),
    ("/tiket/baru", "new_ticket", tickets.new_ticket, ("GET", "POST")),
    ("/tiket/<int:ticket_id>", "ticket", tickets.ticket, ("GET",)),
    ("/tiket/<int:ticket_id>/diagram.json", "ticket_diagram", tickets.ticket_diagram, ("GET",)),
    ("/tiket/<int:ticket_id>/lampiran/<sha256>", "attachment", tickets.attachment, ("GET",)),
)
add_routes(bp, _ROUTES)


@bp.get("/healthz")
def health() -> dict[str, str]:
    """Liveness for load balancers and tests."""
    return {"status": "ok"}


def _viewer() -> engine.User | None:
    """The signed-in user for the page header; None when signed out or not knowable."""
    try:
        if current_user.is_authenticated:
            return current_user.user  # type: ignore[no-any-return]
    except (HTTPException, engine.EskalasiError):
        pass
    return None


def _page_context() -> dict[str, Any]:
    return {"viewer": _viewer(), "locale": str(get_locale() or "id"), "languages": LANGUAGES,
            "here": here()}


def _set_up(state: BlueprintSetupState) -> None:
    """Bind sign-in, template helpers and error pages to the app the pages belong to."""
    app = state.app
    login_manager.user_loader(auth.load_user)
    login_manager.login_view = "pages.sign_in"
    login_manager.login_message = lazy_gettext("Silakan masuk terlebih dahulu.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = str  # the message in the language of the request
    app.jinja_env.filters.update(FILTERS)
    app.context_processor(_page_context)
    for status in errors.STATUSES:
        app.register_error_handler(status, errors.http_error)
    app.register_error_handler(CSRFError, errors.csrf_error)


bp.record_once(_set_up)
errors.show_engine_errors(bp)
