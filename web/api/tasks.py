"""Pending tasks: the caller's inbox, one task, and completing it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint

import engine
from web.api.auth import caller
from web.api.inputs import json_object, query_int
from web.api.serialize import items, task_json, ticket_json
from web.context import database

bp = Blueprint("tasks", __name__)


@bp.get("/tasks")
def index() -> dict[str, Any]:
    """The pending tasks the caller may complete, oldest first."""
    tasks = engine.list_tasks(database().uow(), caller(),
                              limit=query_int("limit", 100, 1, 500),
                              offset=query_int("offset", 0, 0, 10**9))
    return items([task_json(task) for task in tasks])


@bp.get("/tasks/<uuid:task_id>")
def show(task_id: UUID) -> dict[str, Any]:
    """One pending task the caller may complete."""
    return task_json(engine.get_task(database().uow(), caller(), str(task_id)))


@bp.post("/tasks/<uuid:task_id>/complete")
def complete(task_id: UUID) -> dict[str, Any]:
    """Complete the task with its form data; the answer is the ticket as it now stands."""
    body = json_object()
    ticket = engine.complete_task(database().uow(), caller(), str(task_id), body.get("data"))
    return ticket_json(ticket)
