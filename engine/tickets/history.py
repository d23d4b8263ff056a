"""A ticket as people read it: the conversation thread, attachments, and its diagram."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, true

from engine.errors import NotFound
from engine.evidence import read_log
from engine.messages import Message
from engine.persistence import repository
from engine.persistence.tables import (
    AttachmentRow,
    CommentRow,
    ProcessVersionRow,
    TicketRow,
    UserRow,
)
from engine.persistence.unit_of_work import UnitOfWork
from engine.process.definitions import ProcessDefinition
from engine.process.versions import definition_of
from engine.tickets import access, runtime, visibility
from engine.tickets.use_cases import ticket_stream, to_event, to_ticket
from engine.types import (
    Attachment,
    DiagramView,
    Event,
    Field,
    ThreadEntry,
    TicketHistory,
    User,
)


def _visible_ticket(uow: UnitOfWork, actor: User, ticket_id: int) -> TicketRow:
    ticket = uow.session.get(TicketRow, ticket_id)
    if ticket is None or not access.may_see_ticket(actor, ticket):
        raise NotFound(Message("ticket_not_found"))
    return ticket


def _fields(definition: ProcessDefinition, step: str | None,
            form_data: dict[str, Any]) -> tuple[Field, ...]:
    """Submitted values in the order of the form, titled as the form titles them; the
    form's internal fields marked so."""
    schema = definition.form(step) if step is not None and step in definition.steps else {}
    properties = schema.get("properties", {})
    internal = visibility.internal_fields(schema)
    ordered = [name for name in properties if name in form_data]
    ordered += [name for name in form_data if name not in properties]
    return tuple(Field(name, str(properties.get(name, {}).get("title", name)), form_data[name],
                       str(properties.get(name, {}).get("x-title-en", "")),
                       internal=name in internal)
                 for name in ordered)


def _comment_fields(data: dict[str, Any]) -> tuple[Field, ...]:
    """A comment's text as the one field of its thread entry."""
    return (Field("komentar", "Komentar", str(data.get("text", "")), "Comment",
                  internal=bool(data.get("internal"))),)


def _readable(events: list[Event], sees_internal: bool,
              definition: ProcessDefinition) -> list[Event]:
    """The events as the reader may read them (visibility.event_for)."""
    return [event for event in (visibility.event_for(sees_internal, definition, e)
                                for e in events) if event is not None]


def ticket_history(uow: UnitOfWork, actor: User, ticket_id: int) -> TicketHistory:
    """The ticket, its thread (who, role, when, what they submitted) and attachments."""
    with uow:
        session = uow.session
        row = _visible_ticket(uow, actor, ticket_id)
        ticket = to_ticket(session, row)
        definition = definition_of(session, row.process_version_id)
        sees_internal = visibility.may_see_internal(actor, row)
        stored = repository.stream_events(session, ticket_stream(row.id))
        events = _readable([to_event(e) for e in stored], sees_internal, definition)
        shown = {e.seq for e in events}
        names: dict[str, str] = {username: full_name for username, full_name in session.execute(
            select(UserRow.username, UserRow.full_name)
            .where(UserRow.username.in_({e.actor for e in events}))).all()}
        files = [f for f in _attachments(uow, row) if f.event_seq in shown]
        by_seq: dict[int, list[Attachment]] = {}
        for file in files:
            by_seq.setdefault(file.event_seq, []).append(file)
        thread = tuple(
            ThreadEntry(
                seq=e.seq, at=e.at, actor=e.actor, actor_name=names.get(e.actor, e.actor),
                role=e.role, type=e.type, step=e.task,
                step_name=_entry_name(definition, e), sop_step=e.sop_step,
                fields=(_comment_fields(e.data) if e.type == visibility.COMMENT_ADDED
                        else _fields(definition, e.task, dict(e.data.get("form", {})))),
                attachments=tuple(by_seq.get(e.seq, [])),
                step_name_en=_entry_name_en(definition, e),
                internal=visibility.is_internal_event(e.type, e.data))
            for e in events)
        read_log.log_if_auditor(uow, actor, read_log.READ_TICKET_PAGE, row.id, row.number)
        return TicketHistory(ticket, thread, tuple(files))


def _entry_name(definition: ProcessDefinition, event: Event) -> str:
    if event.type == visibility.COMMENT_ADDED:
        return "Catatan internal" if event.data.get("internal") else "Komentar"
    return _step_name(definition, event.task, event.type)


def _entry_name_en(definition: ProcessDefinition, event: Event) -> str:
    if event.type == visibility.COMMENT_ADDED:
        return "Internal note" if event.data.get("internal") else "Comment"
    return _step_name_en(definition, event.task)


def _step_name(definition: ProcessDefinition, step: str | None, fallback: str) -> str:
    found = definition.steps.get(step) if step is not None else None
    return found.name if found is not None else fallback


def _step_name_en(definition: ProcessDefinition, step: str | None) -> str:
    found = definition.steps.get(step) if step is not None else None
    return found.name_en if found is not None else ""


def _hidden_seqs(uow: UnitOfWork, actor: User, ticket: TicketRow) -> set[int]:
    """The events whose files the actor may not get: internal comments, for whoever may not
    see internal items."""
    if visibility.may_see_internal(actor, ticket):
        return set()
    return set(uow.session.scalars(select(CommentRow.event_seq).where(
        CommentRow.ticket_id == ticket.id, CommentRow.internal.is_(True))))


def _attachments(uow: UnitOfWork, ticket: TicketRow,
                 hidden: set[int] | frozenset[int] = frozenset()) -> list[Attachment]:
    rows = uow.session.execute(
        select(AttachmentRow, UserRow.username)
        .join(UserRow, UserRow.id == AttachmentRow.uploaded_by_id)
        .where(AttachmentRow.ticket_id == ticket.id,
               AttachmentRow.event_seq.not_in(hidden) if hidden else true())
        .order_by(AttachmentRow.event_seq, AttachmentRow.id)).all()
    return [Attachment(ticket_id=a.ticket_id, event_seq=a.event_seq, sha256=a.sha256,
                       filename=a.filename, content_type=a.content_type, size=a.size,
                       uploaded_by=username, created_at=a.created_at) for a, username in rows]


def attachment_file(uow: UnitOfWork, actor: User, ticket_id: int,
                    sha256: str) -> tuple[Attachment, Path]:
    """An attachment of a ticket the actor may see, and where its bytes are; else NotFound."""
    with uow:
        ticket = _visible_ticket(uow, actor, ticket_id)
        for attachment in _attachments(uow, ticket, _hidden_seqs(uow, actor, ticket)):
            if attachment.sha256 == sha256 and uow.store is not None:
                path = uow.store.path(sha256)
                if path.is_file():
                    read_log.log_if_auditor(uow, actor, read_log.READ_ATTACHMENT, ticket.id,
                                           attachment.filename)
                    return attachment, path
        raise NotFound(Message("attachment_not_found"))


def ticket_diagram(uow: UnitOfWork, actor: User, ticket_id: int) -> DiagramView:
    """The ticket's pinned diagram and the elements and flows to highlight."""
    with uow:
        session = uow.session
        ticket = _visible_ticket(uow, actor, ticket_id)
        version = session.get(ProcessVersionRow, ticket.process_version_id)
        assert version is not None
        definition = definition_of(session, ticket.process_version_id)
        workflow = runtime.load(ticket.workflow, definition)
        done = [t for t in workflow.get_tasks(state=TaskState.COMPLETED)
                if t.task_spec.name in definition.steps]
        flows = definition.flows
        ready = runtime.ready_tasks(workflow)
        taken = {flows[(t.parent.task_spec.name, t.task_spec.name)] for t in [*done, *ready]
                 if t.parent is not None
                 and (t.parent.task_spec.name, t.task_spec.name) in flows}
        current = [t.task_spec.name for t in ready]
        return DiagramView(bpmn_xml=version.bpmn_xml,
                           completed=tuple(sorted({t.task_spec.name for t in done})),
                           taken_flows=tuple(sorted(taken)), current=tuple(current))
