"""Pending tasks: the caller's inbox, one task, and completing it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, request

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
                              offset=query_int("offset", 0, 0, 10**9),
                              assignee=request.args.get("assignee") or None)
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


@bp.post("/tasks/<uuid:task_id>/claim")
def claim(task_id: UUID) -> dict[str, Any]:
    """Take the task; 409 naming whoever holds it already."""
    return task_json(engine.claim_task(database().uow(), caller(), str(task_id)))


@bp.post("/tasks/<uuid:task_id>/release")
def release(task_id: UUID) -> dict[str, Any]:
    """Put the caller's task back in the queue."""
    return task_json(engine.release_task(database().uow(), caller(), str(task_id)))


@bp.post("/tasks/<uuid:task_id>/assign")
def assign(task_id: UUID) -> dict[str, Any]:
    """Give the task to someone who may complete it (`{"username"}`)."""
    username = json_object().get("username")
    return task_json(engine.assign_task(database().uow(), caller(), str(task_id),
                                        username if isinstance(username, str) else ""))
