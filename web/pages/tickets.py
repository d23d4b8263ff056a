"""Tickets: opening one (Admin LPSE), its page, its diagram and its attachments (the list is
web/pages/ticket_list.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import abort, current_app, flash, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue

import engine
from engine import Role, User
from web import forms_render
from web.context import actor, database
from web.extensions import _
from web.pages import attachment_files, formatting, intake
from web.pages.common import page, signed_in
from web.pages.focus import ticket_focus

ATTACHMENTS = "lampiran"
REPORTER = "reporter"


def _new_ticket_page(user: User, form: Mapping[str, Any], status: int = 200,
                     errors: Mapping[str, list[str]] | None = None,
                     origin: engine.IntakeRequest | None = None) -> ResponseReturnValue:
    errors = errors or {}
    values: Mapping[str, Any] = request.form if request.method == "POST" and status != 413 else {}
    if origin is not None and not values:  # escalating a request: its answers, its reporter
        values = {**origin.data, REPORTER: origin.reporter}
    return page("ticket_new.html", status, form=form,
                fields=forms_render.widgets(form, values, errors),
                reporters=engine.list_reporters(database().uow(), user),
                reporter=values.get(REPORTER, ""), errors=errors, origin=origin,
                new_reporter={name: values.get(name, "") for name in (intake.NEW_NAME,
                                                                      intake.NEW_EMAIL)},
                other_errors=forms_render.other_errors(
                    form, errors, (REPORTER, ATTACHMENTS, intake.NEW_NAME, intake.NEW_EMAIL)))


def _admin() -> User:
    # Only for the too-large answer, given from an error handler where the engine's Forbidden
    # would no longer become a 404.
    user = actor()
    if user.role is not Role.ADMIN:
        abort(404)
    return user


@signed_in
def new_ticket() -> ResponseReturnValue:
    """Step 1 (Admin LPSE): the start form, the reporting user and attachments."""
    user = actor()
    form = engine.start_form(database().uow(), user)
    origin = intake.escalation(user)  # opened from an intake request (?permintaan=ID)
    if request.method == "GET":
        return _new_ticket_page(user, form, origin=origin)
    submission = forms_render.parse(form, request.form, request.files, user.lpse_timezone)
    submission.uploads += forms_render.uploads(request.files, ATTACHMENTS)
    if submission.errors:
        return _new_ticket_page(user, form, 422, submission.errors, origin)
    try:
        if origin is not None:
            ticket = engine.escalate_request(database().uow(), user, origin.id,
                                             submission.data, submission.uploads)
        elif intake.new_reporter_typed():  # added on the spot: account, invitation, ticket
            ticket = engine.open_ticket_for_new_reporter(
                database().uow(), user, request.form.get(intake.NEW_NAME, ""),
                request.form.get(intake.NEW_EMAIL, ""), submission.data, submission.uploads,
                settings=current_app.config.get("SETTINGS"))
        else:
            ticket = engine.open_ticket(database().uow(), user,
                                        request.form.get(REPORTER, ""), submission.data,
                                        submission.uploads)
    except engine.InvalidData as invalid:
        return _new_ticket_page(user, form, 422, invalid.errors, origin)
    flash(_("Tiket %(number)s berhasil dibuat.", number=ticket.number), "success")
    return redirect(url_for(".ticket", ticket_id=ticket.id))


def new_ticket_too_large() -> ResponseReturnValue:
    """The start form again, when the files sent were more than the server takes."""
    user = _admin()
    form = engine.start_form(database().uow(), user)
    return _new_ticket_page(user, form, 413, {ATTACHMENTS: [too_large_message()]})


def too_large_message() -> str:
    """Why a request with files was refused as too large."""
    return _("Berkas terlalu besar untuk dikirim sekaligus. Kirim berkas yang lebih kecil.")


@signed_in
def ticket(ticket_id: int) -> ResponseReturnValue:
    """The ticket: status, Posisi Tiket, thread, attachments and the diagram."""
    user = actor()
    history = engine.ticket_history(database().uow(), user, ticket_id)
    mine = {task.id for task in history.ticket.tasks if task.lane == user.role.value}
    return page("ticket.html", history=history, ticket=history.ticket, my_tasks=mine,
                origin=engine.request_of_ticket(database().uow(), user, ticket_id),
                focus=ticket_focus(history, user),
                diagram_url=url_for(".ticket_diagram", ticket_id=ticket_id))


@signed_in
def ticket_diagram(ticket_id: int) -> ResponseReturnValue:
    """The ticket's pinned diagram and what to highlight, for the bpmn-js viewer."""
    view = engine.ticket_diagram(database().uow(), actor(), ticket_id)
    response = jsonify(xml=formatting.readable_limits(view.bpmn_xml),
                       completed=list(view.completed),
                       taken_flows=list(view.taken_flows), current=list(view.current))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@signed_in
def attachment(ticket_id: int, sha256: str) -> ResponseReturnValue:
    """An attachment of a ticket the user may see; images and PDF shown, others downloaded."""
    found, path = engine.attachment_file(database().uow(), actor(), ticket_id, sha256)
    return attachment_files.send(found, path)
