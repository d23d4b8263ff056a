"""The process owner's pages under /proses: the modeler, drafts, versions, the SOP document,
comparing versions and drafts, and moving open tickets to a version.

Only process owners reach any of it; everyone else gets 404, as if it did not exist. The
routes are listed here in one table; the views live in the modules beside this one.
"""

from __future__ import annotations

from flask import Blueprint, request
from flask.typing import ResponseReturnValue

import engine
from engine import Role
from web.areas import restrict_to
from web.pages import errors
from web.pages.common import Route, add_routes
from web.process import changes, documents, editor, incidents, scenarios, versions

bp = Blueprint("process", __name__, url_prefix="/proses")

_ROUTES: tuple[Route, ...] = (
    ("", "index", versions.index, ("GET",)),
    ("/editor", "editor", editor.editor, ("GET",)),
    ("/editor/data.json", "editor_data", editor.editor_data, ("GET",)),
    ("/validasi", "validate", editor.validate, ("POST",)),
    ("/terapkan", "deploy", editor.deploy, ("POST",)),
    ("/draf", "create_draft", editor.save, ("POST",)),
    ("/draf/<id:draft_id>", "draft", editor.draft, ("GET", "POST")),
    ("/draf/<id:draft_id>/data.json", "draft_data", editor.draft_data, ("GET",)),
    ("/draf/<id:draft_id>/hapus", "delete_draft", versions.delete_draft, ("POST",)),
    ("/draf/<id:draft_id>/unduh", "download_draft", versions.download_draft, ("GET",)),
    ("/unggah", "upload", versions.upload, ("GET", "POST")),
    ("/versi/<version_id>/unduh", "download_version", versions.download_version, ("GET",)),
    ("/versi/<version_id>/diagram.bpmn", "version_bpmn", versions.version_bpmn, ("GET",)),
    ("/sop", "sop", documents.sop, ("GET",)),
    ("/insiden", "incidents", incidents.incidents, ("GET",)),
    ("/versi/<version_id>/bandingkan", "compare_version", changes.compare_version, ("GET",)),
    ("/versi/<version_id>/bandingkan.json", "compare_version_data",
     changes.compare_version_data, ("GET",)),
    ("/draf/<id:draft_id>/bandingkan", "compare_draft", changes.compare_draft, ("GET",)),
    ("/draf/<id:draft_id>/bandingkan.json", "compare_draft_data", changes.compare_draft_data,
     ("GET",)),
    ("/versi/<version_id>/migrasi", "migrate", changes.migrate, ("GET", "POST")),
    ("/skenario/jalankan", "run_scenarios", scenarios.run_all, ("POST",)),
    ("/skenario/langkah", "scenario_next_steps", scenarios.next_steps, ("POST",)),
    ("/insiden/<id:incident_id>/coba-lagi", "retry_incident", incidents.retry, ("POST",)),
)
# The comparison pages say why a draft's unreadable diagram cannot be compared.
_COMPARISONS = frozenset({"process.compare_draft", "process.compare_draft_data",
                          "process.compare_version", "process.compare_version_data"})
add_routes(bp, _ROUTES)
restrict_to(bp, Role.PROCESS_OWNER)


def _invalid_diagram(error: engine.EskalasiError) -> ResponseReturnValue:
    """A diagram the engine cannot read: 422, with the reason on the comparison pages."""
    if request.endpoint in _COMPARISONS:
        return changes.unreadable_diagram(error)
    return errors.invalid_data(error)


bp.register_error_handler(engine.InvalidDiagram, _invalid_diagram)
