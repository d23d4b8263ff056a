"""Ticket operations on the ticket page (issue 15): "Tarik tiket" for the ticket's Admin
LPSE, "Tutup sebagai duplikat" for Helpdesk LKPP, while the ticket's diagram allows them;
a cancelled ticket shows how it ended (partials/ticket_operations.html)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue

import engine
from web.context import actor, database
from web.extensions import _
from web.pages import tickets
from web.pages.common import signed_in

REASON, ORIGINAL = "reason", "original"


def _again(ticket_id: int, invalid: engine.InvalidData) -> ResponseReturnValue:
    """The ticket page with the operation form's errors and what was typed (422)."""
    g.operation_errors = dict(invalid.errors)
    g.operation_values = {REASON: request.form.get(REASON, ""),
                          ORIGINAL: request.form.get(ORIGINAL, "")}
    shown = tickets.ticket(ticket_id)
    assert isinstance(shown, tuple)
    return shown[0], 422


@signed_in
def withdraw(ticket_id: int) -> ResponseReturnValue:
    """POST "Tarik tiket": the ticket is cancelled with the reason given."""
    try:
        engine.withdraw_ticket(database().uow(), actor(), ticket_id,
                               request.form.get(REASON, ""))
    except engine.InvalidData as invalid:
        return _again(ticket_id, invalid)
    flash(_("Tiket ditarik."), "success")
    return redirect(url_for(".ticket", ticket_id=ticket_id))


@signed_in
def duplicate(ticket_id: int) -> ResponseReturnValue:
    """POST "Tutup sebagai duplikat": the ticket is cancelled as a duplicate of the original."""
    try:
        engine.close_ticket_as_duplicate(database().uow(), actor(), ticket_id,
                                         request.form.get(ORIGINAL, ""))
    except engine.InvalidData as invalid:
        return _again(ticket_id, invalid)
    flash(_("Tiket ditutup sebagai duplikat."), "success")
    return redirect(url_for(".ticket", ticket_id=ticket_id))


def operations_of(ticket_id: int) -> engine.TicketOperations:
    """For the ticket page: what the viewer may do to the ticket and how it ended."""
    return engine.ticket_operations(database().uow(), actor(), ticket_id)


def _globals() -> dict[str, Any]:
    return {"ticket_operations_of": operations_of}


def register(bp: Blueprint) -> None:
    """Add the operation routes to the pages blueprint; the partial's helper to templates."""
    bp.add_url_rule("/tiket/<id:ticket_id>/tarik", "withdraw_ticket", withdraw,
                    methods=("POST",))
    bp.add_url_rule("/tiket/<id:ticket_id>/duplikat", "duplicate_ticket", duplicate,
                    methods=("POST",))
    bp.app_context_processor(_globals)
