"""Ticket operations of the diagram (issue 15): POST /tickets/{id}/withdraw {"reason"} and
POST /tickets/{id}/duplicate {"original"}; 200 ticket, 403, 404, 409, 422."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

import engine
from web.api.auth import caller
from web.api.inputs import json_object
from web.api.serialize import ticket_json
from web.context import database

bp = Blueprint("ticket_operations", __name__)


@bp.post("/tickets/<id:ticket_id>/withdraw")
def withdraw(ticket_id: int) -> dict[str, Any]:
    """The Admin LPSE withdraws the ticket with a reason; it is cancelled."""
    body = json_object()
    return ticket_json(engine.withdraw_ticket(database().uow(), caller(), ticket_id,
                                              body.get("reason")))


@bp.post("/tickets/<id:ticket_id>/duplicate")
def duplicate(ticket_id: int) -> dict[str, Any]:
    """Helpdesk LKPP closes the ticket as a duplicate of the ticket numbered `original`."""
    body = json_object()
    return ticket_json(engine.close_ticket_as_duplicate(database().uow(), caller(), ticket_id,
                                                        body.get("original")))
