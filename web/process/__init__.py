"""The process owner's pages under /proses: the modeler, drafts, versions, the SOP document.

Only process owners reach any of it; everyone else gets 404, as if it did not exist. The
routes are listed here in one table; the views live in the modules beside this one.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app
from flask.typing import ResponseReturnValue
from flask_login import current_user

import engine
from engine import Role
from web.pages import errors
from web.process import documents, editor, versions

bp = Blueprint("process", __name__, url_prefix="/proses")

_ROUTES: tuple[tuple[str, str, Any, tuple[str, ...]], ...] = (
    ("", "index", versions.index, ("GET",)),
    ("/editor", "editor", editor.editor, ("GET",)),
    ("/editor/data.json", "editor_data", editor.editor_data, ("GET",)),
    ("/validasi", "validate", editor.validate, ("POST",)),
    ("/terapkan", "deploy", editor.deploy, ("POST",)),
    ("/draf", "create_draft", editor.save, ("POST",)),
    ("/draf/<int:draft_id>", "draft", editor.draft, ("GET", "POST")),
    ("/draf/<int:draft_id>/data.json", "draft_data", editor.draft_data, ("GET",)),
    ("/draf/<int:draft_id>/hapus", "delete_draft", versions.delete_draft, ("POST",)),
    ("/draf/<int:draft_id>/unduh", "download_draft", versions.download_draft, ("GET",)),
    ("/unggah", "upload", versions.upload, ("GET", "POST")),
    ("/versi/<version_id>/unduh", "download_version", versions.download_version, ("GET",)),
    ("/versi/<version_id>/diagram.bpmn", "version_bpmn", versions.version_bpmn, ("GET",)),
    ("/sop", "sop", documents.sop, ("GET",)),
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
bp.register_error_handler(engine.InvalidDiagram, errors.invalid_data)
