"""Forms pre-filled from earlier steps, where the diagram says so.

A form field may name an earlier step's field with `"x-prefill-from": "<field>"`: when the
task's form is given out (the task page, the API's task), the latest value of that field in
the ticket's answers becomes the field's `default`, for the person to check and change
rather than retype (step 6 from step 5's note, step 10 from the reporter's data of step 9).
A Pengguna SPSE's form is never filled from an internal field.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.evidence.journal import ticket_stream
from engine.persistence.tables import EventRow
from engine.process.definitions import ProcessDefinition
from engine.process.prefill import prefill_sources
from engine.process.visibility import internal_fields
from engine.types import Role, Task

ANSWER_EVENTS = ("ticket_opened", "task_completed")


def sources(schema: Mapping[str, Any]) -> dict[str, str]:
    """Field -> the earlier field it is pre-filled from, as the form names them."""
    return {name: source for name, source in prefill_sources(schema).items()
            if isinstance(source, str)}


def with_defaults(schema: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, Any]:
    """The schema with each pre-filled field's `default` set from `answers` (a copy)."""
    filled = copy.deepcopy(dict(schema))
    for name, source in sources(schema).items():
        value = answers.get(source)
        if value is None or value == "":
            continue
        part = filled["properties"][name]
        if "default" not in part and _fits(part, value):
            part["default"] = value
    return filled


def _fits(part: Mapping[str, Any], value: Any) -> bool:
    kind = part.get("type")
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind in ("integer", "number"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    return True


def latest_answers(session: Session, ticket_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Per ticket, the latest value of every field answered so far (from its events)."""
    found: dict[int, dict[str, Any]] = {ticket_id: {} for ticket_id in ticket_ids}
    streams = {ticket_stream(ticket_id): ticket_id for ticket_id in ticket_ids}
    rows = session.execute(
        select(EventRow.stream, EventRow.data)
        .where(EventRow.stream.in_(list(streams)), EventRow.type.in_(ANSWER_EVENTS))
        .order_by(EventRow.stream, EventRow.seq))
    for stream, data in rows:
        form = data.get("form") if isinstance(data, Mapping) else None
        if isinstance(form, Mapping):
            found[streams[stream]].update(form)
    return found


def _internal(definition: ProcessDefinition) -> frozenset[str]:
    names: set[str] = set()
    for form in definition.forms.values():
        names |= internal_fields(form)
    return frozenset(names)


def prefill_tasks(session: Session, tasks: Sequence[Task],
                  definitions: Mapping[int, ProcessDefinition]) -> list[Task]:
    """The tasks with their forms pre-filled (`definitions`: by ticket id); one query for
    all the tasks whose forms ask for it, none otherwise."""
    wanted = [task for task in tasks if sources(task.form)]
    if not wanted:
        return list(tasks)
    answers = latest_answers(session, sorted({task.ticket_id for task in wanted}))
    result = []
    for task in tasks:
        if not sources(task.form):
            result.append(task)
            continue
        given = answers.get(task.ticket_id, {})
        if task.lane == Role.PENGGUNA.value:
            hidden = _internal(definitions[task.ticket_id])
            given = {name: value for name, value in given.items() if name not in hidden}
        result.append(replace(task, form=with_defaults(task.form, given)))
    return result
