"""Replay a ticket's events on its pinned version; `engine.integrity` verifies tickets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine import audit, runtime
from engine.definitions import ProcessDefinition
from engine.errors import EskalasiError
from engine.types import Event


def replay(definition: ProcessDefinition, events: Sequence[Event]) -> tuple[Any, list[str]]:
    """A fresh workflow driven by the events alone, and what could not be applied."""
    workflow = None
    problems: list[str] = []
    for event in events:
        try:
            if event.type == audit.TICKET_OPENED:
                if workflow is not None:
                    problems.append(f"event {event.seq}: the ticket is opened a second time")
                workflow = runtime.start(definition)
            elif event.type == audit.TIMER_FIRED:
                if workflow is None:
                    raise EskalasiError("comes before the ticket was opened")
                runtime.fire_timer(workflow, str(event.data.get("task")),
                                   str(event.data.get("timer")))
                continue
            elif event.type != audit.TASK_COMPLETED:
                continue
            form = event.data.get("form", {})
            if workflow is None:
                problems.append(f"event {event.seq}: comes before the ticket was opened")
                return None, problems
            task = runtime.find_ready(workflow, spec_name=event.task)
            runtime.complete(workflow, task, dict(form))
        except EskalasiError as err:
            problems.append(f"event {event.seq} ({event.type}, {event.task}): "
                            f"cannot be replayed: {err}")
            return workflow, problems
    return workflow, problems


def compare(replayed: dict[str, Any], stored: dict[str, Any]) -> list[str]:
    """How the replayed state differs from the stored one, in words."""
    labels = {"completed": "completed tasks", "pending": "pending tasks", "data": "data",
              "finished": "finished"}
    return [f"replay gives different {labels[key]}: {replayed[key]!r} instead of the stored "
            f"{stored[key]!r}" for key in labels if replayed[key] != stored[key]]
