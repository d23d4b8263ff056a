"""Comments on the ticket page: a public reply, or a handler's internal note, with files."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue

import engine
from web import forms_render
from web.context import actor, database
from web.extensions import _
from web.pages import tickets
from web.pages.common import signed_in

TEXT, INTERNAL = "text", "internal"
ANCHOR = "komentar"


@signed_in
def add_comment(ticket_id: int) -> ResponseReturnValue:
    """POST from the ticket page's comment form; back to the ticket, or the page with the
    form's errors (422)."""
    uploads = forms_render.uploads(request.files, tickets.ATTACHMENTS)
    internal = request.form.get(INTERNAL) == "1"
    try:
        engine.add_comment(database().uow(), actor(), ticket_id, request.form.get(TEXT, ""),
                           internal, uploads)
    except engine.InvalidData as invalid:
        g.comment_errors = dict(invalid.errors)
        g.comment_values = {TEXT: request.form.get(TEXT, ""), INTERNAL: internal}
        body, _status = _page(ticket_id)
        return body, 422
    flash(_("Catatan internal tersimpan.") if internal else _("Komentar terkirim."), "success")
    return redirect(url_for(".ticket", ticket_id=ticket_id, _anchor=ANCHOR))


def _page(ticket_id: int) -> tuple[str, int]:
    shown = tickets.ticket(ticket_id)
    assert isinstance(shown, tuple)
    body, status = shown[0], shown[1]
    assert isinstance(body, str) and isinstance(status, int)
    return body, status


def comment_too_large(ticket_id: int) -> ResponseReturnValue:
    """The ticket page again, when the files sent were more than the server takes."""
    g.comment_errors = {tickets.ATTACHMENTS: [tickets.too_large_message()]}
    body, _status = _page(ticket_id)
    return body, 413


def register(bp: Blueprint) -> None:
    """Add the comment route to the pages blueprint."""
    bp.add_url_rule("/tiket/<id:ticket_id>/komentar", "add_comment", add_comment,
                    methods=("POST",))
