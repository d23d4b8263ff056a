"""Intake requests (issue 12): "Laporkan masalah".

A Pengguna SPSE sends a short request to their LPSE's helpdesk with the fields of step 1 (as
the deployed version's start form has them, without the handlers' internal fields) and
attachments. The Admin LPSE of that LPSE answers it locally (the request is closed, the
reporter notified) or escalates it: a ticket opens from it, in the same transaction that marks
the request escalated and names the ticket.

Requests are not SOP tickets, but they are audited the same way: each change is an event of
the request's own hash-chained stream `intake:<id>`, whose head the row keeps (as a ticket
row keeps its own), so `eskalasi verify --all` and the day checkpoints cover them.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select, true, update
from sqlalchemy.orm import Session, aliased

from engine.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.evidence import chain, checkpoints, journal, read_log
from engine.messages import Message
from engine.persistence.tables import EventRow, IntakeRequestRow, LpseRow, TicketRow, UserRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.process.forms import check_submission
from engine.process.versions import current_definition
from engine.process.visibility import internal_fields
from engine.tickets import access, notifications, store
from engine.tickets.attachments import FIELD as ATTACHMENTS
from engine.tickets.attachments import CheckedUpload, check_uploads
from engine.tickets.use_cases import open_ticket
from engine.types import (
    Event,
    EventType,
    IntakeRequest,
    IntakeStatus,
    NotificationKind,
    ReadKind,
    Role,
    Ticket,
    Upload,
    User,
    Verification,
)

STREAM_PREFIX = "intake:"
ANSWER = "jawaban"
MAX_ANSWER = 5000
MAX_ID = 2**31 - 1
BATCH = 500
OPEN, ANSWERED, ESCALATED = IntakeStatus.OPEN, IntakeStatus.ANSWERED, IntakeStatus.ESCALATED


def request_stream(request_id: int) -> str:
    """The audit stream of one intake request."""
    return f"{STREAM_PREFIX}{request_id}"


def reporter_form(form: dict[str, Any]) -> dict[str, Any]:
    """Step 1's form as a Pengguna SPSE fills it: without the handlers' internal fields."""
    shown = copy.deepcopy(form)
    properties = shown.get("properties", {})
    hidden = internal_fields(shown)
    if hidden:
        shown["properties"] = {k: v for k, v in properties.items() if k not in hidden}
        if isinstance(shown.get("required"), list):
            shown["required"] = [name for name in shown["required"] if name not in hidden]
    return shown


def intake_form(uow: UnitOfWork, actor: User) -> dict[str, Any]:
    """The JSON Schema of a request: step 1 of the deployed version, as a reporter fills it
    (also what labels a request's answers for those who read it)."""
    with uow:
        definition = current_definition(uow.session)
        return reporter_form(definition.form(definition.start_step))


def submit_request(uow: UnitOfWork, actor: User, data: Any,
                   attachments: Sequence[Upload] = ()) -> IntakeRequest:
    """A Pengguna SPSE's request to their LPSE's helpdesk; its admins are notified."""
    if actor.role is not Role.PENGGUNA or actor.lpse_id is None:
        raise Forbidden(Message("only_pengguna_reports"))
    with uow:
        session = uow.session
        definition = current_definition(session)
        errors = check_submission(reporter_form(definition.form(definition.start_step)), data)
        if errors:
            raise InvalidData(errors)
        files = check_uploads(attachments)
        now = datetime.now(UTC)
        row = IntakeRequestRow(
            number=f"pending-{uuid.uuid4().hex[:24]}", lpse_id=actor.lpse_id,
            reporter_id=actor.id, title=str(data.get("judul") or "")[:300], data=data,
            files=[], status=OPEN, created_at=now, updated_at=now, event_count=0,
            last_hash=chain.GENESIS)
        session.add(row)
        session.flush()
        row.number = f"PMT-{now:%Y}-{row.id:06d}"
        row.files = _store(uow, files)
        event_data: dict[str, Any] = {"number": row.number, "lpse": actor.lpse,
                                      "reporter": actor.username, "form": data}
        if row.files:
            event_data["attachments"] = row.files
        _append(session, row, actor, EventType.REQUEST_SUBMITTED, event_data, now)
        admins = session.scalars(select(UserRow.username).where(
            UserRow.role == Role.ADMIN.value, UserRow.lpse_id == actor.lpse_id,
            UserRow.active)).all()
        notifications.notify(
            session, recipients=list(admins), kind=NotificationKind.REQUEST_RECEIVED,
            ticket_id=None, subject=f"[{row.number}] Permintaan baru: {row.title}",
            body=(f"{actor.full_name} ({actor.username}) mengirim permintaan {row.number} "
                  f"ke helpdesk {actor.lpse}: {row.title}.\nJawab langsung, atau eskalasikan "
                  f"ke Helpdesk LKPP."),
            link=f"/permintaan/{row.id}", now=now)
        uow.commit()
        checkpoints.after_change(uow)
        return _one(session, row.id)


def _store(uow: UnitOfWork, files: Sequence[CheckedUpload]) -> list[dict[str, Any]]:
    """Store uploads content-addressed; what the event (and the row) names of them."""
    if not files:
        return []
    if uow.store is None:
        raise InvalidData({ATTACHMENTS: [Message("no_attachments_here")]})
    for file in files:
        uow.store.put(file.sha256, file.content)
    return [{"sha256": f.sha256, "filename": f.filename, "content_type": f.content_type,
             "size": len(f.content)} for f in files]


def _append(session: Session, row: IntakeRequestRow, actor: User, kind: EventType,
            data: dict[str, Any], now: datetime) -> None:
    """The actor's event on the request's chain; the row carries the new head."""
    event = journal.append(session, request_stream(row.id), row.event_count + 1, row.last_hash,
                           ticket_id=None, actor=actor.username, role=actor.role.value,
                           type=kind, data=data, at=chain.timestamp(now))
    row.event_count, row.last_hash = event.seq, event.hash


def _change(session: Session, request_id: int, actor: User, kind: EventType,
            data: dict[str, Any], now: datetime, **values: Any) -> IntakeRequestRow:
    """Close an open request: its event, then the row, only if it is still open (a second
    admin's answer or escalation of the same request meanwhile is a Conflict)."""
    row = session.get(IntakeRequestRow, request_id)
    if row is None or row.status != OPEN:
        raise Conflict(Message("request_not_open"))
    read = row.event_count
    event = journal.append(session, request_stream(row.id), read + 1, row.last_hash,
                           ticket_id=None, actor=actor.username, role=actor.role.value,
                           type=kind, data=data, at=chain.timestamp(now))
    done = session.execute(
        update(IntakeRequestRow)
        .where(IntakeRequestRow.id == request_id, IntakeRequestRow.status == OPEN,
               IntakeRequestRow.event_count == read)
        .values(event_count=event.seq, last_hash=event.hash, updated_at=now,
                handled_by_id=actor.id, **values)
        .execution_options(synchronize_session=False))
    if getattr(done, "rowcount", 0) != 1:
        raise Conflict(Message("request_not_open"))
    session.expire(row)
    return row


def close_request(session: Session, request_id: int, actor: User, kind: EventType,
                  data: dict[str, Any], now: datetime, **values: Any) -> IntakeRequestRow:
    """Close an open request with the actor's event (a Conflict when it no longer is open),
    for other modules: the knowledge base closes a request an article solved (issue 17)."""
    return _change(session, request_id, actor, kind, data, now, **values)


def _handled_here(session: Session, actor: User, request_id: int) -> IntakeRequestRow:
    """A request the actor handles (an Admin LPSE of its LPSE); NotFound for anyone else."""
    row = session.get(IntakeRequestRow, request_id) if 0 < request_id <= MAX_ID else None
    if (row is None or actor.role is not Role.ADMIN or actor.lpse_id is None
            or row.lpse_id != actor.lpse_id):
        raise NotFound(Message("request_not_found"))
    return row


def answer_request(uow: UnitOfWork, actor: User, request_id: int, text: str) -> IntakeRequest:
    """The Admin LPSE answers a request locally: it is closed and the reporter notified.

    Of two admins handling the same request at once, the loser's transaction rolls back
    whole (the request's next event is taken, or its row is no longer open): a Conflict."""
    try:
        return _answer_request(uow, actor, request_id, text)
    except store.RACE_ERRORS as err:
        raise Conflict(Message("request_not_open")) from err


def _answer_request(uow: UnitOfWork, actor: User, request_id: int,
                    text: str) -> IntakeRequest:
    answer = (text or "").strip()
    with uow:
        session = uow.session
        row = _handled_here(session, actor, request_id)
        if not answer:
            raise InvalidData({ANSWER: [Message("field_required")]})
        if "\x00" in answer:
            raise InvalidData({ANSWER: [Message("field_nul")]})
        if len(answer) > MAX_ANSWER:
            raise InvalidData({ANSWER: [Message("field_max_length", limit=MAX_ANSWER)]})
        if row.status != OPEN:
            raise Conflict(Message("request_not_open"))
        number, title, reporter_id = row.number, row.title, row.reporter_id
        now = datetime.now(UTC)
        _change(session, row.id, actor, EventType.REQUEST_ANSWERED, {"answer": answer}, now,
                status=ANSWERED, answer=answer)
        reporter = session.scalar(select(UserRow.username).where(UserRow.id == reporter_id))
        notifications.notify(
            session, recipients=[reporter] if reporter else [],
            kind=NotificationKind.REQUEST_ANSWERED, ticket_id=None,
            subject=f"[{number}] Permintaan Anda telah dijawab",
            body=f"Admin LPSE menjawab permintaan {number} ({title}):\n\n{answer}",
            link=f"/permintaan/{request_id}", now=now)
        uow.commit()
        checkpoints.after_change(uow)
        return _one(session, request_id)


def escalate_request(uow: UnitOfWork, actor: User, request_id: int, data: Any,
                     attachments: Sequence[Upload] = ()) -> Ticket:
    """The Admin LPSE escalates a request: a ticket opens for its reporter, with the request's
    attachments, and the request names it (status escalated), all in one transaction."""
    with uow:
        row = _handled_here(uow.session, actor, request_id)
        if row.status != OPEN:
            raise Conflict(Message("request_not_open"))
        reporter = uow.session.scalar(select(UserRow.username)
                                      .where(UserRow.id == row.reporter_id)) or ""
        carried = [Upload(f["filename"], uow.store.path(f["sha256"]).read_bytes())
                   for f in row.files
                   if uow.store is not None and uow.store.path(f["sha256"]).is_file()]
        number = row.number

    def link(session: Session, ticket: TicketRow, now: datetime) -> dict[str, Any]:
        _change(session, request_id, actor, EventType.REQUEST_ESCALATED,
                {"ticket": ticket.number}, now, status=ESCALATED, ticket_id=ticket.id)
        return {"request": number}

    try:
        return open_ticket(uow, actor, reporter, data, [*carried, *attachments], origin=link)
    except Conflict as conflict:  # the ticket's race is the request's: say so about it
        if conflict.message.code == store.RACED.code:
            raise Conflict(Message("request_not_open")) from conflict
        raise


# --- reading -------------------------------------------------------------------------------

def _visible(actor: User) -> ColumnElement[bool] | None:
    """Which requests the actor may see (None: none at all)."""
    if actor.role is Role.PENGGUNA:
        return IntakeRequestRow.reporter_id == actor.id
    if actor.role is Role.ADMIN and actor.lpse_id is not None:
        return IntakeRequestRow.lpse_id == actor.lpse_id
    if actor.role is Role.AUDITOR:
        return true()
    if actor.role is Role.HELPDESK:  # through the ticket it became
        return IntakeRequestRow.status == ESCALATED
    return None


_Reporter = aliased(UserRow)
_Handler = aliased(UserRow)


def _query(*conditions: ColumnElement[bool]) -> Any:
    return (select(IntakeRequestRow, LpseRow.name, _Reporter.username, _Reporter.full_name,
                   _Handler.username, TicketRow.number)
            .join(LpseRow, LpseRow.id == IntakeRequestRow.lpse_id)
            .join(_Reporter, _Reporter.id == IntakeRequestRow.reporter_id)
            .outerjoin(_Handler, _Handler.id == IntakeRequestRow.handled_by_id)
            .outerjoin(TicketRow, TicketRow.id == IntakeRequestRow.ticket_id)
            .where(*conditions))


def _to_request(found: Any) -> IntakeRequest:
    row, lpse, reporter, reporter_name, handler, ticket_number = found
    return IntakeRequest(
        id=row.id, number=row.number, title=row.title, status=IntakeStatus(row.status),
        lpse=lpse, reporter=reporter, reporter_name=reporter_name, data=dict(row.data),
        attachments=tuple(row.files or ()), created_at=row.created_at,
        updated_at=row.updated_at, answer=row.answer, handled_by=handler,
        ticket_id=row.ticket_id, ticket_number=ticket_number)


def _one(session: Session, request_id: int) -> IntakeRequest:
    session.expire_all()
    return _to_request(session.execute(_query(IntakeRequestRow.id == request_id)).one())


def list_requests(uow: UnitOfWork, actor: User, *, status: IntakeStatus | None = None,
                  limit: int = 100, offset: int = 0) -> list[IntakeRequest]:
    """The requests the actor may see, newest first (optionally of one status)."""
    visible = _visible(actor)
    if visible is None or actor.role is Role.HELPDESK:  # the helpdesk reads them on tickets
        return []
    conditions = [visible] + ([IntakeRequestRow.status == status] if status else [])
    with uow:
        rows = uow.session.execute(_query(*conditions).order_by(IntakeRequestRow.id.desc())
                                   .limit(limit).offset(offset)).all()
        return [_to_request(found) for found in rows]


def count_open_requests(uow: UnitOfWork, actor: User) -> int:
    """How many requests wait for the actor (an Admin LPSE: their LPSE's open ones)."""
    if actor.role is not Role.ADMIN or actor.lpse_id is None:
        return 0
    with uow:
        return int(uow.session.scalar(
            select(func.count()).select_from(IntakeRequestRow).where(
                IntakeRequestRow.lpse_id == actor.lpse_id,
                IntakeRequestRow.status == OPEN)) or 0)


def get_request(uow: UnitOfWork, actor: User, request_id: int, *,
                log_auditor: bool = True) -> IntakeRequest:
    """One request the actor may see; NotFound for anyone else. An auditor's read is
    logged (unless `log_auditor` is off: a file of the request logs its own read)."""
    visible = _visible(actor)
    if visible is None or not 0 < request_id <= MAX_ID:
        raise NotFound(Message("request_not_found"))
    with uow:
        found = uow.session.execute(
            _query(IntakeRequestRow.id == request_id, visible)).one_or_none()
        if found is None:
            raise NotFound(Message("request_not_found"))
        request = _to_request(found)
        if log_auditor and actor.role is Role.AUDITOR:  # personal data: the read log says so
            read_log.log_read(uow.session, actor, ReadKind.REQUEST_PAGE,
                              request.ticket_id, request.number)
            uow.commit()
        return request


def request_attachment(uow: UnitOfWork, actor: User, request_id: int,
                       sha256: str) -> tuple[dict[str, Any], Any]:
    """A file of a request the actor may see and where its bytes are; else NotFound."""
    found = get_request(uow, actor, request_id, log_auditor=False)
    for file in found.attachments:
        if file.get("sha256") == sha256 and uow.store is not None:
            path = uow.store.path(sha256)
            if path.is_file():
                if actor.role is Role.AUDITOR:
                    with uow:
                        read_log.log_read(uow.session, actor, ReadKind.ATTACHMENT,
                                          found.ticket_id, f"{found.number}: {file['filename']}")
                        uow.commit()
                return file, path
    raise NotFound(Message("attachment_not_found"))


def request_of_ticket(uow: UnitOfWork, actor: User, ticket_id: int) -> IntakeRequest | None:
    """The request a ticket was escalated from, for those who may see the ticket."""
    if not 0 < ticket_id <= MAX_ID:
        return None
    with uow:
        ticket = uow.session.get(TicketRow, ticket_id)
        if ticket is None or not access.may_see_ticket(actor, ticket):
            return None
        found = uow.session.execute(
            _query(IntakeRequestRow.ticket_id == ticket_id)).one_or_none()
        return _to_request(found) if found is not None else None


# --- verification --------------------------------------------------------------------------

def _events_of(session: Session, streams: Sequence[str]) -> dict[str, list[Event]]:
    found: dict[str, list[Event]] = {}
    for row in session.scalars(select(EventRow).where(EventRow.stream.in_(streams))
                               .order_by(EventRow.stream, EventRow.seq, EventRow.id)):
        found.setdefault(row.stream, []).append(Event(
            seq=row.seq, at=row.at, actor=row.actor, role=row.role, type=row.type,
            task=row.task, sop_step=row.sop_step, data=row.data, hash=row.hash,
            prev_hash=row.prev_hash))
    return found


def verify_requests(session: Session, heads: checkpoints.Heads) -> list[Verification]:
    """Every request's chain (edits, gaps, a truncated tail, a rewound checkpointed head);
    one result per request with problems, named by its number."""
    failed: list[Verification] = []
    last = 0
    present: set[str] = set()
    while True:
        rows = session.execute(
            select(IntakeRequestRow.id, IntakeRequestRow.number, IntakeRequestRow.event_count,
                   IntakeRequestRow.last_hash)
            .where(IntakeRequestRow.id > last).order_by(IntakeRequestRow.id).limit(BATCH)).all()
        if not rows:
            break
        last = rows[-1].id
        streams = {request_stream(r.id): r for r in rows}
        present.update(streams)
        events = _events_of(session, list(streams))
        for stream, row in streams.items():
            found = events.get(stream, [])
            problems = chain.check_chain(stream, found, row.event_count, row.last_hash)
            problems += checkpoints.check_stream(stream, [e.hash for e in found], heads)
            if problems:
                failed.append(Verification(0, row.number, False, tuple(problems)))
    gone = sorted(s for s in heads if s.startswith(STREAM_PREFIX) and s not in present)
    if gone:
        failed.append(Verification(0, "intake", False, tuple(
            f"{stream}: recorded in a day checkpoint but the request no longer exists"
            for stream in gone)))
    return failed
