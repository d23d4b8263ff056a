"""Send the outbox's due emails over SMTP, with retries and exponential backoff.

Each email is claimed in its own short transaction (SELECT ... FOR UPDATE SKIP LOCKED on
PostgreSQL), sent, and marked sent before that transaction commits, so two workers never
send one email twice; a worker that dies mid-send leaves its row unclaimed, to be sent
again (at least once). SQLite has no row locks: run a single worker there.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.persistence.database import Database
from engine.persistence.tables import OutboxRow
from engine.persistence.unit_of_work import storage_errors
from engine.settings import SmtpSettings

log = logging.getLogger("eskalasi.outbox")

FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
DEFAULT_LIMIT = 100


class Outcome(StrEnum):
    """What one attempt did to an outbox row (named as `SendReport` counts it)."""

    SENT = "sent"
    RETRYING = "retrying"
    FAILED = "failed"


@dataclass
class SendReport:
    """What one pass over the outbox did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0


class _Unreachable(Exception):
    """The SMTP server could not be reached or refused the session."""


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: 1, 2, 4, ... minutes, at most 1 h."""
    return min(FIRST_RETRY * (1 << min(max(attempts - 1, 0), 20)), LONGEST_RETRY)


def message_of(row: OutboxRow, sender: str) -> EmailMessage:
    """The email of an outbox row; its Message-ID is stable, so a resend can be spotted."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at)
    domain = sender.rpartition("@")[2].strip(">") or "localhost"
    message["Message-ID"] = f"<outbox-{row.id}-{int(row.created_at.timestamp())}@{domain}>"
    message.set_content(row.body)
    return message


class _Connection:
    """One SMTP session for a pass, opened on first use."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        if self.smtp is None:
            self.smtp = self._open()
        self.smtp.send_message(message)

    def _open(self) -> smtplib.SMTP:
        settings = self.settings
        try:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
            try:
                if settings.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if settings.user:
                    smtp.login(settings.user, settings.password)
            except BaseException:
                smtp.close()
                raise
        except (OSError, smtplib.SMTPException) as err:
            raise _Unreachable(f"{settings.host}:{settings.port}: {err}") from err
        return smtp

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None


def _permanent(err: smtplib.SMTPException) -> bool:
    """A 5xx answer about this message (bad address, refused): retrying will not help."""
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in err.recipients.values())
    code = getattr(err, "smtp_code", 0)
    return isinstance(code, int) and 500 <= code < 600


def _claim(session: Session, now: datetime) -> OutboxRow | None:
    return session.scalar(
        select(OutboxRow)
        .where(OutboxRow.sent_at.is_(None), OutboxRow.failed_at.is_(None),
               OutboxRow.next_attempt_at <= now)
        .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
        .limit(1)
        .with_for_update(skip_locked=True))


def _attempt(row: OutboxRow, connection: _Connection, down: str | None,
             now: datetime) -> tuple[Outcome, str | None]:
    """Try to send one row; return its outcome and why the server is down, if it is."""
    row.attempts += 1
    error: str | None = down
    permanent = False
    try:
        message = message_of(row, connection.settings.sender)
    except (ValueError, TypeError) as err:  # e.g. a line break in an address: never sendable
        error, permanent = f"not a valid message: {err}", True
    if error is None:
        try:
            connection.send(message)
        except _Unreachable as err:
            error = down = str(err)
        except smtplib.SMTPServerDisconnected as err:
            connection.close()
            error = down = f"disconnected: {err}"
        except (OSError, smtplib.SMTPException) as err:
            error = f"{type(err).__name__}: {err}"
            permanent = isinstance(err, smtplib.SMTPException) and _permanent(err)
    if error is None:
        row.sent_at, row.last_error = now, None
        return Outcome.SENT, down
    row.last_error = error[:2000]
    if permanent:
        row.failed_at = now
        return Outcome.FAILED, down
    row.next_attempt_at = now + backoff(row.attempts)
    return Outcome.RETRYING, down


def send_due(database: Database, settings: SmtpSettings | None, *,
             now: datetime | None = None, limit: int = DEFAULT_LIMIT) -> SendReport:
    """Send up to `limit` due emails; failures are retried later with backoff.

    When the server cannot be reached, every due email of this pass gets the attempt
    counted (and waits longer) without another connection attempt.
    """
    report = SendReport()
    if settings is None:
        return report
    connection = _Connection(settings)
    down: str | None = None
    try:
        for _ in range(limit):
            moment = now or datetime.now(UTC)
            with storage_errors(), database.uow() as uow:
                row = _claim(uow.session, moment)
                if row is None:
                    break
                outcome, down = _attempt(row, connection, down, moment)
                uow.commit()
                if outcome is not Outcome.SENT:
                    log.warning("mail %s to %s not sent (attempt %d): %s", row.id,
                                row.recipient, row.attempts, row.last_error)
            setattr(report, outcome.value, getattr(report, outcome.value) + 1)
    finally:
        connection.close()
    return report


def waiting(database: Database) -> int:
    """How many emails are still to be sent (due now or later)."""
    with storage_errors(), database.uow() as uow:
        return int(uow.session.scalar(
            select(func.count()).select_from(OutboxRow).where(
                OutboxRow.sent_at.is_(None), OutboxRow.failed_at.is_(None))) or 0)
