"""The knowledge base's views (see the package's docstring)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

import engine
from engine import Role, User
from web.context import actor, database
from web.extensions import _
from web.pages.common import number_arg, page, paged, signed_in
from web.pages.errors import error_page
from web.pages.formatting import translated

ARTICLE_FIELDS = ("judul", "isi", "aplikasi", "kode_error", "tag", "status", "publik")
# The SOP steps whose task page shows Helpdesk LKPP suggestions.
SUGGESTING_STEPS = frozenset({2, 3, 4, 12})
MAX_TYPED = 1000


def _reader() -> User | None:
    """The signed-in user, or None for a visitor who is not signed in."""
    return actor() if current_user.is_authenticated else None


def index() -> ResponseReturnValue:
    """Basis Pengetahuan: the articles the reader may read, or those matching `q`."""
    reader = _reader()
    query = request.args.get("q", "")[:500]
    rows, pager = paged(lambda limit, offset: engine.list_articles(
        database().uow(), reader, query=query, limit=limit, offset=offset), {"q": query})
    return page("knowledge/index.html", articles=rows, query=query,
                writes=engine.writes_articles(reader), **pager)


def article(article_id: int) -> ResponseReturnValue:
    """One article (404 for one the reader may not read: a draft, or not public)."""
    reader = _reader()
    try:
        found = engine.get_article(database().uow(), reader, article_id)
    except engine.NotFound:
        if reader is None:  # perhaps readable once signed in
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined,no-any-return]
        raise
    writes = engine.writes_articles(reader)
    versions = (engine.article_versions(database().uow(), reader, article_id)
                if reader is not None and writes else [])
    return page("knowledge/article.html", article=found, writes=writes, versions=versions)


def _form_values(draft: engine.ArticleDraft) -> dict[str, Any]:
    if request.method == "POST":
        return {name: request.form.get(name, "") for name in ARTICLE_FIELDS}
    return {"judul": draft.title, "isi": draft.body, "aplikasi": draft.application,
            "kode_error": ", ".join(draft.error_codes), "tag": ", ".join(draft.tags),
            "status": draft.status.value, "publik": "1" if draft.public else ""}


def _article_form(draft: engine.ArticleDraft, *, article_id: int | None = None,
                  status: int = 200, errors: dict[str, list[str]] | None = None
                  ) -> ResponseReturnValue:
    return page("knowledge/form.html", status, draft=draft, article_id=article_id,
                values=_form_values(draft), errors=errors or {})


def _ticket_arg() -> int | None:
    raw = request.values.get("tiket", "")
    if not raw:
        return None
    if not raw.isdecimal() or len(raw) > 10:
        abort(404)
    return int(raw)


@signed_in
def new_article() -> ResponseReturnValue:
    """Write an article (Helpdesk LKPP): from scratch, or from a ticket's guide or solution
    (`?tiket=ID`), edited before it is saved."""
    user = actor()
    ticket_id = _ticket_arg()
    try:
        draft = engine.article_form(database().uow(), user, ticket_id=ticket_id)
    except engine.InvalidData as invalid:
        flash(" ".join(translated(m) for ms in invalid.errors.values() for m in ms), "error")
        return redirect(url_for("pages.ticket", ticket_id=ticket_id)) if ticket_id else abort(404)
    if request.method == "GET":
        return _article_form(draft)
    try:
        saved = engine.save_article(database().uow(), user, request.form, ticket_id=ticket_id)
    except engine.InvalidData as invalid:
        return _article_form(draft, status=422, errors=invalid.errors)
    flash(_("Artikel disimpan."), "success")
    return redirect(url_for(".article", article_id=saved.id))


@signed_in
def edit_article(article_id: int) -> ResponseReturnValue:
    """A new version of an article (Helpdesk LKPP)."""
    user = actor()
    draft = engine.article_form(database().uow(), user, article_id=article_id)
    if request.method == "GET":
        return _article_form(draft, article_id=article_id)
    try:
        engine.save_article(database().uow(), user, request.form, article_id=article_id)
    except engine.InvalidData as invalid:
        return _article_form(draft, article_id=article_id, status=422, errors=invalid.errors)
    flash(_("Versi baru artikel disimpan."), "success")
    return redirect(url_for(".article", article_id=article_id))


def _suggestion_json(found: engine.Suggestion) -> dict[str, Any]:
    return {"kind": found.kind, "id": found.id, "title": found.title, "link": found.link,
            "number": found.number, "reason": translated(found.reason)}


@signed_in
def suggestions() -> ResponseReturnValue:
    """'Artikel dan tiket serupa' for what is being typed (judul, deskripsi, kode_error), as
    JSON: articles for everyone, the solved tickets they may see for handlers."""
    typed = " ".join(request.args.get(name, "")[:MAX_TYPED]
                     for name in ("judul", "deskripsi", "aplikasi"))
    found = engine.suggest(database().uow(), actor(), text=typed,
                           error_code=request.args.get("kode_error", "")[:100],
                           exclude_ticket=number_arg("tiket", None, high=2**31 - 1))
    return jsonify({"items": [_suggestion_json(s) for s in found]})


@signed_in
def solved(request_id: int) -> ResponseReturnValue:
    """'Ini menyelesaikan masalah saya': the reporter closes their request with an article."""
    raw = request.form.get("artikel", "")
    article_id = int(raw) if raw.isdecimal() and len(raw) <= 10 else 0
    try:
        engine.solve_request(database().uow(), actor(), request_id, article_id)
    except engine.InvalidData as invalid:
        return error_page(422, " ".join(translated(m) for ms in invalid.errors.values()
                                        for m in ms))
    flash(_("Permintaan ditutup: artikel ini menyelesaikan masalah Anda."), "success")
    return redirect(url_for("pages.request_page", request_id=request_id))


@signed_in
def figures() -> ResponseReturnValue:
    """What the knowledge base saved (Helpdesk LKPP)."""
    found = engine.knowledge_figures(database().uow(), actor())
    return page("knowledge/figures.html", figures=found)


def _template_values() -> dict[str, Any]:
    return {"nama": request.form.get("nama", ""), "isi": request.form.get("isi", ""),
            "tempat": request.form.getlist("tempat"), "templat": request.form.get("templat", "")}


def _chosen(found: list[engine.ReplyTemplate]) -> dict[str, Any]:
    """The form's values: the template `?templat=ID` to change, or a new one."""
    wanted = number_arg("templat", None, high=2**31 - 1)
    for template in found:
        if template.id == wanted:
            return {"nama": template.name, "isi": template.body,
                    "tempat": list(template.places), "templat": str(template.id)}
    return {"nama": "", "isi": "", "tempat": [], "templat": ""}


@signed_in
def templates() -> ResponseReturnValue:
    """Templat balasan (Helpdesk LKPP): the list, and a form to add or change one."""
    user = actor()
    if user.role is not Role.HELPDESK:
        abort(404)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        raw = request.form.get("templat", "")
        template_id = int(raw) if raw.isdecimal() and len(raw) <= 10 else None
        try:
            engine.save_template(database().uow(), user, _template_values(), template_id)
        except engine.InvalidData as invalid:
            errors, status = invalid.errors, 422
        else:
            flash(_("Templat disimpan."), "success")
            return redirect(url_for(".templates"))
    found = engine.list_templates(database().uow(), user)
    return page("knowledge/templates.html", status, templates=found, errors=errors,
                values=_template_values() if errors else _chosen(found),
                places=engine.TEMPLATE_PLACES, placeholders=engine.TEMPLATE_PLACEHOLDERS)


@signed_in
def delete_template(template_id: int) -> ResponseReturnValue:
    """Remove a template (Helpdesk LKPP)."""
    user = actor()
    if user.role is not Role.HELPDESK:
        abort(404)
    engine.delete_template(database().uow(), user, template_id)
    flash(_("Templat dihapus."), "success")
    return redirect(url_for(".templates"))


# --- what other pages ask of the knowledge base (partials/knowledge_*.html) -----------------

def _task_suggestions(ticket_id: int, sop_step: int | None) -> list[engine.Suggestion]:
    """Helpdesk LKPP's suggestions on a task page of steps 2-4 and 12: like its ticket."""
    user = _reader()
    if user is None or user.role is not Role.HELPDESK or sop_step not in SUGGESTING_STEPS:
        return []
    return engine.suggest(database().uow(), user, like_ticket=ticket_id,
                          exclude_ticket=ticket_id)


def _reply_templates(ticket_id: int, sop_step: int | None) -> list[engine.ReplyTemplate]:
    user = _reader()
    if user is None:
        return []
    return engine.templates_for(database().uow(), user, ticket_id, sop_step)


def _request_suggestions(found: engine.IntakeRequest) -> list[engine.Suggestion]:
    """The articles like a request, for its reporter while it is open."""
    user = _reader()
    if (user is None or user.role is not Role.PENGGUNA or found.reporter != user.username
            or found.status is not engine.IntakeStatus.OPEN):
        return []
    data = found.data
    typed = " ".join(str(data.get(name) or "") for name in ("judul", "deskripsi"))
    return engine.suggest(database().uow(), user, text=typed,
                          error_code=str(data.get("kode_error") or ""))


def _solved_by(found: engine.IntakeRequest) -> engine.Article | None:
    user = _reader()
    if user is None:
        return None
    article_id = engine.solved_by(database().uow(), user, found.id)
    if article_id is None:
        return None
    try:
        return engine.get_article(database().uow(), user, article_id)
    except engine.NotFound:
        return None


def page_helpers() -> dict[str, Any]:
    """Functions the task, ticket and request pages' knowledge partials call."""
    return {"knowledge_task_suggestions": _task_suggestions,
            "knowledge_reply_templates": _reply_templates,
            "knowledge_request_suggestions": _request_suggestions,
            "knowledge_solved_by": _solved_by,
            "knowledge_writes": lambda: engine.writes_articles(_reader())}
