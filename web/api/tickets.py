"""Tickets: the step-1 form, opening, reading, their events, and verifying them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for

import engine
from web.api.auth import caller
from web.api.inputs import json_object, query_int
from web.api.serialize import event_json, items, ticket_json
from web.context import database

bp = Blueprint("tickets", __name__)
TICKET_ID = "<id:ticket_id>"


@bp.get("/tickets/start-form")
def start_form() -> dict[str, Any]:
    """The JSON Schema of step 1 (Admin LPSE)."""
    return {"form": engine.start_form(database().uow(), caller())}


@bp.post("/tickets")
def open_ticket() -> tuple[dict[str, Any], int, dict[str, str]]:
    """Step 1: an Admin LPSE opens a ticket for a Pengguna SPSE of their LPSE."""
    body = json_object()
    reporter = body.get("reporter")
    ticket = engine.open_ticket(database().uow(), caller(),
                                reporter if isinstance(reporter, str) else "", body.get("data"))
    return ticket_json(ticket), 201, {"Location": url_for(".show", ticket_id=ticket.id)}


@bp.get("/tickets")
def index() -> dict[str, Any]:
    """The tickets the caller may see, newest first."""
    tickets = engine.list_tickets(database().uow(), caller(),
                                  limit=query_int("limit", 100, 1, 500),
                                  offset=query_int("offset", 0, 0, 10**9))
    return items([ticket_json(ticket) for ticket in tickets])


@bp.get(f"/tickets/{TICKET_ID}")
def show(ticket_id: int) -> dict[str, Any]:
    """One ticket the caller may see."""
    return ticket_json(engine.get_ticket(database().uow(), caller(), ticket_id))


@bp.get(f"/tickets/{TICKET_ID}/events")
def events(ticket_id: int) -> dict[str, Any]:
    """The ticket's audit events in order."""
    found = engine.list_events(database().uow(), caller(), ticket_id)
    return items([event_json(event) for event in found])


@bp.get(f"/tickets/{TICKET_ID}/verify")
def verify(ticket_id: int) -> dict[str, Any]:
    """Replay the ticket and check its hash chain (auditor).

    Whoever may not see the ticket gets 404, as for any ticket; whoever may see it but is
    not an auditor gets 403.
    """
    result = engine.verify_ticket(database().uow(), caller(), ticket_id)
    return {"ticket": result.ticket_number, "ok": result.ok, "detail": list(result.problems)}
