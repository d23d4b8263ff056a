"""`eskalasi worker`: timers and the outbox, once (cron, tests) or until stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import event

import engine
from cli.main import main
from engine import Database, StorageUnavailable
from engine.background import outbox, worker
from engine.evidence import checkpoints
from tests.desk import Desk
from tests.integration.smtp import SmtpServer, address
from tests.integration.test_notifications import outbox_rows

ROOT = Path(__file__).resolve().parents[2]
SMTP_VARIABLES = ("ESKALASI_SMTP_HOST", "ESKALASI_SMTP_PORT", "ESKALASI_SMTP_USER",
                  "ESKALASI_SMTP_PASSWORD", "ESKALASI_SMTP_FROM", "ESKALASI_SMTP_STARTTLS")

@pytest.fixture
def environment(database_url: str, monkeypatch: pytest.MonkeyPatch,
                tmp_path: Path) -> dict[str, str]:
    """The environment of a command on the test database, with no SMTP host."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ESKALASI_DATABASE_URL", database_url)
    for name in SMTP_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def smtp_environment(server: SmtpServer) -> dict[str, str]:
    return {"ESKALASI_SMTP_HOST": "127.0.0.1", "ESKALASI_SMTP_PORT": str(server.port),
            "ESKALASI_SMTP_FROM": "Eskalasi <eskalasi@lkpp.test>"}


def eskalasi(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli.main", *args], env=environment,
                          cwd=os.getcwd(), capture_output=True, text=True, timeout=120,
                          check=False)


def test_worker_once_sends_a_new_task_mail_end_to_end(
        desk: Desk, helpdesk_mail_only: None, smtp: SmtpServer,
        environment: dict[str, str]) -> None:
    ticket = desk.open()

    done = eskalasi({**environment, **smtp_environment(smtp)}, "worker", "--once")

    assert done.returncode == 0, done.stderr
    assert "mail sent: 1" in done.stdout
    assert "mail waiting in the outbox: 0" in done.stdout
    [mail] = smtp.to(address("helpdesk.lkpp"))
    assert ticket.number in mail.subject
    assert mail.message["From"] == "Eskalasi <eskalasi@lkpp.test>"


def test_worker_without_an_smtp_host_says_so_and_keeps_the_mail(
        desk: Desk, helpdesk_mail_only: None, environment: dict[str, str],
        capsys: pytest.CaptureFixture[str]) -> None:
    desk.open()
    assert main(["worker", "--once"]) == 0
    captured = capsys.readouterr()
    assert "no SMTP host configured" in captured.err
    assert "mail waiting in the outbox: 1" in captured.out
    assert outbox_rows(desk.database)[0].attempts == 0


def test_worker_stops_cleanly_on_sigterm(desk: Desk, with_emails: None, smtp: SmtpServer,
                                         environment: dict[str, str]) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "worker", "--interval", "0.2"],
        env={**environment, **smtp_environment(smtp)}, cwd=os.getcwd(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        assert "worker started" in process.stdout.readline()
        desk.open()  # the running worker picks the new mail up
        deadline = time.monotonic() + 20
        while not smtp.to(address("helpdesk.lkpp")) and time.monotonic() < deadline:
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "worker stopped" in out
    assert len(smtp.to(address("helpdesk.lkpp"))) == 1


def test_the_worker_thread_of_serve_sends_mail_and_stops(desk: Desk, with_emails: None,
                                                         smtp: SmtpServer) -> None:
    thread, stop = worker.start_thread(desk.database, smtp.settings, interval=0.1)
    try:
        desk.open()
        deadline = time.monotonic() + 20
        while not smtp.to(address("helpdesk.lkpp")) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert len(smtp.to(address("helpdesk.lkpp"))) == 1


def test_a_round_fires_due_timers_and_a_failed_round_does_not_stop_the_loop(
        database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[datetime | None] = []
    stop = threading.Event()

    def fire(_database: Database, now: datetime | None = None, limit: int = 100) -> int:
        calls.append(now)
        if len(calls) == 1:
            raise StorageUnavailable("the database is unavailable")
        if len(calls) == 3:
            stop.set()
        return 2

    monkeypatch.setattr(worker, "fire_due_timers", fire)
    worker.Worker(database, None).run(stop, interval=0.01)
    assert len(calls) == 3
    assert worker.Worker(database, None).run_once() == worker.Round(2, 0, 0, 0)


def test_a_backlog_of_timers_is_fired_in_batches_within_one_round(
        database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    backlog = [worker.TIMER_BATCH * 2 + 7]

    def fire(_database: Database, now: datetime | None = None, limit: int = 100) -> int:
        fired = min(limit, backlog[0])
        backlog[0] -= fired
        return fired

    monkeypatch.setattr(worker, "fire_due_timers", fire)
    assert worker.Worker(database, None).run_once().fired == worker.TIMER_BATCH * 2 + 7
    assert backlog == [0]


def test_worker_refuses_a_nonsense_interval(environment: dict[str, str],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["worker", "--interval", "0"])
    assert "seconds above 0" in capsys.readouterr().err
    assert outbox.backoff(1).total_seconds() == 60


def test_one_round_fires_an_overdue_step_and_mails_the_reminder(
        desk: Desk, helpdesk_mail_only: None, smtp: SmtpServer) -> None:
    ticket = desk.open()
    round_one = worker.Worker(desk.database, smtp.settings).run_once()
    assert (round_one.fired, round_one.sent) == (0, 1)  # the new task's mail, no timer yet

    # Step 2 has a limit of a few working hours: a month later it is long overdue.
    later = datetime.now(UTC) + timedelta(days=30)
    round_two = worker.Worker(desk.database, smtp.settings).run_once(now=later)

    assert round_two.fired >= 1
    reminders = [mail for mail in smtp.to(address("helpdesk.lkpp"))
                 if "Batas waktu terlewati" in mail.subject]
    assert reminders and ticket.number in reminders[0].subject
    assert round_two.sent == len(smtp.received) - 1
    assert worker.Worker(desk.database, smtp.settings).run_once(now=later) == worker.Round(
        0, 0, 0, 0)  # nothing fires or goes twice


def test_a_round_closes_the_day_that_ended_though_no_ticket_changed(desk: Desk) -> None:
    with time_machine.travel(datetime(2026, 11, 24, 9, tzinfo=UTC), tick=False) as clock:
        ticket = desk.open()
        clock.move_to(datetime(2026, 11, 25, 0, 5, tzinfo=UTC))  # nobody works at night
        first = worker.Worker(desk.database, None).run_once()
        again = worker.Worker(desk.database, None).run_once()

    assert (first.checkpoints, again.checkpoints) == (1, 0)
    assert "checkpoints written: 1" in str(first)
    newest = engine.latest_checkpoint(desk.database.uow())
    assert newest is not None and newest.day == "2026-11-24"
    assert dict(newest.heads) == {f"ticket:{ticket.id}": head(desk, ticket.id)}
    results = engine.verify_tickets(desk.database.uow(), anchor=newest.hash)
    assert all(result.ok for result in results), [r.problems for r in results if not r.ok]


def test_a_day_already_closed_costs_a_round_no_query(desk: Desk) -> None:
    with time_machine.travel(datetime(2026, 11, 24, 9, tzinfo=UTC), tick=False) as clock:
        desk.open()
        clock.move_to(datetime(2026, 11, 25, 9, tzinfo=UTC))
        assert checkpoints.close_ended_days(desk.database.engine) == 1
        statements: list[str] = []

        def count(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(desk.database.engine, "before_cursor_execute", count)
        try:
            assert checkpoints.close_ended_days(desk.database.engine) == 0
        finally:
            event.remove(desk.database.engine, "before_cursor_execute", count)
        assert statements == []
        # Another process (another engine) looks once, finds the day closed, writes nothing.
        with Database(str(desk.database.engine.url.render_as_string(
                hide_password=False))) as other:
            assert checkpoints.close_ended_days(other.engine) == 0


def head(desk: Desk, ticket_id: int) -> list[object]:
    """The ticket's event count and newest hash, as a checkpoint records them."""
    events = engine.list_events(desk.database.uow(), desk.user("auditor"), ticket_id)
    return [len(events), events[-1].hash]


def test_a_round_refreshes_a_report_snapshot_older_than_ten_minutes(desk: Desk) -> None:
    auditor = desk.user("auditor")
    desk.open()
    start = datetime.now(UTC)
    assert worker.Worker(desk.database, None).run_once(now=start).reports == 0  # none yet
    engine.stored_report(desk.database.uow(), auditor, now=start)
    desk.open()
    soon = start + timedelta(minutes=5)
    assert worker.Worker(desk.database, None).run_once(now=soon).reports == 0
    assert engine.stored_report(desk.database.uow(), auditor)[0].tickets == 1
    later = start + timedelta(minutes=11)
    refreshed = worker.Worker(desk.database, None).run_once(now=later)
    assert refreshed.reports == 1 and "report snapshots refreshed: 1" in str(refreshed)
    report, at = engine.stored_report(desk.database.uow(), auditor)
    assert (report.tickets, at) == (2, later)
    assert report == engine.audit_report(desk.database.uow(), auditor, now=later)
