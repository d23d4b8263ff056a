"""Comments on a ticket outside the SOP steps: public replies and the handlers' internal notes.

A comment is an event of the ticket's chain (`comment_added`, appended through the ticket
store without touching the workflow, so replay and verify pass over it) and a row in
`comments` for listing. Who may write one (CONTRACT.md): the ticket's handlers (Admin LPSE of
its LPSE, Helpdesk LKPP); a public one also its reporter. Internal ones are never shown or
sent to the Pengguna SPSE. The people notified are the other participants who may read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from engine.errors import Forbidden, InvalidData, NotFound
from engine.evidence import chain, checkpoints
from engine.messages import Message
from engine.persistence.tables import AttachmentRow, CommentRow, EventRow, TicketRow, UserRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.tickets import access, notifications, store
from engine.tickets.attachments import check_uploads
from engine.tickets.use_cases import ticket_stream
from engine.tickets.visibility import may_see_internal
from engine.types import Attachment, Comment, Role, Upload, User

MAX_TEXT = 5000
TEXT, INTERNAL = "text", "internal"


def may_comment(user: User, ticket: TicketRow, *, internal: bool) -> bool:
    """Handlers may write both kinds; the reporter only public ones; nobody else any."""
    if user.role is Role.HELPDESK:
        return True
    if user.role is Role.ADMIN:
        return user.lpse_id is not None and ticket.lpse_id == user.lpse_id
    if user.role is Role.PENGGUNA:
        return not internal and ticket.reporter_id == user.id
    return False


def _checked(given: Any, internal: Any) -> str:
    if not isinstance(internal, bool):
        raise InvalidData({INTERNAL: [Message("field_type", kind=Message("kind_boolean"))]})
    if not isinstance(given, str):
        raise InvalidData({TEXT: [Message("field_type", kind=Message("kind_text"))]})
    if "\x00" in given:
        raise InvalidData({TEXT: [Message("text_nul")]})
    text = given.strip()
    if not text:
        raise InvalidData({TEXT: [Message("field_required")]})
    if len(text) > MAX_TEXT:
        raise InvalidData({TEXT: [Message("field_max_length", limit=MAX_TEXT)]})
    return text


def add_comment(uow: UnitOfWork, actor: User, ticket_id: int, text: Any, internal: Any = False,
                attachments: Sequence[Upload] = ()) -> Comment:
    """Add a comment (with files) to a ticket the actor may see; its readers are notified.

    NotFound when the actor may not see the ticket; Forbidden when they may see it but not
    write this kind of comment (an auditor; a reporter's internal note); InvalidData for an
    empty or too long text. A comment changes nothing another change could contradict: one
    that loses the ticket's revision race (a step completed meanwhile) is written again on
    the ticket as it now is."""
    return store.with_retries(lambda raced: _add_comment(
        uow, actor, ticket_id, text, internal, attachments))


def _add_comment(uow: UnitOfWork, actor: User, ticket_id: int, text: Any, internal: Any,
                 attachments: Sequence[Upload]) -> Comment:
    with uow:
        session = uow.session
        ticket = session.get(TicketRow, ticket_id) if 0 < ticket_id <= 2**31 - 1 else None
        if ticket is None or not access.may_see_ticket(actor, ticket):
            raise NotFound(Message("ticket_not_found"))
        if not may_comment(actor, ticket, internal=bool(internal)):
            raise Forbidden(Message("comment_internal_handlers_only" if internal
                                    and may_comment(actor, ticket, internal=False)
                                    else "comment_not_allowed"))
        text = _checked(text, internal)
        files = check_uploads(attachments)
        change = store.begin(uow, ticket)
        stored = change.attach(files, actor.id)
        data: dict[str, Any] = {TEXT: text, INTERNAL: internal}
        if stored:
            data["attachments"] = stored
        event = change.append(chain.COMMENT_ADDED, actor=actor.username,
                              role=actor.role.value, data=data)
        change.save()
        row = CommentRow(ticket_id=ticket.id, event_seq=event.seq, author_id=actor.id,
                         text=text, internal=internal, created_at=change.now)
        session.add(row)
        session.flush()
        _notify(uow, ticket, actor, text, internal=internal)
        change.commit()
        checkpoints.after_change(uow)
        return Comment(id=row.id, ticket_id=ticket.id, seq=event.seq, author=actor.username,
                       author_name=actor.full_name, role=actor.role.value, text=text,
                       internal=internal, created_at=row.created_at,
                       attachments=tuple(_files(uow, ticket.id, [event.seq])))


def _readers(uow: UnitOfWork, ticket: TicketRow, *, internal: bool) -> list[str]:
    """Who a comment is for: the reporter (a public one only), the ticket's LPSE admins, and
    the helpdesk people who worked on it (all of the helpdesk while none has)."""
    session = uow.session
    admins = notifications.lane_recipients(session, lane=Role.ADMIN.value,
                                           lpse_id=ticket.lpse_id,
                                           reporter_id=ticket.reporter_id)
    with session.no_autoflush:
        helpdesk = list(session.scalars(
            select(EventRow.actor).where(EventRow.stream == ticket_stream(ticket.id),
                                         EventRow.role == Role.HELPDESK.value)
            .distinct().order_by(EventRow.actor)))
        reporter = session.scalar(select(UserRow.username).where(
            UserRow.id == ticket.reporter_id))
    if not helpdesk:
        helpdesk = notifications.lane_recipients(session, lane=Role.HELPDESK.value,
                                                 lpse_id=ticket.lpse_id,
                                                 reporter_id=ticket.reporter_id)
    readers = [*admins, *helpdesk]
    if not internal and reporter is not None:
        readers.insert(0, reporter)
    return readers


def _notify(uow: UnitOfWork, ticket: TicketRow, author: User, text: str, *,
            internal: bool) -> None:
    """Tell the other readers of the comment, never its author."""
    readers = [name for name in _readers(uow, ticket, internal=internal)
               if name != author.username]
    title = " ".join(ticket.title.split())
    about = f"tiket {ticket.number}" + (f" ({title})" if title else "")
    what = "catatan internal" if internal else "komentar"
    notifications.notify(
        uow.session, recipients=readers, kind=notifications.COMMENT_ADDED, ticket_id=ticket.id,
        subject=f"[{ticket.number}] {what.capitalize()} dari {author.full_name}",
        body=f"{author.full_name} ({author.role.value}) menulis {what} pada {about}:\n\n{text}",
        link=f"/tiket/{ticket.id}#komentar")


def _files(uow: UnitOfWork, ticket_id: int, seqs: Sequence[int]) -> list[Attachment]:
    rows = uow.session.execute(
        select(AttachmentRow, UserRow.username)
        .join(UserRow, UserRow.id == AttachmentRow.uploaded_by_id)
        .where(AttachmentRow.ticket_id == ticket_id, AttachmentRow.event_seq.in_(seqs))
        .order_by(AttachmentRow.event_seq, AttachmentRow.id)).all()
    return [Attachment(ticket_id=a.ticket_id, event_seq=a.event_seq, sha256=a.sha256,
                       filename=a.filename, content_type=a.content_type, size=a.size,
                       uploaded_by=username, created_at=a.created_at) for a, username in rows]


def list_comments(uow: UnitOfWork, actor: User, ticket_id: int) -> list[Comment]:
    """A ticket's comments in order, as the actor may read them (internal ones only for
    those who may see internal items); NotFound when the actor may not see the ticket."""
    with uow:
        session = uow.session
        ticket = session.get(TicketRow, ticket_id) if 0 < ticket_id <= 2**31 - 1 else None
        if ticket is None or not access.may_see_ticket(actor, ticket):
            raise NotFound(Message("ticket_not_found"))
        query = (select(CommentRow, UserRow.username, UserRow.full_name, UserRow.role)
                 .join(UserRow, UserRow.id == CommentRow.author_id)
                 .where(CommentRow.ticket_id == ticket.id))
        if not may_see_internal(actor, ticket):
            query = query.where(CommentRow.internal.is_(False))
        rows = session.execute(query.order_by(CommentRow.event_seq)).all()
        files: dict[int, list[Attachment]] = {}
        for file in _files(uow, ticket.id, [row.event_seq for row, *_ in rows]):
            files.setdefault(file.event_seq, []).append(file)
        return [Comment(id=row.id, ticket_id=row.ticket_id, seq=row.event_seq, author=username,
                        author_name=full_name, role=role, text=row.text, internal=row.internal,
                        created_at=row.created_at,
                        attachments=tuple(files.get(row.event_seq, [])))
                for row, username, full_name, role in rows]
