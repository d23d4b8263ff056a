"""The engine's dataclasses as the JSON shapes of CONTRACT.md (plus a few extra fields)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import engine


def iso(moment: datetime | None) -> str | None:
    """ISO 8601, with its offset (the engine's datetimes are in UTC)."""
    return moment.isoformat() if moment is not None else None


def user_json(user: engine.User) -> dict[str, Any]:
    """GET /me."""
    return {"username": user.username, "role": user.role.value, "lpse": user.lpse,
            "full_name": user.full_name}


def task_json(task: engine.Task) -> dict[str, Any]:
    """A pending task, with the JSON Schema of its form."""
    return {"id": task.id, "ticket_id": task.ticket_id, "name": task.name, "lane": task.lane,
            "sop_step": task.sop_step, "form": task.form, "due_at": iso(task.due_at),
            "step": task.spec_name, "ticket_number": task.ticket_number,
            "ticket_title": task.ticket_title, "lpse": task.lpse,
            "documentation": task.documentation, "created_at": iso(task.created_at),
            "assignee": task.assignee}


def ticket_json(ticket: engine.Ticket) -> dict[str, Any]:
    """A ticket with its pending tasks."""
    return {"id": ticket.id, "number": ticket.number, "status": ticket.status,
            "lpse": ticket.lpse, "reporter": ticket.reporter,
            "process_version": ticket.process_version, "created_at": iso(ticket.created_at),
            "tasks": [task_json(task) for task in ticket.tasks], "title": ticket.title,
            "closed_at": iso(ticket.closed_at)}


def event_json(event: engine.Event) -> dict[str, Any]:
    """An audit event, hash-chained to the one before it."""
    return {"seq": event.seq, "at": event.at, "actor": event.actor, "type": event.type,
            "task": event.task, "sop_step": event.sop_step, "data": event.data,
            "hash": event.hash, "prev_hash": event.prev_hash, "role": event.role}


def version_json(version: engine.ProcessVersion) -> dict[str, Any]:
    """A deployed process version."""
    return {"id": version.id, "number": version.number, "process_id": version.process_id,
            "deployed_at": iso(version.deployed_at), "deployed_by": version.deployed_by,
            "note": version.note, "current": version.current}


def items(values: list[dict[str, Any]]) -> dict[str, Any]:
    """A list answer: `{"items": [...]}`."""
    return {"items": values}
