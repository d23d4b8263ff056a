"""Tickets: the step-1 form, opening, reading, their events, and verifying them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, url_for

import engine
from web.api.auth import caller
from web.api.inputs import json_object, query_int
from web.api.problems import invalid
from web.api.serialize import event_json, items, ticket_json
from web.context import database
from web.extensions import _

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
    """The tickets the caller may see, newest first; narrowed by `q` (words: best match
    first), `lpse` (its kode), `step` (a pending SOP step), `assignee`; `sort=due`."""
    tickets = engine.find_tickets(database().uow(), caller(), ticket_query(),
                                  limit=query_int("limit", 100, 1, 500),
                                  offset=query_int("offset", 0, 0, 10**9))
    return items([ticket_json(ticket) for ticket in tickets])


def ticket_query() -> engine.TicketQuery:
    """The list's search and filters from the query string (an unknown `sort` is 422)."""
    sort = request.args.get("sort", "")
    if sort not in ("", engine.SORT_DUE):
        raise invalid({"sort": [_("Urutan yang dikenal: %(known)s.", known=engine.SORT_DUE)]})
    step = query_int("step", 0, 1, 99)
    return engine.TicketQuery(
        text=request.args.get("q", ""), lpse_code=request.args.get("lpse", ""),
        sop_step=step or None, assignee=request.args.get("assignee", ""), sort=sort)


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
