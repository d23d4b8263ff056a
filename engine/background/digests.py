"""The daily digest: once a day, one mail per person with the notifications of the kinds
they chose to get that way (`digest` in their mail settings) since their last digest.

Run by the worker each round; a person's digest is due a day after the last one. Several
workers may run: the digest's `sent_until` moves on only if it is still what was read, so
a person gets one digest a day whichever worker writes it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, update

from engine.persistence.database import Database
from engine.persistence.tables import (
    NotificationDigestRow,
    NotificationRow,
    NotificationSettingRow,
    OutboxRow,
    UserRow,
)
from engine.tickets.notifications import MAIL_DIGEST, SIGNATURE

EVERY = timedelta(days=1)
SUBJECT = "Ringkasan harian Eskalasi LPSE Support: {count} notifikasi"


def send_due(database: Database, now: datetime | None = None) -> int:
    """Write each due digest into the outbox (sent with the rest of the mail); how many."""
    now = now or datetime.now(UTC)
    written = 0
    with database.uow() as uow:
        session = uow.session
        kinds: dict[int, set[str]] = defaultdict(set)
        for user_id, kind in session.execute(
                select(NotificationSettingRow.user_id, NotificationSettingRow.kind)
                .where(NotificationSettingRow.mode == MAIL_DIGEST)):
            kinds[user_id].add(kind)
        if not kinds:
            return 0
        last = dict(session.execute(select(
            NotificationDigestRow.user_id, NotificationDigestRow.sent_until)
            .where(NotificationDigestRow.user_id.in_(list(kinds)))).all())
        base = str(session.info.get("base_url", "")).strip().rstrip("/")
        for user_id, wanted in sorted(kinds.items()):
            since = last.get(user_id)
            if since is not None and now - since < EVERY:
                continue
            user = session.get(UserRow, user_id)
            if since is None:
                session.add(NotificationDigestRow(user_id=user_id, sent_until=now))
                session.flush()
                since = now - EVERY
            else:
                moved = session.execute(
                    update(NotificationDigestRow)
                    .where(NotificationDigestRow.user_id == user_id,
                           NotificationDigestRow.sent_until == since)
                    .values(sent_until=now))
                if getattr(moved, "rowcount", 0) != 1:
                    continue  # another worker wrote it
            rows = session.scalars(
                select(NotificationRow).where(
                    NotificationRow.user_id == user_id, NotificationRow.kind.in_(wanted),
                    NotificationRow.created_at > since, NotificationRow.created_at <= now)
                .order_by(NotificationRow.id)).all()
            if not rows or user is None or not user.active or not user.email:
                continue
            body = "\n\n".join(f"{index}. {row.subject}\n{row.body}\nBuka: {base}{row.link}"
                               for index, row in enumerate(rows, 1))
            session.execute(insert(OutboxRow.metadata.tables[OutboxRow.__tablename__]), [{
                "notification_id": None, "recipient": user.email,
                "subject": SUBJECT.format(count=len(rows)),
                "body": f"Notifikasi Anda sejak ringkasan sebelumnya:\n\n{body}\n\n{SIGNATURE}\n",
                "created_at": now, "next_attempt_at": now, "attempts": 0}])
            written += 1
        uow.commit()
    return written
