"""The caller's in-app notifications: list them, mark one or all read."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

import engine
from web.api.auth import caller
from web.api.inputs import query_int
from web.api.problems import invalid
from web.api.serialize import iso
from web.context import database
from web.extensions import _

bp = Blueprint("notifications", __name__)


def notification_json(note: engine.Notification) -> dict[str, Any]:
    """A notification: a new task, a request for data, solved, a reminder."""
    return {"id": note.id, "kind": note.kind, "ticket_id": note.ticket_id,
            "subject": note.subject, "body": note.body, "link": note.link,
            "created_at": iso(note.created_at), "read_at": iso(note.read_at)}


def _flag(name: str) -> bool:
    """An optional boolean query parameter: `true` or `false` (422 otherwise)."""
    raw = request.args.get(name, "false")
    if raw not in {"true", "false"}:
        raise invalid({name: [_("Harus true atau false.")]})
    return raw == "true"


@bp.get("/notifications")
def index() -> dict[str, Any]:
    """The caller's own notifications, newest first (`?unread=true`: only unread ones)."""
    uow = database().uow
    found = engine.list_notifications(
        uow(), caller(), limit=query_int("limit", 100, 1, 500),
        offset=query_int("offset", 0, 0, 10**9),
        unread_only=_flag("unread"))
    return {"items": [notification_json(note) for note in found],
            "unread": engine.count_unread(uow(), caller())}


@bp.post("/notifications/<id:notification_id>/read")
def mark_read(notification_id: int) -> dict[str, Any]:
    """Mark one of the caller's notifications read; 404 for anyone else's."""
    return notification_json(
        engine.mark_notification_read(database().uow(), caller(), notification_id))


@bp.post("/notifications/read")
def mark_all_read() -> dict[str, Any]:
    """Mark every notification of the caller read."""
    return {"marked": engine.mark_all_notifications_read(database().uow(), caller())}
