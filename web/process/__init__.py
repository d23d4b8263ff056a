"""The process owner's pages under /proses: the modeler, drafts, versions, the SOP document.

Only process owners reach any of it; everyone else gets 404, as if it did not exist. The
routes are listed here in one table; the views live in the modules beside this one.
"""

from __future__ import annotations

from flask import Blueprint

import engine
from engine import Role
from web.areas import restrict_to
from web.pages import errors
from web.pages.common import Route, add_routes
from web.process import documents, editor, versions

bp = Blueprint("process", __name__, url_prefix="/proses")

_ROUTES: tuple[Route, ...] = (
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
add_routes(bp, _ROUTES)
restrict_to(bp, Role.PROCESS_OWNER)
bp.register_error_handler(engine.InvalidDiagram, errors.invalid_data)
