"""Ticket operations that the diagram carries (issue 15): withdrawing a ticket and closing it
as a duplicate of another.

Each is a message the diagram catches, not code beside the engine: the shipped diagram has
two interrupting message boundary events on step 2 (`tiket_ditarik` "Tiket ditarik",
`tiket_duplikat` "Duplikat"), each leading to an end event. An operation is allowed exactly
while an event of the ticket's workflow waits for its message, so owners decide where it is
allowed by placing the events in the editor:

- withdraw: the Admin LPSE of the ticket's LPSE, with a reason, "before LKPP starts
  handling it", i.e. while step 2 (Helpdesk LKPP receives and studies the problem) has not
  been completed (a claim of step 2 does not count as handling);
- close as a duplicate: Helpdesk LKPP, naming the original's number (a ticket that exists,
  that they may see, and not this one), while the diagram waits for `tiket_duplikat`
  (shipped: while step 2 is pending).

The change goes through the ticket store: the message is delivered to the workflow (which
ends), an event (`ticket_withdrawn` / `ticket_closed_as_duplicate`) is appended to the chain
with the reason / original, so replay delivers the same message; the ticket's status becomes
`cancelled`, its pending task rows go and their waiting timers are cancelled; the reporter,
the LPSE's admins and (for a withdrawal) the helpdesk are notified.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from engine.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.evidence import checkpoints
from engine.messages import Message
from engine.persistence import repository
from engine.persistence.tables import EventRow, TicketRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.process.definitions import ProcessDefinition
from engine.process.versions import definition_of
from engine.process.workflows import (
    message_definition,
    ready_tasks,
    send_message,
    waits_for_message,
)
from engine.tickets import access, notifications, store
from engine.tickets.use_cases import ticket_stream, to_ticket
from engine.types import EventType, NotificationKind, Role, Ticket, TicketStatus, User

WITHDRAW_MESSAGE = "tiket_ditarik"
DUPLICATE_MESSAGE = "tiket_duplikat"
# The message each operation's event delivers (replay delivers it again).
OPERATION_MESSAGES = {EventType.TICKET_WITHDRAWN.value: WITHDRAW_MESSAGE,
                      EventType.TICKET_CLOSED_AS_DUPLICATE.value: DUPLICATE_MESSAGE}
REASON, ORIGINAL = "reason", "original"
MAX_REASON = 2000
MAX_NUMBER = 40
CANCELLED = TicketStatus.CANCELLED


@dataclass(frozen=True)
class Operations:
    """What the actor may do to a ticket now, and how a cancelled ticket ended."""

    may_withdraw: bool = False
    may_close_as_duplicate: bool = False
    # A cancelled ticket: "withdrawn" with its reason, or "duplicate" of the original.
    ended_as: str | None = None
    reason: str | None = None
    original_number: str | None = None
    original_id: int | None = None


def _ticket(uow: UnitOfWork, actor: User, ticket_id: int) -> TicketRow:
    ticket = (uow.session.get(TicketRow, ticket_id)
              if isinstance(ticket_id, int) and 0 < ticket_id <= 2**31 - 1 else None)
    if ticket is None or not access.may_see_ticket(actor, ticket):
        raise NotFound(Message("ticket_not_found"))
    return ticket


def _may_withdraw(actor: User, ticket: TicketRow) -> bool:
    return (actor.role is Role.ADMIN and actor.lpse_id is not None
            and ticket.lpse_id == actor.lpse_id)


def _may_duplicate(actor: User) -> bool:
    return actor.role is Role.HELPDESK


def _text(given: Any, field: str, limit: int) -> str:
    if not isinstance(given, str):
        raise InvalidData({field: [Message("field_type", kind=Message("kind_text"))]})
    if "\x00" in given:
        raise InvalidData({field: [Message("text_nul")]})
    text = given.strip()
    if not text:
        raise InvalidData({field: [Message("field_required")]})
    if len(text) > limit:
        raise InvalidData({field: [Message("field_max_length", limit=limit)]})
    return text


def _allowed(change: store.TicketChange, message: str, operation: str, not_now: str) -> None:
    """Conflict unless the ticket is open and its workflow waits for the message now."""
    if change.ticket.status != store.OPEN:
        raise Conflict(Message("operation_ticket_ended"))
    if message_definition(change.definition, message) is None:
        raise Conflict(Message("operation_not_in_version", operation=Message(operation)))
    if not waits_for_message(change.workflow, message):
        raise Conflict(Message(not_now))


def withdraw(uow: UnitOfWork, actor: User, ticket_id: int, reason: Any) -> Ticket:
    """The Admin LPSE of the ticket's LPSE withdraws it with a reason while the diagram
    allows it (shipped: before step 2 is completed); the ticket is cancelled.

    NotFound for whoever may not see it; Forbidden for others who see it; InvalidData for a
    missing reason; Conflict when it is no longer allowed or its version has no such event.
    """
    with uow:
        ticket = _ticket(uow, actor, ticket_id)
        if not _may_withdraw(actor, ticket):
            raise Forbidden(Message("withdraw_only_admin"))
        text = _text(reason, REASON, MAX_REASON)
        return _operate(uow, actor, ticket, WITHDRAW_MESSAGE, EventType.TICKET_WITHDRAWN,
                        {REASON: text}, "operation_withdraw", "withdraw_too_late")


def close_as_duplicate(uow: UnitOfWork, actor: User, ticket_id: int, original: Any) -> Ticket:
    """Helpdesk LKPP closes the ticket as a duplicate of the ticket numbered `original`
    while the diagram allows it; the ticket is cancelled.

    InvalidData when the original is missing, not visible to the actor, or this ticket.
    """
    with uow:
        ticket = _ticket(uow, actor, ticket_id)
        if not _may_duplicate(actor):
            raise Forbidden(Message("duplicate_only_helpdesk"))
        number = _text(original, ORIGINAL, MAX_NUMBER)
        found = uow.session.scalars(select(TicketRow).where(
            TicketRow.number == number)).first()
        if found is None and number.isdigit():  # the ticket's id, as in its page's address
            found = uow.session.get(TicketRow, int(number)) if int(number) <= 2**31 - 1 else None
        if found is None or not access.may_see_ticket(actor, found):
            raise InvalidData({ORIGINAL: [Message("duplicate_original_missing",
                                                  number=number)]})
        if found.id == ticket.id:
            raise InvalidData({ORIGINAL: [Message("duplicate_of_itself")]})
        return _operate(uow, actor, ticket, DUPLICATE_MESSAGE,
                        EventType.TICKET_CLOSED_AS_DUPLICATE,
                        {ORIGINAL: found.number, "original_id": found.id},
                        "operation_duplicate", "duplicate_not_now")


@store.one_writer
def _operate(uow: UnitOfWork, actor: User, ticket: TicketRow, message: str, kind: str,
             data: dict[str, Any], operation: str, not_now: str) -> Ticket:
    session = uow.session
    change = store.begin(uow, ticket)
    _allowed(change, message, operation, not_now)
    before = [row.id for row in repository.pending_task_rows(session, [ticket.id])]
    change.apply(lambda workflow: send_message(workflow, change.definition, message))
    # The interrupted tasks' notices, then their rows (and timers) go first, in the order a
    # completion touches them before the chain: a completion at the same moment then loses
    # the race instead of deadlocking (PostgreSQL).
    gone = sorted(set(before) - {str(task.id) for task in ready_tasks(change.workflow)})
    for task_id in gone:  # their "new task" notices no longer ask anything of anyone
        notifications.mark_task_done(session, task_id, change.now)
    change.drop_tasks(gone)
    change.append(kind, actor=actor.username, role=actor.role.value, data=data)
    change.closing_status = CANCELLED
    change.save()
    _notify(change, actor, kind, data)
    change.commit()
    checkpoints.after_change(uow)
    return to_ticket(session, ticket)


def _notify(change: store.TicketChange, actor: User, kind: str, data: dict[str, Any]) -> None:
    """The reporter and the LPSE's admins; for a withdrawal the helpdesk too (their step 2
    is gone). Never the one who did it."""
    session, ticket = change.session, change.ticket
    people = [*notifications.lane_users(session, lane=Role.PENGGUNA.value,
                                        lpse_id=ticket.lpse_id, reporter_id=ticket.reporter_id),
              *notifications.lane_users(session, lane=Role.ADMIN.value,
                                        lpse_id=ticket.lpse_id, reporter_id=ticket.reporter_id)]
    if kind == EventType.TICKET_WITHDRAWN:
        people += notifications.lane_users(session, lane=Role.HELPDESK.value,
                                           lpse_id=ticket.lpse_id,
                                           reporter_id=ticket.reporter_id)
        subject = f"[{ticket.number}] Tiket ditarik"
        body = f"Tiket {ticket.number} ditarik oleh {actor.full_name or actor.username}. " \
               f"Alasan: {data[REASON]}"
    else:
        subject = f"[{ticket.number}] Tiket ditutup sebagai duplikat"
        body = (f"Tiket {ticket.number} ditutup oleh Helpdesk LKPP sebagai duplikat dari "
                f"tiket {data[ORIGINAL]}. Ikuti perkembangannya di tiket {data[ORIGINAL]}.")
    seen: set[int] = set()
    users = []
    for user in people:
        if user.id != actor.id and user.id not in seen:
            seen.add(user.id)
            users.append(user)
    notifications.notify_users(session, users, kind=NotificationKind.TICKET_CANCELLED,
                               ticket_id=ticket.id, subject=subject, body=body,
                               now=change.now)


def ticket_operations(uow: UnitOfWork, actor: User, ticket_id: int) -> Operations:
    """What the actor may do to a ticket they may see now (the ticket page's buttons), and
    for a cancelled ticket how it ended."""
    with uow:
        session = uow.session
        ticket = _ticket(uow, actor, ticket_id)
        if ticket.status == CANCELLED:
            return _ended(session, ticket)
        if ticket.status != store.OPEN:
            return Operations()
        wanted = [message for message, may in ((WITHDRAW_MESSAGE, _may_withdraw(actor, ticket)),
                                               (DUPLICATE_MESSAGE, _may_duplicate(actor)))
                  if may]
        if not wanted:
            return Operations()
        definition: ProcessDefinition = definition_of(session, ticket.process_version_id)
        if not any(message_definition(definition, m) is not None for m in wanted):
            return Operations()
        workflow = store.begin(uow, ticket, definition=definition).workflow
        return Operations(
            may_withdraw=WITHDRAW_MESSAGE in wanted and waits_for_message(workflow,
                                                                          WITHDRAW_MESSAGE),
            may_close_as_duplicate=DUPLICATE_MESSAGE in wanted and waits_for_message(
                workflow, DUPLICATE_MESSAGE))


def _ended(session: Any, ticket: TicketRow) -> Operations:
    row = session.scalars(
        select(EventRow).where(EventRow.stream == ticket_stream(ticket.id),
                               EventRow.type.in_([EventType.TICKET_WITHDRAWN.value,
                                                  EventType.TICKET_CLOSED_AS_DUPLICATE.value]))
        .order_by(EventRow.seq.desc())).first()
    if row is None:
        return Operations()
    if row.type == EventType.TICKET_WITHDRAWN:
        return Operations(ended_as="withdrawn", reason=str(row.data.get(REASON, "")))
    original_id = row.data.get("original_id")
    return Operations(ended_as="duplicate", original_number=str(row.data.get(ORIGINAL, "")),
                      original_id=original_id if isinstance(original_id, int) else None)


__all__ = ["DUPLICATE_MESSAGE", "OPERATION_MESSAGES", "WITHDRAW_MESSAGE", "Operations",
           "close_as_duplicate", "ticket_operations", "withdraw"]
