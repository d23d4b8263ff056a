"""Comparing versions and drafts, and moving open tickets to a version (process owners).

Pages under /proses beside the modeler's (web.process): the comparison, in words and on both
diagrams, and the migration's dry run and its results. Every role but process owner gets 404.
"""

from __future__ import annotations

from flask import Blueprint

import engine
from engine import Role
from web.areas import restrict_to
from web.changes import views
from web.pages.common import Route, add_routes

bp = Blueprint("changes", __name__, url_prefix="/proses")

_ROUTES: tuple[Route, ...] = (
    ("/versi/<version_id>/bandingkan", "compare_version", views.compare_version, ("GET",)),
    ("/versi/<version_id>/bandingkan.json", "compare_version_data",
     views.compare_version_data, ("GET",)),
    ("/draf/<int:draft_id>/bandingkan", "compare_draft", views.compare_draft, ("GET",)),
    ("/draf/<int:draft_id>/bandingkan.json", "compare_draft_data", views.compare_draft_data,
     ("GET",)),
    ("/versi/<version_id>/migrasi", "migrate", views.migrate, ("GET", "POST")),
)
add_routes(bp, _ROUTES)
restrict_to(bp, Role.PROCESS_OWNER)
bp.register_error_handler(engine.InvalidDiagram, views.unreadable_diagram)
