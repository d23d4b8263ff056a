"""Basis Pengetahuan (issue 17): articles at /pengetahuan (list, search, article page; public
articles also signed out), writing and editing them (Helpdesk LKPP), 'Artikel dan tiket
serupa' as JSON for the forms that look them up as people type, 'Ini menyelesaikan masalah
saya' on an intake request, reply templates and the figures. The engine decides who may read
and do what; the views only translate."""

from __future__ import annotations

from flask import Blueprint, Flask

from web.knowledge import views
from web.pages.common import Route, add_routes
from web.pages.errors import show_engine_errors

bp = Blueprint("knowledge", __name__)

_ROUTES: tuple[Route, ...] = (
    ("/pengetahuan", "index", views.index, ("GET",)),
    ("/pengetahuan/baru", "new_article", views.new_article, ("GET", "POST")),
    ("/pengetahuan/saran", "suggestions", views.suggestions, ("GET",)),
    ("/pengetahuan/angka", "figures", views.figures, ("GET",)),
    ("/pengetahuan/templat", "templates", views.templates, ("GET", "POST")),
    ("/pengetahuan/templat/<id:template_id>/hapus", "delete_template", views.delete_template,
     ("POST",)),
    ("/pengetahuan/<id:article_id>", "article", views.article, ("GET",)),
    ("/pengetahuan/<id:article_id>/ubah", "edit_article", views.edit_article,
     ("GET", "POST")),
    ("/permintaan/<id:request_id>/selesai", "solved", views.solved, ("POST",)),
)
add_routes(bp, _ROUTES)
show_engine_errors(bp)


def register(app: Flask) -> None:
    """Add the knowledge base's pages, and what task and ticket pages ask of it."""
    app.register_blueprint(bp)
    app.context_processor(views.page_helpers)
