"""Replay a ticket's events on its pinned version and check its hash chain."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from engine import audit, runtime
from engine.definitions import ProcessDefinition
from engine.errors import EskalasiError, NotFound
from engine.persistence import repository
from engine.persistence.tables import TicketRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.services import CLOSED, OPEN, ticket_stream, to_event
from engine.types import Event, Verification
from engine.versions import definition_of


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


def verify_row(uow: UnitOfWork, ticket: TicketRow) -> Verification:
    """Verify one ticket (inside an open unit of work)."""
    session = uow.session
    rows = repository.stream_events(session, ticket_stream(ticket.id))
    events = [to_event(row) for row in rows]
    problems = audit.check_chain(ticket_stream(ticket.id), events, ticket.event_count,
                                 ticket.last_hash)
    definition = definition_of(session, ticket.process_version_id)
    workflow, replay_problems = replay(definition, events)
    problems.extend(replay_problems)
    stored_workflow = runtime.load(ticket.workflow, definition)
    stored = runtime.snapshot(stored_workflow)
    if workflow is not None and not replay_problems:
        problems.extend(compare(runtime.snapshot(workflow), stored))
    expected_status = CLOSED if stored["finished"] else OPEN
    if ticket.status != expected_status:
        problems.append(f"the ticket is marked {ticket.status} but its process is "
                        f"{'finished' if stored['finished'] else 'still running'}")
    return Verification(ticket.id, ticket.number, not problems, tuple(problems))


def verify_tickets(uow: UnitOfWork, references: Iterable[str] | None = None,
                   progress: Callable[[Verification], None] | None = None
                   ) -> list[Verification]:
    """Verify the named tickets (number or id), or every ticket when none are named."""
    results = []
    with uow:
        session = uow.session
        tickets: Iterable[TicketRow]
        if references is None:
            tickets = repository.all_tickets(session)
        else:
            tickets = []
            for reference in references:
                found = repository.ticket_by_reference(session, reference)
                if found is None:
                    raise NotFound(f"no ticket '{reference}'")
                tickets.append(found)
        for ticket in tickets:
            result = verify_row(uow, ticket)
            results.append(result)
            if progress:
                progress(result)
    return results
