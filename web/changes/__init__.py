"""Comparing versions and drafts, and moving open tickets to a version (process owners).

Pages under /proses beside the modeler's (web.process): the comparison, in words and on both
diagrams, and the migration's dry run and its results. Every role but process owner gets 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app
from flask.typing import ResponseReturnValue
from flask_login import current_user

import engine
from engine import Role
from web.changes import views
from web.pages import errors

bp = Blueprint("changes", __name__, url_prefix="/proses")

_ROUTES: tuple[tuple[str, str, Any, tuple[str, ...]], ...] = (
    ("/versi/<version_id>/bandingkan", "compare_version", views.compare_version, ("GET",)),
    ("/versi/<version_id>/bandingkan.json", "compare_version_data",
     views.compare_version_data, ("GET",)),
    ("/draf/<int:draft_id>/bandingkan", "compare_draft", views.compare_draft, ("GET",)),
    ("/draf/<int:draft_id>/bandingkan.json", "compare_draft_data", views.compare_draft_data,
     ("GET",)),
    ("/versi/<version_id>/migrasi", "migrate", views.migrate, ("GET", "POST")),
)
for _rule, _endpoint, _view, _methods in _ROUTES:
    bp.add_url_rule(_rule, _endpoint, _view, methods=list(_methods))


@bp.before_request
def owners_only() -> ResponseReturnValue | None:
    """Signed-out visitors are asked to sign in; every role but process owner gets 404."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined,no-any-return]
    if current_user.user.role is not Role.PROCESS_OWNER:
        abort(404)
    return None


for _error, _handler in errors.ENGINE_ERRORS.items():
    bp.register_error_handler(_error, _handler)
bp.register_error_handler(engine.InvalidDiagram, views.unreadable_diagram)
