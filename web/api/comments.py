"""Comments on a ticket outside the SOP steps (CONTRACT.md: POST /tickets/{id}/comments)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

import engine
from web.api.auth import caller
from web.api.inputs import json_object
from web.api.serialize import iso
from web.context import database

bp = Blueprint("comments", __name__)


def comment_json(comment: engine.Comment) -> dict[str, Any]:
    """A comment as the API answers it."""
    return {"id": comment.id, "ticket_id": comment.ticket_id, "seq": comment.seq,
            "author": comment.author, "author_name": comment.author_name,
            "role": comment.role, "text": comment.text, "internal": comment.internal,
            "created_at": iso(comment.created_at),
            "attachments": [{"sha256": a.sha256, "filename": a.filename,
                             "content_type": a.content_type, "size": a.size}
                            for a in comment.attachments]}


@bp.get("/tickets/<id:ticket_id>/comments")
def index(ticket_id: int) -> dict[str, Any]:
    """The ticket's comments in order, as the caller may read them (internal notes only for
    its handlers and the auditor)."""
    found = engine.list_comments(database().uow(), caller(), ticket_id)
    return {"items": [comment_json(comment) for comment in found]}


@bp.post("/tickets/<id:ticket_id>/comments")
def add(ticket_id: int) -> tuple[dict[str, Any], int]:
    """A public reply or an internal note on a ticket: 201 comment; 403, 404, 422."""
    body = json_object()
    comment = engine.add_comment(database().uow(), caller(), ticket_id, body.get("text"),
                                 body.get("internal", False))
    return comment_json(comment), 201
