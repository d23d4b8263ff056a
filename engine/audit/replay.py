"""Replay a ticket's events on its pinned version; `engine.audit.verify` verifies tickets."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy.orm import Session

from engine.errors import EskalasiError, NotFound
from engine.evidence import chain
from engine.messages import Message
from engine.persistence.tables import ProcessVersionRow, TicketRow
from engine.process.definitions import ProcessDefinition
from engine.process.versions import definition_of
from engine.process.workflows import send_message
from engine.tickets import runtime
from engine.tickets.repin import move
from engine.tickets.ticket_operations import OPERATION_MESSAGES
from engine.types import Event


def replay(definition: ProcessDefinition, events: Sequence[Event],
           versions: Callable[[str], ProcessDefinition] | None = None
           ) -> tuple[Any, list[str]]:
    """A fresh workflow driven by the events alone, and what could not be applied.

    A ticket moved to another version starts on `definition` (the one it was opened on) and,
    from its `ticket_migrated` event on, goes on on the version `versions` gives.
    """
    workflow = None
    problems: list[str] = []
    for event in _announced(events, lambda: workflow):  # noqa: B023 - the one now
        try:
            if event.type == chain.TICKET_OPENED:
                if workflow is not None:
                    problems.append(f"event {event.seq}: the ticket is opened a second time")
                workflow = runtime.start(definition)
            elif event.type == chain.TICKET_MIGRATED:
                definition = _migrated(workflow, definition, event, versions)
                continue
            elif event.type in _CAUGHT:
                _catch(workflow, definition, event)
                continue
            elif event.type != chain.TASK_COMPLETED:
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


# Events the diagram catches: a timer firing, a ticket operation's message (issue 15).
_CAUGHT = frozenset({chain.TIMER_FIRED, *OPERATION_MESSAGES})


def _catch(workflow: Any, definition: ProcessDefinition, event: Event) -> None:
    """Fire the event's timer, or deliver its ticket operation's message (withdrawn, closed
    as a duplicate), as the ticket's change did."""
    if workflow is None:
        raise EskalasiError("comes before the ticket was opened")
    if event.type == chain.TIMER_FIRED:
        runtime.fire_timer(workflow, str(event.data.get("task")), str(event.data.get("timer")))
    else:
        send_message(workflow, definition, OPERATION_MESSAGES[event.type])


def _migrated(workflow: Any, definition: ProcessDefinition, event: Event,
              versions: Callable[[str], ProcessDefinition] | None) -> ProcessDefinition:
    """Move the replayed workflow as the event says; the version it moves to."""
    if workflow is None:
        raise EskalasiError("comes before the ticket was opened")
    if event.data.get("from_version") != definition.version_id:
        raise EskalasiError(f"moves the ticket from version {event.data.get('from_version')!r}"
                            f" but it was on {definition.version_id!r}")
    if versions is None:
        raise EskalasiError("a move to another version needs the stored versions")
    target = versions(str(event.data.get("to_version", "")))
    move(workflow, target)
    return target


def compare(replayed: dict[str, Any], stored: dict[str, Any]) -> list[str]:
    """How the replayed state differs from the stored one, in words."""
    labels = {"completed": "completed tasks", "pending": "pending tasks", "data": "data",
              "finished": "finished"}
    return [f"replay gives different {labels[key]}: {replayed[key]!r} instead of the stored "
            f"{stored[key]!r}" for key in labels if replayed[key] != stored[key]]


def replay_across_versions(session: Session, ticket: TicketRow, events: Sequence[Event]
                           ) -> tuple[dict[str, Any] | None, list[str]]:
    """Replay a migrated ticket: on the version it was opened on up to its first
    `ticket_migrated` event, then on each version it was moved to; it must end on the
    version it is pinned to. The replayed snapshot (None when it failed) and problems."""
    moves = [e for e in events if e.type == chain.TICKET_MIGRATED]
    opened = next((e for e in events if e.type == chain.TICKET_OPENED), None)
    first = str(moves[0].data.get("from_version", "")) if moves else ticket.process_version_id
    if opened is not None and opened.data.get("process_version", first) != first:
        return None, [f"event {moves[0].seq}: moves the ticket from version {first!r} but it "
                      f"was opened on {opened.data.get('process_version')!r}"]

    def version(version_id: str) -> ProcessDefinition:
        if session.get(ProcessVersionRow, version_id) is None:
            raise NotFound(Message("version_not_stored", version=version_id))
        return definition_of(session, version_id)

    try:
        start = version(first)
    except NotFound as err:
        return None, [f"event {moves[0].seq if moves else 1}: {err}"]
    workflow, problems = replay(start, events, version)
    if workflow is None or problems:
        return None, problems
    if workflow.spec is not definition_of(session, ticket.process_version_id).spec:
        return None, [f"the ticket is pinned to version {ticket.process_version_id!r} but its "
                      f"events leave it on another one"]
    return runtime.snapshot(workflow), []


# Called after each event `replay` applies, with the workflow as it then stands (the
# auditor's replay view steps through these); None outside `observing`.
_observer: ContextVar[Callable[[Event, Any], None] | None] = ContextVar("observer",
                                                                        default=None)


def _announced(events: Sequence[Event], workflow: Callable[[], Any]) -> Iterator[Event]:
    observer = _observer.get()
    for event in events:
        yield event
        if observer is not None:
            observer(event, workflow())


@contextmanager
def observing(observer: Callable[[Event, Any], None]) -> Iterator[None]:
    """Inside the block, `replay` calls `observer(event, workflow)` after each event."""
    token = _observer.set(observer)
    try:
        yield
    finally:
        _observer.reset(token)
