"""Laporkan masalah (issue 12): a Pengguna SPSE's requests to their LPSE's helpdesk, the
Admin LPSE's list, answer and escalation, the auditor's read-only view.

Routes go on the pages blueprint through `register`; escalating opens the ticket form
(/tiket/baru?permintaan=ID, web/pages/tickets.py) pre-filled from the request.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for
from flask.typing import ResponseReturnValue

import engine
from engine import IntakeStatus, Role, User
from web import forms_render
from web.context import actor, database
from web.extensions import _
from web.pages.common import Route, add_routes, page, paged, signed_in

ATTACHMENTS = "lampiran"
ANSWER = "jawaban"
REQUEST = "permintaan"
# Who has a list of requests: the reporters, their LPSE's admins, the auditors.
LISTERS = frozenset({Role.PENGGUNA, Role.ADMIN, Role.AUDITOR})
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp",
                          "application/pdf"})


def _form_page(user: User, form: dict[str, Any], status: int = 200,
               errors: dict[str, list[str]] | None = None) -> ResponseReturnValue:
    errors = errors or {}
    values = request.form if request.method == "POST" and status != 413 else {}
    return page("intake/new.html", status, form=form,
                fields=forms_render.widgets(form, values, errors), errors=errors,
                other_errors=forms_render.other_errors(form, errors, (ATTACHMENTS,)))


@signed_in
def new_request() -> ResponseReturnValue:
    """Laporkan masalah (Pengguna SPSE): the step-1 fields and attachments."""
    user = actor()
    if user.role is not Role.PENGGUNA:
        abort(404)
    form = engine.intake_form(database().uow(), user)
    if request.method == "GET":
        return _form_page(user, form)
    submission = forms_render.parse(form, request.form, request.files, user.lpse_timezone)
    submission.uploads += forms_render.uploads(request.files, ATTACHMENTS)
    if submission.errors:
        return _form_page(user, form, 422, submission.errors)
    try:
        found = engine.submit_request(database().uow(), user, submission.data,
                                      submission.uploads)
    except engine.InvalidData as invalid:
        return _form_page(user, form, 422, invalid.errors)
    flash(_("Permintaan %(number)s terkirim ke helpdesk LPSE Anda.", number=found.number),
          "success")
    return redirect(url_for(".request_page", request_id=found.id))


def new_request_too_large() -> ResponseReturnValue:
    """The request form again, when the files sent were more than the server takes."""
    user = actor()
    if user.role is not Role.PENGGUNA:
        abort(404)
    form = engine.intake_form(database().uow(), user)
    message = _("Berkas terlalu besar untuk dikirim sekaligus. Kirim berkas yang lebih kecil.")
    return _form_page(user, form, 413, {ATTACHMENTS: [message]})


def _status_arg(user: User) -> IntakeStatus | None:
    raw = request.args.get("status", "")
    if raw == "semua":
        return None
    if raw in {s.value for s in IntakeStatus}:
        return IntakeStatus(raw)
    return IntakeStatus.OPEN if user.role is Role.ADMIN else None


@signed_in
def requests_list() -> ResponseReturnValue:
    """Permintaan: one's own (Pengguna SPSE), the LPSE's (Admin LPSE, open first), all
    (auditor); 404 for every other role."""
    user = actor()
    if user.role not in LISTERS:
        abort(404)
    status = _status_arg(user)
    filters = {"status": status.value if status else "semua"}
    rows, pager = paged(lambda limit, offset: engine.list_requests(
        database().uow(), user, status=status, limit=limit, offset=offset), filters)
    return page("intake/list.html", requests=rows, chosen=filters["status"],
                statuses=list(IntakeStatus), **pager)


def _request_page(user: User, request_id: int, status: int = 200,
                  errors: dict[str, list[str]] | None = None) -> ResponseReturnValue:
    found = engine.get_request(database().uow(), user, request_id)
    fields = forms_render.widgets(engine.intake_form(database().uow(), user), found.data)
    handles = (user.role is Role.ADMIN and user.lpse == found.lpse
               and found.status is IntakeStatus.OPEN)
    return page("intake/request.html", status, found=found, handles=handles,
                fields=[w for w in fields if w.name in found.data],
                errors=errors or {}, answer=request.form.get(ANSWER, "")
                if request.method == "POST" else "")


@signed_in
def request_page(request_id: int) -> ResponseReturnValue:
    """One request: what was asked, its status, the answer or the ticket it became."""
    return _request_page(actor(), request_id)


@signed_in
def answer(request_id: int) -> ResponseReturnValue:
    """The Admin LPSE answers a request locally; it is closed, the reporter notified."""
    user = actor()
    try:
        engine.answer_request(database().uow(), user, request_id,
                              request.form.get(ANSWER, ""))
    except engine.InvalidData as invalid:
        return _request_page(user, request_id, 422, invalid.errors)
    flash(_("Permintaan dijawab; pelapor diberi tahu."), "success")
    return redirect(url_for(".request_page", request_id=request_id))


@signed_in
def attachment(request_id: int, sha256: str) -> ResponseReturnValue:
    """A file of a request the user may see; images and PDF shown, others downloaded."""
    found, path = engine.request_attachment(database().uow(), actor(), request_id, sha256)
    content_type = str(found.get("content_type", "application/octet-stream"))
    response = send_file(path, mimetype=content_type,
                         download_name=str(found.get("filename", "lampiran")),
                         as_attachment=content_type not in INLINE_TYPES, conditional=True,
                         etag=sha256, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def escalation(user: User) -> engine.IntakeRequest | None:
    """The request the ticket form escalates (`permintaan` in the query or the form), if any:
    an open one of the admin's LPSE; 404 for anything else."""
    raw = request.values.get(REQUEST, "")
    if not raw:
        return None
    if not raw.isdecimal() or len(raw) > 10:
        abort(404)
    found = engine.get_request(database().uow(), user, int(raw))
    if user.role is not Role.ADMIN or found.status is not IntakeStatus.OPEN:
        abort(404)
    return found


NEW_NAME, NEW_EMAIL = "reporter_name", "reporter_email"


def new_reporter_typed() -> bool:
    """Whether the ticket form names a reporter to add on the spot (and picks none)."""
    return not request.form.get("reporter") and any(
        request.form.get(name, "").strip() for name in (NEW_NAME, NEW_EMAIL))


def open_requests() -> int:
    """How many requests wait for the signed-in Admin LPSE (0 for everyone else)."""
    user = actor()
    if user.role is not Role.ADMIN:
        return 0
    return engine.count_open_requests(database().uow(), user)


ROUTES: tuple[Route, ...] = (
    ("/permintaan", "requests", requests_list, ("GET",)),
    ("/permintaan/baru", "new_request", new_request, ("GET", "POST")),
    ("/permintaan/<id:request_id>", "request_page", request_page, ("GET",)),
    ("/permintaan/<id:request_id>/jawab", "answer_request", answer, ("POST",)),
    ("/permintaan/<id:request_id>/lampiran/<sha256>", "request_attachment", attachment,
     ("GET",)),
)


def register(bp: Blueprint) -> None:
    """Add the intake pages to the pages blueprint, and the open count to every page."""
    add_routes(bp, ROUTES)

    @bp.app_context_processor
    def intake_context() -> dict[str, Any]:
        return {"open_requests": open_requests}


__all__ = ["NEW_EMAIL", "NEW_NAME", "ROUTES", "escalation", "new_reporter_typed",
           "new_request_too_large", "open_requests", "register"]
