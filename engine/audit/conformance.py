"""A conformance figure computed in the application (issue 16): the share of closed tickets
whose sequence of completed steps is a path their diagram allows.

pm4py (AGPL) is a test dependency only, so its token-based replay runs offline (README); this
is the figure auditors see beside our replay verification. A diagram is read as the user
tasks that may follow each other: task B may follow task A when a path of sequence flows leads
from A to B through no other user task (gateways, events and script tasks are passed
through, their conditions ignored: "allowed", not "taken for these answers"); a trace must
start at a task reachable from the start event and end at one from which an end event is
reachable. Each ticket is checked against the version it is pinned to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit.inspection import created_between, require_auditor
from engine.persistence.tables import TaskRow, TicketRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.process.definitions import ProcessDefinition
from engine.process.versions import definition_of
from engine.types import Share, TicketStatus, User

USER_TASK = "userTask"
START = ""  # the moves out of the start event(s)


@dataclass(frozen=True)
class Moves:
    """Which user task may follow which, and after which the process may end."""

    follows: dict[str, frozenset[str]]
    may_end: frozenset[str]

    def allows(self, trace: Sequence[str]) -> bool:
        """Whether the tasks, in order, are a path of the diagram from start to end."""
        previous = START
        for task in trace:
            if task not in self.follows.get(previous, frozenset()):
                return False
            previous = task
        return previous in self.may_end


def moves(definition: ProcessDefinition) -> Moves:
    """The user-task moves of a diagram (see the module's docstring)."""
    outgoing: dict[str, list[str]] = defaultdict(list)
    for source, target in definition.flows:
        outgoing[source].append(target)
    kinds = {name: step.kind for name, step in definition.steps.items()}

    def reach(first: Iterable[str]) -> tuple[frozenset[str], bool]:
        tasks: set[str] = set()
        ends, seen, todo = False, set(), list(first)
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            if kinds.get(node) == USER_TASK:
                tasks.add(node)
            elif kinds.get(node) == "endEvent":
                ends = True
            else:
                todo.extend(outgoing.get(node, ()))
        return frozenset(tasks), ends

    starts = [name for name, kind in kinds.items() if kind == "startEvent"]
    follows = {START: reach(t for s in starts for t in outgoing.get(s, ()))[0]}
    may_end: set[str] = set()
    for name, kind in kinds.items():
        if kind == USER_TASK:
            follows[name], ends = reach(outgoing.get(name, ()))
            if ends:
                may_end.add(name)
    return Moves(follows, frozenset(may_end))


def _traces(session: Session, date_from: date | None, date_to: date | None
            ) -> dict[int, tuple[str, list[str]]]:
    found: dict[int, tuple[str, list[str]]] = {}
    rows = session.execute(
        select(TicketRow.id, TicketRow.process_version_id, TaskRow.spec_name)
        .join(TaskRow, TaskRow.ticket_id == TicketRow.id)
        .where(TicketRow.status == TicketStatus.CLOSED, TaskRow.completed_at.is_not(None),
               *created_between(date_from, date_to))
        .order_by(TicketRow.id, TaskRow.completed_at, TaskRow.created_at, TaskRow.id))
    for ticket_id, version_id, spec_name in rows:
        found.setdefault(ticket_id, (version_id, []))[1].append(spec_name)
    return found


def path_conformance(uow: UnitOfWork, actor: User, date_from: date | None = None,
                     date_to: date | None = None) -> Share:
    """Of the closed tickets opened in the date range, how many took a path their
    diagram allows (auditors only)."""
    require_auditor(actor)
    with uow:
        session = uow.session
        traces = _traces(session, date_from, date_to)
        known: dict[str, Moves] = {}
        fitting = 0
        for version_id, trace in traces.values():
            if version_id not in known:
                known[version_id] = moves(definition_of(session, version_id))
            fitting += known[version_id].allows(trace)
    return Share(fitting, len(traces))
