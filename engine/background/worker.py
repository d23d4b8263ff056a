"""`eskalasi worker`: fire due timers, close ended days with a checkpoint, and send the
outbox, round after round until stopped.

Any number of workers may run over one PostgreSQL database (timers and emails are claimed
with SELECT ... FOR UPDATE SKIP LOCKED). With SQLite run one: `eskalasi serve` starts it
in a background thread.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime

from engine.audit import dashboard, report_store
from engine.background import digests, outbox
from engine.errors import EskalasiError
from engine.evidence import checkpoints
from engine.persistence.database import Database
from engine.settings import SmtpSettings
from engine.tickets.notifications import notify_auditors_of_checkpoint
from engine.tickets.timers import fire_due_timers

log = logging.getLogger("eskalasi.worker")

DEFAULT_INTERVAL = 10.0
TIMER_BATCH = 100
MAX_TIMER_BATCHES = 20


@dataclass(frozen=True)
class Round:
    """What one round of the worker did."""

    fired: int
    sent: int
    retrying: int
    failed: int
    checkpoints: int = 0
    reports: int = 0

    def __str__(self) -> str:
        return (f"timers fired: {self.fired}, mail sent: {self.sent}, "
                f"to retry: {self.retrying}, failed: {self.failed}, "
                f"checkpoints written: {self.checkpoints}, "
                f"report snapshots refreshed: {self.reports}")

    @property
    def busy(self) -> bool:
        """Whether the round did anything worth a log line."""
        return bool(self.fired or self.sent or self.retrying or self.failed
                    or self.checkpoints or self.reports)


class Worker:
    """Fires timers, writes day checkpoints and sends mail on one database; `settings`
    None means no SMTP host."""

    def __init__(self, database: Database, settings: SmtpSettings | None) -> None:
        self.database = database
        self.settings = settings
        self._said_no_host = False
        self._mailed_on: date | None = None  # the day the day checkpoint was mailed

    def run_once(self, now: datetime | None = None) -> Round:
        """One round: every due timer, the checkpoints of days that ended, every due email.

        Days close here even when no ticket changes (a change closes them too); once a day
        is closed, the rest of that day's rounds skip it without a query.
        """
        fired = 0
        for _ in range(MAX_TIMER_BATCHES):  # a backlog (after downtime) goes in one round
            batch = fire_due_timers(self.database, now=now, limit=TIMER_BATCH)
            fired += batch
            if batch < TIMER_BATCH:
                break
        if self.settings is None and not self._said_no_host:
            self._said_no_host = True
            log.warning("no SMTP host configured (ESKALASI_SMTP_HOST): "
                        "mail stays in the outbox until one is")
        closed = checkpoints.close_ended_periods(self.database.engine, now)
        self._mail_day_checkpoint(now)
        digests.send_due(self.database, now)  # each person's daily digest, once a day
        report = outbox.send_due(self.database, self.settings, now=now)
        # The auditors' stored report (derived data) is recomputed when older than 10 minutes.
        refreshed = report_store.refresh_stale_reports(self.database.uow(), now)
        # The operations dashboard's stored figures, before a view finds them a minute old.
        refreshed += dashboard.refresh_stale_figures(self.database.uow(), now)
        return Round(fired, report.sent, report.retrying, report.failed, closed, refreshed)

    def _mail_day_checkpoint(self, now: datetime | None) -> None:
        """Once a day: the last checkpoint of the days that ended, to the auditors."""
        today = (now or datetime.now(UTC)).astimezone(UTC).date()
        if self._mailed_on == today:
            return
        with self.database.uow() as uow:
            last = checkpoints.last_of_ended_days(uow.session, now)
            if last is not None:
                notify_auditors_of_checkpoint(uow.session, label=last.day, hash_=last.hash,
                                              now=now)
            uow.commit()
        self._mailed_on = today

    def run(self, stop: threading.Event, interval: float = DEFAULT_INTERVAL) -> None:
        """Rounds every `interval` seconds until `stop` is set; a failed round is logged."""
        while not stop.is_set():
            try:
                done = self.run_once()
            except EskalasiError as err:
                log.warning("worker round failed: %s", err)
            except Exception:
                log.exception("worker round failed")
            else:
                if done.busy:
                    log.info("%s", done)
            stop.wait(interval)


def uses_sqlite(database: Database) -> bool:
    """Whether the database is SQLite (one worker only, e.g. inside `eskalasi serve`)."""
    return database.engine.dialect.name == "sqlite"


def start_thread(database: Database, settings: SmtpSettings | None,
                 interval: float = DEFAULT_INTERVAL) -> tuple[threading.Thread, threading.Event]:
    """Run the worker in a daemon thread (for `eskalasi serve`); set the event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(target=Worker(database, settings).run, args=(stop, interval),
                              name="eskalasi-worker", daemon=True)
    thread.start()
    return thread, stop
