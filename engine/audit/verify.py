"""`verify`: every ticket's hash chain, day checkpoints, and replay, fast enough for all.

Replaying a ticket on SpiffWorkflow costs a few milliseconds per step, so verifying every
ticket that way runs at some fifty a second. Two things make it cheap without trusting
anything stored beyond the events:

- Replay is a pure function of the version and the events. What a form submits reaches the
  process only through the expressions of the diagram (gateway conditions, timers), so two
  tickets whose events agree on the names those expressions read take the same path. The
  first ticket of each path is replayed in full; when its replayed data is exactly its forms
  laid over one another, the next ticket of that path gets the same tasks and its own forms
  as data, without running the engine. Diagrams with scripts or other elements whose effect
  on data this cannot see are always replayed in full.
- The stored state is read from its serialized tasks (state, spec, data deltas) rather than
  rebuilt as a workflow; when that reading disagrees with the replay, the workflow is
  rebuilt and compared the usual way, so a difference is never reported on the fast path
  alone.
"""

from __future__ import annotations

import ast
import json
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.audit.replay import compare, replay, replay_across_versions
from engine.errors import NotFound
from engine.evidence import chain, checkpoints, journal
from engine.evidence.chain import canonical_json
from engine.knowledge.stream import KNOWLEDGE_STREAM
from engine.messages import Message
from engine.persistence import repository
from engine.persistence.tables import EventRow, ProcessVersionRow, TicketRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.process.definitions import ProcessDefinition
from engine.process.versions import PROCESS_STREAM, definition_of
from engine.tickets import intake, runtime
from engine.tickets.use_cases import CLOSED, OPEN, ticket_stream
from engine.types import Event, EventType, TicketStatus, Verification

BATCH = 500
FORM_EVENTS = (chain.TICKET_OPENED, chain.TASK_COMPLETED)
# Elements whose only way to read process data is an expression this module parses.
_PLAIN = frozenset({
    "process", "laneSet", "lane", "childLaneSet", "flowNodeRef", "startEvent", "endEvent",
    "userTask", "manualTask", "exclusiveGateway", "sequenceFlow", "conditionExpression",
    "documentation", "extensionElements", "properties", "property", "incoming", "outgoing",
    "textAnnotation", "text", "association", "boundaryEvent", "intermediateCatchEvent",
    "timerEventDefinition", "timeDuration", "timeDate", "timeCycle", "terminateEventDefinition",
    "messageEventDefinition",
})
# What `verification.replay` reads of other events' data (keep in step with it): a timer
# that fired is the same to replay whenever it was due; an overdue step changes nothing.
_REPLAY_READS: dict[str, tuple[str, ...]] = {chain.TIMER_FIRED: ("task", "timer"),
                                             chain.STEP_OVERDUE: ()}
# Who holds a task (issue 13) changes nothing replay sees either.
_REPLAY_READS.update({kind: () for kind in (EventType.TASK_CLAIMED, EventType.TASK_RELEASED,
                                            EventType.TASK_ASSIGNED)})
# Nor does a comment (its text is the chain's business, not the workflow's).
_REPLAY_READS[EventType.COMMENT_ADDED] = ()
# A ticket operation delivers its message whatever the reason or original (issue 15).
_REPLAY_READS.update({kind: () for kind in (EventType.TICKET_WITHDRAWN,
                                            EventType.TICKET_CLOSED_AS_DUPLICATE)})
# Ticket operations (issue 15): a process they finish leaves the ticket cancelled.
_CANCELLING = frozenset({EventType.TICKET_WITHDRAWN, EventType.TICKET_CLOSED_AS_DUPLICATE})
_EXPRESSIONS = frozenset({"conditionExpression", "timeDuration", "timeDate", "timeCycle"})


@dataclass(frozen=True)
class Shape:
    """What the diagram's expressions can read: the names, or None when it cannot be known."""

    names: tuple[str, ...] | None
    manual: frozenset[str]


@dataclass
class Run:
    """State shared across one verify run: snapshots by path, checkpoint heads."""

    heads: checkpoints.Heads = field(default_factory=dict)
    paths: dict[Any, dict[str, Any] | None] = field(default_factory=dict)


@cache
def _names_read(bpmn_xml: str) -> frozenset[str] | None:
    """Every name the diagram's expressions read, or None if something else may read data."""
    try:
        root = etree.fromstring(bpmn_xml.encode())
    except etree.XMLSyntaxError:
        return None
    names: set[str] = set()
    for process in root.iter("{*}process"):
        for element in process.iter():
            if not isinstance(element.tag, str):
                continue
            tag = etree.QName(element).localname
            if tag not in _PLAIN:
                return None
            if tag in _EXPRESSIONS and (element.text or "").strip():
                try:
                    tree = ast.parse(element.text.strip(), mode="eval")
                except SyntaxError:
                    return None
                names.update(n.id for n in ast.walk(tree) if isinstance(n, ast.Name))
    return frozenset(names)


_shapes: dict[str, Shape] = {}


def _shape(session: Session, definition: ProcessDefinition) -> Shape:
    found = _shapes.get(definition.version_id)
    if found is None:
        row = session.get(ProcessVersionRow, definition.version_id)
        names = _names_read(row.bpmn_xml) if row is not None else None
        manual = frozenset(name for name, spec in definition.spec.task_specs.items()
                           if getattr(spec, "manual", False))
        found = _shapes.setdefault(definition.version_id,
                                   Shape(None if names is None else tuple(sorted(names)),
                                         manual))
    return found


_SCALARS = (str, int, float, bool, type(None))


def _value_key(value: Any) -> Any:
    """A hashable stand-in for a JSON value that tells True from 1 and 1 from 1.0."""
    if isinstance(value, _SCALARS):
        return type(value).__name__, value
    return "json", canonical_json(value)


def _path_key(version: str, events: Sequence[Event], names: tuple[str, ...]) -> Any:
    """The events as far as the diagram's expressions (and replay) can tell them apart."""
    parts: list[Any] = [version]
    for event in events:
        if event.type in FORM_EVENTS:
            form = event.data.get("form", {})
            seen = tuple((name, _value_key(form[name])) for name in names if name in form)
            parts.append((event.type, event.task, seen))
        elif event.type in _REPLAY_READS:
            reads = _REPLAY_READS[event.type]
            parts.append((event.type, event.task,
                          tuple(_value_key(event.data.get(name)) for name in reads)))
        else:
            parts.append((event.type, event.task, canonical_json(event.data)))
    return tuple(parts)


def overlay(events: Iterable[Event]) -> dict[str, Any]:
    """The forms of a ticket's events laid over one another, in order."""
    data: dict[str, Any] = {}
    for event in events:
        if event.type in FORM_EVENTS:
            data.update(event.data.get("form", {}))
    return data


def _replayed(session: Session, run: Run, ticket: TicketRow, shape: Shape,
              definition: ProcessDefinition,
              events: Sequence[Event]) -> tuple[dict[str, Any] | None, list[str]]:
    """The replayed snapshot (None when it could not be replayed) and replay problems."""
    if any(event.type == chain.TICKET_MIGRATED for event in events):
        return replay_across_versions(session, ticket, events)
    key = None
    if shape.names is not None:
        key = _path_key(definition.version_id, events, shape.names)
        known = run.paths.get(key)
        if known is not None:
            return {**known, "data": overlay(events)}, []
    workflow, problems = replay(definition, events)
    if workflow is None or problems:
        return None, problems
    snapshot = runtime.snapshot(workflow)
    if key is not None and snapshot["data"] == overlay(events):
        run.paths[key] = {k: v for k, v in snapshot.items() if k != "data"}
    return snapshot, []


def stored_snapshot(blob: bytes, manual: frozenset[str]) -> dict[str, Any] | None:
    """`runtime.snapshot` of a stored workflow read from its tasks; None when unsure."""
    try:
        document = json.loads(zlib.decompress(blob))
        tasks: dict[str, dict[str, Any]] = document["tasks"]
        if document.get("subprocesses"):
            return None
        def data_of(task_id: str) -> dict[str, Any]:
            chain = []
            task: dict[str, Any] | None = tasks[task_id]
            while task is not None:
                chain.append(task)
                task = tasks[task["parent"]] if task["parent"] is not None else None
            data = dict(chain[-1]["data"])
            for step in reversed(chain[:-1]):
                delta = step.get("delta") or {}
                data.update(delta.get("updates", {}))
                for gone in delta.get("deletions", []):
                    data.pop(gone, None)
            return data

        user = [t for t in tasks.values() if t["task_spec"] in manual]
        done = sorted((t for t in user if t["state"] == TaskState.COMPLETED),
                      key=lambda t: t["last_state_change"])
        ready = sorted((t for t in user if t["state"] == TaskState.READY),
                       key=lambda t: (t["task_spec"], t["id"]))
        if ready:
            data = data_of(ready[0]["id"])
        elif document.get("last_task"):
            data = data_of(document["last_task"])
        else:
            data = dict(document.get("data", {}))
        return {"completed": [t["task_spec"] for t in done],
                "pending": [t["task_spec"] for t in ready], "data": data,
                "finished": not any(t["state"] & TaskState.NOT_FINISHED_MASK
                                    for t in tasks.values())}
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError, zlib.error):
        return None


def _to_event(row: Any) -> Event:
    return Event(seq=row.seq, at=row.at, actor=row.actor, role=row.role, type=row.type,
                 task=row.task, sop_step=row.sop_step, data=row.data, hash=row.hash,
                 prev_hash=row.prev_hash)


_EVENT_COLUMNS = (EventRow.stream, EventRow.seq, EventRow.at, EventRow.actor, EventRow.role,
                  EventRow.type, EventRow.task, EventRow.sop_step, EventRow.data,
                  EventRow.hash, EventRow.prev_hash)


def _events_of(session: Session, tickets: Sequence[TicketRow]) -> dict[str, list[Event]]:
    streams = [ticket_stream(t.id) for t in tickets]
    found: dict[str, list[Event]] = {stream: [] for stream in streams}
    rows = session.execute(select(*_EVENT_COLUMNS).where(EventRow.stream.in_(streams))
                           .order_by(EventRow.stream, EventRow.seq, EventRow.id))
    for row in rows:
        found[row.stream].append(_to_event(row))
    return found


def verify_one(session: Session, run: Run, ticket: TicketRow,
               events: Sequence[Event]) -> Verification:
    """Chain, checkpoint, replay and stored state of one ticket."""
    stream = ticket_stream(ticket.id)
    problems = chain.check_chain(stream, events, ticket.event_count, ticket.last_hash)
    problems += checkpoints.check_stream(stream, [e.hash for e in events], run.heads)
    definition = definition_of(session, ticket.process_version_id)
    shape = _shape(session, definition)
    if any(event.type == chain.TICKET_MIGRATED for event in events):
        # moved between versions: replayed on each in turn, never from the path cache
        replayed, replay_problems = replay_across_versions(session, ticket, events)
    else:
        replayed, replay_problems = _replayed(session, run, ticket, shape, definition, events)
    problems += replay_problems
    stored = stored_snapshot(ticket.workflow, shape.manual)
    if stored is None or (replayed is not None and stored != replayed):
        stored = runtime.snapshot(runtime.load(ticket.workflow, definition))
    if replayed is not None:
        problems += compare(replayed, stored)
    expected_status = CLOSED if stored["finished"] else OPEN
    if stored["finished"] and any(event.type in _CANCELLING for event in events):
        expected_status = TicketStatus.CANCELLED  # withdrawn / closed as a duplicate
    if ticket.status != expected_status:
        problems.append(f"the ticket is marked {ticket.status} but its process is "
                        f"{'finished' if stored['finished'] else 'still running'}")
    return Verification(ticket.id, ticket.number, not problems, tuple(problems))


def _batches(session: Session, references: Iterable[str] | None) -> Iterator[list[TicketRow]]:
    if references is not None:
        tickets = []
        for reference in references:
            found = repository.ticket_by_reference(session, reference)
            if found is None:
                raise NotFound(Message("ticket_reference_not_found", reference=reference))
            tickets.append(found)
        for start in range(0, len(tickets), BATCH):
            yield tickets[start:start + BATCH]
        return
    last = 0
    while True:
        batch = list(session.scalars(select(TicketRow).where(TicketRow.id > last)
                                     .order_by(TicketRow.id).limit(BATCH)))
        if not batch:
            return
        yield batch
        last = batch[-1].id
        session.expunge_all()


def verify_tickets(uow: UnitOfWork, references: Iterable[str] | None = None,
                   progress: Callable[[Verification], None] | None = None,
                   anchor: str | None = None,
                   witness: Path | None = None) -> list[Verification]:
    """Verify the named tickets (number or id), or every ticket when none are named.

    Besides each ticket's own chain and replay, its stream must still hold the head its
    newest day checkpoint recorded. Problems of the checkpoint chain itself (and tickets it
    names that are gone) come back as one extra result numbered "checkpoints", when every
    ticket is verified or an `anchor` (a checkpoint hash kept elsewhere) or a `witness` file
    (every line's hash; OSError or ValueError when it cannot be read) is given; when every
    ticket is verified, so do problems of the deployments' chain, numbered "process", and of
    the directory's and accounts' chain, numbered "people".
    """
    results: list[Verification] = []
    anchors = ([anchor] if anchor else []) + (
        checkpoints.read_witness(witness) if witness is not None else [])
    with uow:
        session = uow.session
        chain_problems, heads = checkpoints.check_checkpoints(
            checkpoints.list_checkpoints(session), anchors)
        run = Run(heads=heads)
        for batch in _batches(session, references):
            events = _events_of(session, batch)
            for ticket in batch:
                result = verify_one(session, run, ticket, events[ticket_stream(ticket.id)])
                results.append(result)
                if progress:
                    progress(result)
        extra: list[Verification] = []
        if references is None:
            present = {ticket_stream(i) for i in session.scalars(select(TicketRow.id))}
            chain_problems += checkpoints.missing_streams(heads, present)
            process = _process_problems(session, heads)
            if process:
                extra.append(Verification(0, PROCESS_STREAM, False, tuple(process)))
            extra += _own_streams(session, heads)
        if chain_problems and (references is None or anchors):
            extra.append(Verification(0, "checkpoints", False, tuple(chain_problems)))
        for result in extra:
            results.append(result)
            if progress:
                progress(result)
    return results


def _process_problems(session: Session, heads: checkpoints.Heads) -> list[str]:
    """The deployments' own chain (stream `process`): edits, gaps, a truncated tail."""
    events = _events_of_stream(session, PROCESS_STREAM)
    problems = chain.check_chain(PROCESS_STREAM, events)
    problems += checkpoints.check_stream(PROCESS_STREAM, [e.hash for e in events], heads)
    return problems


def _own_streams(session: Session, heads: checkpoints.Heads) -> list[Verification]:
    """The streams of their own chain: the directory and accounts (`people`), each intake
    request, the knowledge base (`knowledge`, issue 17); one result per stream with
    problems."""
    found: list[Verification] = []
    people = _stream_problems(session, journal.PEOPLE_STREAM, heads)
    if people:
        found.append(Verification(0, journal.PEOPLE_STREAM, False, tuple(people)))
    found += intake.verify_requests(session, heads)
    knowledge = _stream_problems(session, KNOWLEDGE_STREAM, heads)
    if knowledge:
        found.append(Verification(0, KNOWLEDGE_STREAM, False, tuple(knowledge)))
    return found


def _stream_problems(session: Session, stream: str, heads: checkpoints.Heads) -> list[str]:
    """A stream of its own chain (the directory and accounts, `people`): edits, gaps, a
    truncated tail."""
    events = _events_of_stream(session, stream)
    return [*chain.check_chain(stream, events),
            *checkpoints.check_stream(stream, [e.hash for e in events], heads)]


def _events_of_stream(session: Session, stream: str) -> list[Event]:
    return [_to_event(row) for row in session.execute(
        select(*_EVENT_COLUMNS).where(EventRow.stream == stream)
        .order_by(EventRow.seq, EventRow.id))]


def count_tickets(uow: UnitOfWork) -> int:
    """How many tickets there are (for a progress bar)."""
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(TicketRow)) or 0)
