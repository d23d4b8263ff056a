"""The one way a ticket changes.

Every use case that changes a ticket (opening it, completing a task, a timer firing, moving
it to another version; comments and claims to come) runs the same steps through a
`TicketChange`, inside one unit of work:

1. load: `begin` (a ticket row the caller read), `start` (a new ticket), or `find_task`
   first for a task with its ticket;
2. apply the change to the SpiffWorkflow workflow (`apply`), if the change touches it;
3. append its events to the ticket's chain (`append`, attachments with `attach`);
4. `save`: the workflow, the ticket row (with its revision check), a row and a due time
   per newly pending task, the notifications about them;
5. `commit`, and keep the workflow in the cache under the row it was saved as.

A concurrent writer of the same ticket (a stale revision, a taken sequence number) makes the
loser's whole transaction roll back: `one_writer` turns that into Conflict, `with_retries`
runs a completion again on the ticket as the winner left it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, ParamSpec, TypeVar, cast

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import Table, bindparam, delete, insert, inspect, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import Conflict, InvalidData
from engine.evidence import chain, journal
from engine.messages import Message
from engine.persistence import repository
from engine.persistence.tables import AttachmentRow, TaskRow, TicketRow, TimerRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.persistence.workflow_cache import Key
from engine.process.definitions import ProcessDefinition
from engine.process.versions import definition_of
from engine.tickets import answers, deadlines, incidents, notifications, runtime, search_index
from engine.tickets.attachments import FIELD, CheckedUpload, ForwardedFile
from engine.tickets.visibility import public_data
from engine.types import Event, TicketStatus

OPEN, CLOSED = TicketStatus.OPEN, TicketStatus.CLOSED
CANCELLED = TicketStatus.CANCELLED
RACED = Message("task_raced")
# A completion that loses the ticket's revision race to a change that left its task pending
# (a timer firing, another task of the ticket) is tried again this many times in all.
COMPLETION_ATTEMPTS = 3
# What a losing concurrent writer gets from the database.
RACE_ERRORS = (StaleDataError, IntegrityError)

P = ParamSpec("P")
R = TypeVar("R")

_TICKETS = cast(Table, TicketRow.__table__)
_TASKS = cast(Table, TaskRow.__table__)
_TIMERS = cast(Table, TimerRow.__table__)
# What a change may set on the ticket row; saved with one UPDATE that checks the revision.
_TICKET_COLUMNS = ("number", "title", "status", "closed_at", "process_version_id",
                   "event_count", "last_hash")
# Built once: they run on every change, and building a statement costs more than running it.
_SAVE_TICKET = (update(_TICKETS)
                .where(_TICKETS.c.id == bindparam("ticket_id"),
                       _TICKETS.c.revision == bindparam("read_revision"))
                .values(revision=bindparam("new_revision"),
                        **{column: bindparam(f"new_{column}") for column in _TICKET_COLUMNS}))
_SAVE_TICKET_AND_WORKFLOW = _SAVE_TICKET.values(workflow=bindparam("new_workflow"))
_COMPLETE_TASK = (update(_TASKS)
                  .where(_TASKS.c.id == bindparam("task_id"), _TASKS.c.completed_at.is_(None))
                  .values(completed_at=bindparam("at"), completed_by_id=bindparam("by")))
_INSERT_TASKS, _INSERT_TIMERS = insert(_TASKS), insert(_TIMERS)
# A task done in time: its waiting timer goes (a timer that fired left its events instead).
_DROP_TIMER = delete(_TIMERS).where(_TIMERS.c.task_id == bindparam("task_id"),
                                    _TIMERS.c.state == deadlines.WAITING)
_TASK_COLUMNS = ("id", "ticket_id", "spec_name", "name", "lane", "sop_step", "lpse_id",
                 "reporter_id", "created_at", "due_at", "completed_at", "completed_by_id")


def one_writer(use_case: Callable[P, R]) -> Callable[P, R]:
    """A concurrent change to the same ticket (stale revision, taken sequence number)
    turns the losing use case into a Conflict; its transaction rolls back whole."""

    @functools.wraps(use_case)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return use_case(*args, **kwargs)
        except RACE_ERRORS as err:
            raise Conflict(RACED) from err

    return run


def with_retries(attempt: Callable[[bool], R], attempts: int = COMPLETION_ATTEMPTS) -> R:
    """Run `attempt(raced)` until it wins the ticket's revision race; Conflict after
    `attempts` losses. `raced` says whether an earlier attempt lost (the winner has
    committed, so the next attempt reads what it wrote)."""
    lost: Exception | None = None
    for _ in range(attempts):
        try:
            return attempt(lost is not None)
        except RACE_ERRORS as err:
            lost = err
    raise Conflict(RACED) from lost


def cache_key(ticket: TicketRow) -> Key:
    """The workflow cache's key of the state a ticket row was saved as."""
    return ticket.id, ticket.revision, ticket.last_hash


def find_task(uow: UnitOfWork, task_id: str) -> tuple[TaskRow, TicketRow, str, str] | None:
    """A task row with its ticket, the ticket's LPSE name and reporter (one query)."""
    return repository.task_with_ticket(uow.session, str(task_id))


class TicketChange:
    """One change to one ticket inside the caller's unit of work (see the module's steps)."""

    def __init__(self, uow: UnitOfWork, ticket: TicketRow, definition: ProcessDefinition,
                 now: datetime, workflow: BpmnWorkflow | None = None,
                 carried_over: set[str] | None = None) -> None:
        self.uow, self.ticket, self.definition, self.now = uow, ticket, definition, now
        # Everything the change writes goes out as plain statements (or at commit), so no
        # query in between needs to flush ORM changes first.
        uow.session.autoflush = False
        self._workflow = workflow
        self._changed = workflow is not None
        self._answer: answers.Answer | None = None  # the step completed, for its notices
        # The status a finished workflow leaves the ticket in (a ticket operation's end:
        # cancelled).
        self.closing_status: TicketStatus = CLOSED
        # The pending tasks that already have rows: no new row, no notification for them.
        self._carried_over = carried_over
        if workflow is not None and carried_over is None:
            self._carried_over = _ready_ids(workflow)

    @property
    def session(self) -> Session:
        """The unit of work's session."""
        return self.uow.session

    @property
    def workflow(self) -> BpmnWorkflow:
        """The ticket's workflow: the cached one saved as this row, else deserialized."""
        if self._workflow is None:
            self._workflow = (self.uow.workflows.take(cache_key(self.ticket))
                              or runtime.load(self.ticket.workflow, self.definition))
            if self._carried_over is None:
                self._carried_over = _ready_ids(self._workflow)
        return self._workflow

    def apply(self, step: Callable[[BpmnWorkflow], R]) -> R:
        """Change the workflow (complete a task, fire a timer); it is saved with the ticket."""
        result = incidents.run_step(self, step)  # JSON data, or an incident and no change
        self._changed = True
        return result

    def attach(self, files: Sequence[CheckedUpload], uploaded_by: int) -> list[dict[str, Any]]:
        """Store uploads for the next event (content-addressed, so a rolled-back change leaves
        at most an unreferenced file); what the event names of them, so the chain covers
        them too."""
        if not files:
            return []
        if self.uow.store is None:
            raise InvalidData({FIELD: [Message("no_attachments_here")]})
        for file in files:
            self.uow.store.put(file.sha256, file.content)
        return [self._file_of_next_event(f.sha256, f.filename, f.content_type, len(f.content),
                                         uploaded_by) for f in files]

    def carry(self, files: Sequence[ForwardedFile], forwarded_by: int) -> list[dict[str, Any]]:
        """Reference files already stored on this ticket again, for the next event (the same
        stored file, no copy); what the event names of them, with where each came from."""
        return [{**self._file_of_next_event(f.sha256, f.filename, f.content_type, f.size,
                                            forwarded_by), "forwarded_from": f.from_seq}
                for f in files]

    def _file_of_next_event(self, sha256: str, filename: str, content_type: str, size: int,
                            by: int) -> dict[str, Any]:
        """A stored file's row for the event about to be appended; what the event names."""
        self.session.add(AttachmentRow(
            ticket_id=self.ticket.id, event_seq=self.ticket.event_count + 1, sha256=sha256,
            filename=filename, content_type=content_type, size=size, uploaded_by_id=by,
            created_at=self.now))
        return {"sha256": sha256, "filename": filename, "content_type": content_type,
                "size": size}

    def append(self, kind: str, *, actor: str, role: str, data: dict[str, Any],
               step: str | None = None, at: str | None = None) -> Event:
        """Append an event to the ticket's chain (its SOP step from the ticket's version)."""
        spec = self.definition.steps.get(step) if step else None
        event = journal.append_to_ticket(
            self.session, self.ticket, actor=actor, role=role, type=kind, data=data,
            task=step, sop_step=spec.sop_step if spec else None, at=at)
        search_index.index_event(self.session, self.ticket, self.definition, event)
        return event

    def complete(self, row: TaskRow, user_id: int, data: Any = None) -> None:
        """Mark a pending task row done by the user (one UPDATE; a row done meanwhile is a
        lost race); its notifications are read now. `data`: the answers, which the
        notifications of this change carry (and never to the one who gave them)."""
        notifications.mark_task_done(self.session, row.id, self.now)
        if isinstance(data, dict):
            schema = self.definition.form(row.spec_name)
            self._answer = answers.Answer(
                row.sop_step, user_id, answers.answer_text(schema, data),
                answers.answer_text(schema, public_data(schema, data)))
        done = self.session.connection().execute(
            _COMPLETE_TASK, {"task_id": row.id, "at": self.now, "by": user_id})
        if done.rowcount != 1:
            raise StaleDataError(f"task {row.id} was completed meanwhile")
        if row.due_at is not None:  # only a step with a time limit has a timer
            self.session.connection().execute(_DROP_TIMER, {"task_id": row.id})
        set_committed_value(row, "completed_at", self.now)
        set_committed_value(row, "completed_by_id", user_id)

    def drop_tasks(self, task_ids: Sequence[str]) -> None:
        """Remove the rows of pending tasks the workflow ended without completing them (a
        ticket operation interrupted them); their waiting timers are cancelled."""
        if task_ids:
            self.session.connection().execute(delete(_TASKS).where(
                _TASKS.c.id.in_(task_ids), _TASKS.c.completed_at.is_(None)))
            self.session.connection().execute(update(_TIMERS).where(
                _TIMERS.c.task_id.in_(task_ids), _TIMERS.c.state == deadlines.WAITING)
                .values(state=deadlines.CANCELLED))

    def insert_tasks(self, rows: Sequence[TaskRow]) -> None:
        """Insert new task rows (one INSERT); the row objects stay out of the session."""
        if rows:
            self.session.connection().execute(_INSERT_TASKS, [
                {column: getattr(row, column) for column in _TASK_COLUMNS} for row in rows])

    def save(self, definition: ProcessDefinition | None = None) -> list[TaskRow]:
        """Store the workflow (if changed) with the ticket; a row, due time and timer per
        newly pending task, whose people are notified. Returns the pending task rows.

        `definition`: the version new task rows are named after (the ticket's by default).
        """
        definition = definition or self.definition
        if not self._changed:
            self._save_ticket(None)
            return list(repository.pending_task_rows(self.session, [self.ticket.id]))
        workflow = self.workflow
        carried_over = self._carried_over or set()
        if workflow.is_completed():
            self.ticket.status, self.ticket.closed_at = self.closing_status, self.now
        self._save_ticket(runtime.dump(workflow))
        ready = runtime.ready_tasks(workflow)
        still = [str(t.id) for t in ready if str(t.id) in carried_over]
        pending = list(repository.task_rows(self.session, still))
        added = []
        for task in ready:
            if str(task.id) in carried_over:
                continue
            step = definition.steps[task.task_spec.name]
            added.append(TaskRow(
                id=str(task.id), ticket_id=self.ticket.id, spec_name=step.spec_name,
                name=step.name, lane=step.lane or "", sop_step=step.sop_step,
                lpse_id=self.ticket.lpse_id, reporter_id=self.ticket.reporter_id,
                created_at=self.now, due_at=None, completed_at=None, completed_by_id=None))
        # Each new task's time limit: its due time on the LPSE's working calendar, and a timer.
        timers = deadlines.schedule_tasks(self.session, self.ticket, added, definition,
                                          self.now)
        self.insert_tasks(added)
        if timers:
            self.session.connection().execute(_INSERT_TIMERS, timers)
        told = notifications.notify_new_tasks(self.session, self.ticket, added, self.now,
                                              answer=self._answer)
        if self._answer is not None:
            notifications.notify_answer(self.session, self.ticket, self._answer, added, told,
                                        self.now)
        return pending + added

    def _save_ticket(self, workflow: bytes | None) -> None:
        """One UPDATE of the ticket row, if it still has the revision read (else a lost race,
        as the ORM's version check would say)."""
        ticket = self.ticket
        values = {column: getattr(ticket, column) for column in _TICKET_COLUMNS}
        if workflow is not None:
            values["workflow"] = workflow
        revision = ticket.revision
        saved = self.session.connection().execute(
            _SAVE_TICKET if workflow is None else _SAVE_TICKET_AND_WORKFLOW,
            {"ticket_id": ticket.id, "read_revision": revision, "new_revision": revision + 1,
             **{f"new_{column}": value for column, value in values.items()}})
        if saved.rowcount != 1:
            raise StaleDataError(f"ticket {ticket.id} changed meanwhile")
        for column, value in [*values.items(), ("revision", revision + 1)]:
            set_committed_value(ticket, column, value)
        # Saved: with no other change pending, the row is clean, so the commit's flush does
        # not walk the ORM's unit of work for it (about 0.2 ms of CPU per change).
        state = inspect(ticket)
        if state.modified and not state.committed_state:
            state._commit_all(state.dict, self.session.identity_map)

    def commit(self) -> None:
        """Commit the unit of work; keep the workflow for the next change of this ticket."""
        self.uow.commit()
        if self._workflow is not None and self._changed:
            self.uow.workflows.keep(cache_key(self.ticket), self._workflow)


def _ready_ids(workflow: BpmnWorkflow) -> set[str]:
    return {str(t.id) for t in runtime.ready_tasks(workflow)}


def begin(uow: UnitOfWork, ticket: TicketRow, *, definition: ProcessDefinition | None = None,
          workflow: BpmnWorkflow | None = None, carried_over: set[str] | None = None,
          now: datetime | None = None) -> TicketChange:
    """A change to a ticket read in this unit of work (its workflow loaded when needed).

    `workflow` is one the caller has already changed (a ticket moved to another version),
    with `carried_over` the pending tasks that have rows.
    """
    return TicketChange(uow, ticket,
                        definition or definition_of(uow.session, ticket.process_version_id),
                        now or datetime.now(UTC), workflow, carried_over)


def start(uow: UnitOfWork, definition: ProcessDefinition, workflow: BpmnWorkflow,
          now: datetime, **columns: Any) -> TicketChange:
    """A new ticket on `definition` with its started workflow: its row is inserted now (it
    needs its id), open, with an empty chain."""
    incidents.check_new(workflow)  # a new ticket's data is JSON too (no ticket: no incident)
    ticket = TicketRow(status=OPEN, process_version_id=definition.version_id, created_at=now,
                       workflow=b"", event_count=0, last_hash=chain.GENESIS, **columns)
    uow.session.add(ticket)
    uow.session.flush()
    return TicketChange(uow, ticket, definition, now, workflow, carried_over=set())
