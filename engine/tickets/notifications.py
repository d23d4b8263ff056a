"""Notifications: in-app rows and outbox emails, written in the caller's transaction.

`notify` adds a notification per recipient and, for those with an email address, an outbox
row; both commit or roll back with the use case that caused them, so a rolled-back
completion sends nothing. `engine.background.outbox` sends the emails later (`eskalasi worker`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.messages import Message
from engine.persistence.tables import (
    NotificationRow,
    NotificationSettingRow,
    OutboxRow,
    TaskRow,
    TicketRow,
    UserRow,
)
from engine.persistence.unit_of_work import UnitOfWork
from engine.tickets import answers
from engine.types import Notification, NotificationKind, Role, User

# The kinds of notification (NotificationRow.kind).
TASK_ASSIGNED, DATA_REQUESTED = NotificationKind.TASK_ASSIGNED, NotificationKind.DATA_REQUESTED
TICKET_SOLVED, REMINDER = NotificationKind.TICKET_SOLVED, NotificationKind.REMINDER
TICKET_REOPENED, GUIDANCE_GIVEN = NotificationKind.TICKET_REOPENED, NotificationKind.GUIDANCE_GIVEN
TASK_LINK = "/tugas/"
COMMENT_ADDED = NotificationKind.COMMENT_ADDED
KINDS = tuple(NotificationKind)

MAX_ID = 2**31 - 1
# SOP steps whose task is a request for data (7: to the Admin LPSE, 9: to the Pengguna SPSE),
# and the step that follows "solved" (15: the Pengguna SPSE checks the solution).
DATA_REQUEST_STEPS = frozenset({7, 9})
SOLVED_STEP = 15
SIGNATURE = "--\nEskalasi LPSE Support\nPesan ini dikirim otomatis; mohon tidak dibalas."


class Recipient(NamedTuple):
    """Who a notification goes to: the columns `_write` needs, not a whole user row."""

    id: int
    username: str
    email: str | None


RECIPIENT_COLUMNS = (UserRow.id, UserRow.username, UserRow.email)


def _recipients(session: Session, query: Select[int, str, str | None],
                params: dict[str, Any] | None = None) -> list[Recipient]:
    # Users are never changed by the use cases that notify: reading them must not flush the
    # ticket's pending changes first (the unit of work flushes once, at its commit).
    with session.no_autoflush:
        rows = session.execute(query, params)
        return [Recipient(id_, username, email) for id_, username, email in rows]


def notify(session: Session, *, recipients: Sequence[str], kind: str, ticket_id: int | None,
           subject: str, body: str, link: str | None = None,
           now: datetime | None = None) -> None:
    """Notify users (by username) in the caller's transaction: in-app, and email if they
    have an address. `link` is a path on the site (default: the ticket's page).

    Unknown and inactive usernames are skipped; a username given twice is notified once.
    """
    names = list(dict.fromkeys(recipients))
    users = _recipients(session, select(*RECIPIENT_COLUMNS).where(
        UserRow.username.in_(names), UserRow.active)) if names else []
    by_name = {user.username: user for user in users}
    _write(session, [by_name[name] for name in names if name in by_name], kind=kind,
           ticket_id=ticket_id, subject=subject, body=body, link=link, now=now)


def _write(session: Session, users: Sequence[Recipient], *, kind: str, ticket_id: int | None,
           subject: str, body: str, link: str | None, now: datetime | None) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not users:
        return
    now = now or datetime.now(UTC)
    link = link or (f"/tiket/{ticket_id}" if ticket_id is not None else "/notifikasi")
    subject = " ".join(subject.split())[:300]  # one line: it becomes a mail header
    # A notification about a task is read once that task is done (mark_task_done).
    task_id = link[len(TASK_LINK):] if link.startswith(TASK_LINK) else None
    rows = [{"user_id": user.id, "kind": kind, "ticket_id": ticket_id, "subject": subject,
             "body": body, "link": link, "created_at": now, "task_id": task_id}
            for user in users]
    # Mail only to those who want this kind at once (mail settings: off, or the digest).
    users = mail_now(session, users, kind)
    # Core statements on the session's connection: no ORM objects, and no autoflush of the
    # use case's pending changes (the ticket these rows refer to already has its id).
    connection = session.connection()
    notifications = NotificationRow.metadata.tables[NotificationRow.__tablename__]
    if not any(user.email for user in users):
        connection.execute(insert(notifications), rows)
        return
    # One INSERT ... RETURNING for all rows: the notifications' ids, for the outbox rows.
    ids = connection.execute(insert(notifications).returning(
        notifications.c.id, sort_by_parameter_order=True), rows).scalars().all()
    row_ids = dict(zip([row["user_id"] for row in rows], ids, strict=True))
    text = email_body(body, link, session.info.get("base_url", ""))
    connection.execute(insert(OutboxRow.metadata.tables[OutboxRow.__tablename__]), [
        {"notification_id": row_ids[user.id], "recipient": user.email, "subject": subject,
         "body": text, "created_at": now, "next_attempt_at": now, "attempts": 0}
        for user in users if user.email])


def email_body(body: str, link: str, base_url: str = "") -> str:
    """The plain-text email: the message, where to act (absolute with the base URL)."""
    base = base_url.strip().rstrip("/")
    return f"{body}\n\nBuka: {base}{link}\n\n{SIGNATURE}\n"


def _lane_query(*conditions: ColumnElement[bool]) -> Select[int, str, str | None]:
    return (select(*RECIPIENT_COLUMNS)
            .where(UserRow.role == bindparam("lane"), UserRow.active, *conditions)
            .order_by(UserRow.username))


# Built once (every new task asks): each lane's statement, its values bound when it runs.
_LANE_QUERIES = {
    Role.PENGGUNA.value: _lane_query(UserRow.id == bindparam("reporter_id")),
    Role.ADMIN.value: _lane_query(UserRow.lpse_id == bindparam("lpse_id")),
    Role.HELPDESK.value: _lane_query(),
}


def lane_users(session: Session, *, lane: str, lpse_id: int,
               reporter_id: int) -> list[Recipient]:
    """Who may complete a task of `lane` on a ticket: Pengguna SPSE, the reporter; Admin
    LPSE, the active admins of the ticket's LPSE; Helpdesk LKPP, every helpdesk user.

    One query, read by the index on users (role, lpse_id, active) or the primary key."""
    query = _LANE_QUERIES.get(lane)
    if query is None:
        return []
    # A statement ignores the values it does not name.
    return _recipients(session, query,
                       {"lane": lane, "lpse_id": lpse_id, "reporter_id": reporter_id})


def lane_recipients(session: Session, *, lane: str, lpse_id: int,
                    reporter_id: int) -> list[str]:
    """The usernames of `lane_users`."""
    return [user.username for user in
            lane_users(session, lane=lane, lpse_id=lpse_id, reporter_id=reporter_id)]


def notify_new_tasks(session: Session, ticket: TicketRow, tasks: Sequence[TaskRow],
                     now: datetime | None = None, *,
                     answer: answers.Answer | None = None) -> list[Recipient]:
    """Tell the people who may complete each newly pending task that it is theirs, with
    the answer that made it (`answer`: the step just completed; its actor is not told of
    their own action). Returns who was told."""
    told: list[Recipient] = []
    for task in tasks:
        kind, subject, body = task_message(ticket, task, answer)
        users = [user for user in lane_users(session, lane=task.lane, lpse_id=ticket.lpse_id,
                                             reporter_id=ticket.reporter_id)
                 if answer is None or user.id != answer.actor_id]
        _write(session, users, kind=kind, ticket_id=ticket.id, subject=subject, body=body,
               link=f"{TASK_LINK}{task.id}", now=now)
        told += users
    return told


def notify_reporter_of_ticket(session: Session, ticket: TicketRow, reporter: str, lpse: str,
                              now: datetime | None = None) -> None:
    """Tell the reporter that a ticket was opened for them: its number and a link."""
    title = " ".join(ticket.title.split())
    notify(session, recipients=[reporter], kind=NotificationKind.TICKET_OPENED,
           ticket_id=ticket.id, subject=f"[{ticket.number}] Tiket dibuka untuk Anda",
           body=(f"Admin {lpse} membuka tiket {ticket.number}"
                 + (f" ({title})" if title else "")
                 + " untuk permasalahan Anda. Ikuti perkembangannya di halaman tiket."),
           link=f"/tiket/{ticket.id}", now=now)


def notify_auditors_of_checkpoint(session: Session, *, label: str, hash_: str,
                                  now: datetime | None = None) -> int:
    """Send a day's last checkpoint hash to every active auditor, once (a hash already
    sent is not sent again); how many were notified. The mail is the copy kept outside."""
    sent = session.scalar(select(NotificationRow.id).where(
        NotificationRow.kind == NotificationKind.AUDIT_CHECKPOINT,
        NotificationRow.body.contains(hash_)).limit(1))
    if sent is not None:
        return 0
    auditors = _recipients(session, select(*RECIPIENT_COLUMNS).where(
        UserRow.role == Role.AUDITOR.value, UserRow.active).order_by(UserRow.username))
    day = label[:10]
    _write(session, auditors, kind=NotificationKind.AUDIT_CHECKPOINT, ticket_id=None,
           subject=f"Checkpoint audit {day}: {hash_[:12]}",  # the whole hash: the body
           body=(f"Checkpoint terakhir hari {day} (periode {label}) memiliki hash:\n{hash_}\n"
                 f"Simpan pesan ini di luar sistem. Untuk memeriksa bahwa riwayat belum "
                 f"diubah: eskalasi verify --all --anchor {hash_}"),
           link="/audit/", now=now)
    return len(auditors)


def task_message(ticket: TicketRow, task: TaskRow,
                 answer: answers.Answer | None = None) -> tuple[str, str, str]:
    """The kind, subject and body (Indonesian) of the notification about a new task;
    with the answer that made it (a request's data, the solution, a reopen's reason)."""
    step = f"Langkah {task.sop_step}: {task.name}" if task.sop_step else task.name
    title = " ".join(ticket.title.split())
    about = f"Tiket {ticket.number}" + (f" ({title})" if title else "")
    # What the recipients may read of the answer: the Pengguna SPSE, its public part.
    said = ""
    if answer is not None:
        said = answer.public_text if task.lane == Role.PENGGUNA.value else answer.text
    quoted = f"\n\n{said}\n" if said else ""
    if answers.reopens(answer, task.sop_step):
        return (TICKET_REOPENED, f"[{ticket.number}] Tiket dibuka kembali",
                f"Pengguna SPSE menyatakan permasalahan pada {about} belum terselesaikan; "
                f"tiket kembali kepada Anda.{quoted}\n{step}")
    if task.sop_step in DATA_REQUEST_STEPS:
        asker = "Helpdesk LKPP" if task.lane == Role.ADMIN.value else "Admin LPSE"
        return (DATA_REQUESTED, f"[{ticket.number}] Permintaan data tambahan",
                f"{asker} meminta data tambahan untuk {about}.{quoted}\n{step}")
    if task.sop_step == SOLVED_STEP:
        return (TICKET_SOLVED, f"[{ticket.number}] Permasalahan telah diselesaikan",
                f"Helpdesk LKPP menyatakan permasalahan pada {about} telah diselesaikan. "
                f"Mohon periksa dan konfirmasi hasilnya.{quoted}\n{step}")
    return (TASK_ASSIGNED, f"[{ticket.number}] Tugas baru: {task.name}",
            f"{about} menunggu tindakan Anda.\n{step}")


def to_notification(row: NotificationRow) -> Notification:
    """The engine's view of a notification row."""
    return Notification(id=row.id, kind=row.kind, ticket_id=row.ticket_id,
                        subject=row.subject, body=row.body, link=row.link,
                        created_at=row.created_at, read_at=row.read_at)


def list_notifications(uow: UnitOfWork, actor: User, *, limit: int = 50, offset: int = 0,
                       unread_only: bool = False) -> list[Notification]:
    """The actor's own notifications, newest first."""
    with uow:
        query = select(NotificationRow).where(NotificationRow.user_id == actor.id)
        if unread_only:
            query = query.where(NotificationRow.read_at.is_(None))
        rows = uow.session.scalars(
            query.order_by(NotificationRow.id.desc()).limit(limit).offset(offset))
        return [to_notification(row) for row in rows]


def count_unread(uow: UnitOfWork, actor: User) -> int:
    """How many of the actor's notifications are unread."""
    with uow:
        return int(uow.session.scalar(
            select(func.count()).select_from(NotificationRow).where(
                NotificationRow.user_id == actor.id, NotificationRow.read_at.is_(None))) or 0)


def mark_notification_read(uow: UnitOfWork, actor: User,
                           notification_id: int) -> Notification:
    """Mark one of the actor's notifications read; NotFound for anyone else's."""
    if not 0 < notification_id <= MAX_ID:  # beyond what the column holds: no such row
        raise NotFound(Message("notification_not_found"))
    with uow:
        row = uow.session.get(NotificationRow, notification_id)
        if row is None or row.user_id != actor.id:
            raise NotFound(Message("notification_not_found"))
        if row.read_at is None:
            row.read_at = datetime.now(UTC)
            uow.commit()
        return to_notification(row)


def mark_all_notifications_read(uow: UnitOfWork, actor: User) -> int:
    """Mark every unread notification of the actor read; return how many."""
    with uow:
        result = uow.session.execute(
            update(NotificationRow)
            .where(NotificationRow.user_id == actor.id, NotificationRow.read_at.is_(None))
            .values(read_at=datetime.now(UTC)))
        uow.commit()
        return int(getattr(result, "rowcount", 0) or 0)


# Mail settings (issue 13): per person and kind, off, immediate (no row) or the daily digest.
MAIL_OFF, MAIL_NOW, MAIL_DIGEST = "off", "immediate", "digest"
MAIL_MODES = (MAIL_NOW, MAIL_DIGEST, MAIL_OFF)


def mail_now(session: Session, users: Sequence[Recipient], kind: str) -> list[Recipient]:
    """Those of `users` with an address who want mail of `kind` at once (one query, only
    when someone has an address)."""
    mailed = [user for user in users if user.email]
    if not mailed:
        return []
    with session.no_autoflush:
        held = set(session.scalars(select(NotificationSettingRow.user_id).where(
            NotificationSettingRow.user_id.in_([user.id for user in mailed]),
            NotificationSettingRow.kind == kind,
            NotificationSettingRow.mode != MAIL_NOW)))
    return [user for user in mailed if user.id not in held]


def notify_users(session: Session, users: Sequence[Recipient], *, kind: str,
                 ticket_id: int | None, subject: str, body: str, link: str | None = None,
                 now: datetime | None = None) -> None:
    """Notify these recipients (already looked up) in the caller's transaction."""
    _write(session, users, kind=kind, ticket_id=ticket_id, subject=subject, body=body,
           link=link, now=now)


def mark_task_done(session: Session, task_id: str, now: datetime) -> None:
    """The notifications about a task are read once it is done, by whoever did it."""
    notifications = NotificationRow.metadata.tables[NotificationRow.__tablename__]
    session.connection().execute(
        update(notifications)
        .where(notifications.c.task_id == task_id, notifications.c.read_at.is_(None))
        .values(read_at=now))


def notify_answer(session: Session, ticket: TicketRow, answer: answers.Answer,
                  tasks: Sequence[TaskRow], told: Sequence[Recipient],
                  now: datetime | None = None) -> None:
    """The guidance (step 4), the solution (step 14) and a reopen with its reason reach the
    Admin LPSE of the ticket's LPSE and its reporter, with their text; not the one who
    answered, nor anyone just told of a new task about it."""
    reopened = any(answers.reopens(answer, task.sop_step) for task in tasks)
    kind = answers.answer_kind(answer.sop_step, reopened)
    if kind not in (GUIDANCE_GIVEN, TICKET_SOLVED, TICKET_REOPENED):
        return
    title = " ".join(ticket.title.split())
    about = f"Tiket {ticket.number}" + (f" ({title})" if title else "")
    if kind == GUIDANCE_GIVEN:
        subject = f"[{ticket.number}] Panduan penyelesaian dari Helpdesk LKPP"
        said = (f"Helpdesk LKPP menyatakan permasalahan pada {about} merupakan kewenangan "
                f"LPSE dan memberikan panduan penyelesaian berikut. Tiket telah selesai.")
    elif kind == TICKET_SOLVED:
        subject = f"[{ticket.number}] Permasalahan telah diselesaikan"
        said = f"Helpdesk LKPP menyatakan permasalahan pada {about} telah diselesaikan."
    else:
        subject = f"[{ticket.number}] Tiket dibuka kembali"
        said = (f"Pengguna SPSE menyatakan permasalahan pada {about} belum terselesaikan; "
                f"tiket kembali kepada Helpdesk LKPP.")
    skip = {answer.actor_id, *(user.id for user in told)}
    for lane, text in ((Role.ADMIN.value, answer.text),
                       (Role.PENGGUNA.value, answer.public_text)):
        users = [user for user in lane_users(session, lane=lane, lpse_id=ticket.lpse_id,
                                             reporter_id=ticket.reporter_id)
                 if user.id not in skip]
        _write(session, users, kind=kind, ticket_id=ticket.id, subject=subject,
               body=f"{said}\n\n{text}" if text else said, link=f"/tiket/{ticket.id}",
               now=now)
