"""Notifications: who is told about a new task, and the outbox sending to a real SMTP server."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

import engine
from engine import Database
from engine.background import outbox
from engine.persistence.tables import NotificationRow, OutboxRow, UserRow
from engine.settings import Settings, SmtpSettings
from engine.tickets import notifications
from tests.conftest import POSTGRES_URL
from tests.desk import Desk
from tests.integration.smtp import SmtpServer, address, free_port


def outbox_rows(database: Database) -> list[OutboxRow]:
    with database.uow() as uow:
        rows = list(uow.session.scalars(select(OutboxRow).order_by(OutboxRow.id)))
        uow.session.expunge_all()
        return rows


def notification_rows(database: Database, username: str | None = None) -> list[NotificationRow]:
    with database.uow() as uow:
        query = select(NotificationRow).order_by(NotificationRow.id)
        if username is not None:
            query = query.join(UserRow, UserRow.id == NotificationRow.user_id).where(
                UserRow.username == username)
        rows = list(uow.session.scalars(query))
        uow.session.expunge_all()
        return rows


def counts(database: Database) -> tuple[int, int]:
    with database.uow() as uow:
        session = uow.session
        return (session.scalar(select(func.count()).select_from(NotificationRow)) or 0,
                session.scalar(select(func.count()).select_from(OutboxRow)) or 0)


def test_a_new_ticket_tells_helpdesk_in_app_and_by_mail_to_a_real_smtp_server(
        desk: Desk, helpdesk_mail_only: None, smtp: SmtpServer) -> None:
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima")

    report = outbox.send_due(desk.database, smtp.settings)

    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    [mail] = smtp.to(address("helpdesk.lkpp"))
    assert ticket.number in mail.subject
    assert f"/tugas/{task.id}" in mail.body
    assert "menunggu tindakan Anda" in mail.body
    [note] = notification_rows(desk.database, "helpdesk.lkpp")
    assert (note.kind, note.link, note.ticket_id) == (
        notifications.TASK_ASSIGNED, f"/tugas/{task.id}", ticket.id)
    [row] = outbox_rows(desk.database)
    assert row.sent_at is not None and row.attempts == 1 and row.last_error is None
    assert outbox.send_due(desk.database, smtp.settings).sent == 0  # sent once only


def test_mail_waits_in_the_outbox_while_the_server_is_down_and_goes_when_it_returns(
        desk: Desk, helpdesk_mail_only: None, smtp: SmtpServer) -> None:
    smtp.stop()
    desk.open()

    report = outbox.send_due(desk.database, smtp.settings)

    assert (report.sent, report.retrying) == (0, 1)
    [row] = outbox_rows(desk.database)
    assert row.sent_at is None and row.attempts == 1 and row.last_error
    assert smtp.received == []

    smtp.start()
    assert outbox.send_due(desk.database, smtp.settings).sent == 0  # still backing off
    later = datetime.now(UTC) + outbox.FIRST_RETRY + timedelta(seconds=1)
    assert outbox.send_due(desk.database, smtp.settings, now=later).sent == 1
    [row] = outbox_rows(desk.database)
    assert row.sent_at is not None and row.attempts == 2 and row.last_error is None
    assert len(smtp.to(address("helpdesk.lkpp"))) == 1


def test_retries_back_off_exponentially_up_to_an_hour(desk: Desk, helpdesk_mail_only: None) -> None:
    nowhere = SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2)
    desk.open()
    moment = datetime.now(UTC)
    waits = []
    for _ in range(4):
        assert outbox.send_due(desk.database, nowhere, now=moment).retrying == 1
        [row] = outbox_rows(desk.database)
        waits.append(row.next_attempt_at - moment)
        # Not yet due just before the wait is over.
        assert outbox.send_due(desk.database, nowhere,
                               now=row.next_attempt_at - timedelta(seconds=1)).retrying == 0
        moment = row.next_attempt_at
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert outbox_rows(desk.database)[0].attempts == 4
    assert outbox.backoff(30) == timedelta(hours=1)


def test_a_refused_recipient_is_not_retried(desk: Desk, helpdesk_mail_only: None,
                                            smtp: SmtpServer) -> None:
    desk.open()
    with desk.database.uow() as uow:
        uow.session.execute(update(OutboxRow).values(recipient="nobody@refused.test"))
        uow.commit()
    report = outbox.send_due(desk.database, smtp.settings)
    assert (report.sent, report.failed) == (0, 1)
    [row] = outbox_rows(desk.database)
    assert row.failed_at is not None and row.sent_at is None and row.last_error


def test_without_an_smtp_host_mail_stays_in_the_outbox(desk: Desk,
                                                      helpdesk_mail_only: None) -> None:
    desk.open()
    assert SmtpSettings.from_environment({}) is None
    assert outbox.send_due(desk.database, None).sent == 0
    assert outbox.waiting(desk.database) == 1


def test_smtp_settings_come_from_the_environment() -> None:
    settings = SmtpSettings.from_environment({
        "ESKALASI_SMTP_HOST": "mail.lkpp.test", "ESKALASI_SMTP_STARTTLS": "true",
        "ESKALASI_SMTP_USER": "u", "ESKALASI_SMTP_PASSWORD": "s3cr3t",
        "ESKALASI_SMTP_FROM": "Eskalasi <noreply@lkpp.test>"})
    assert settings == SmtpSettings(host="mail.lkpp.test", port=587, user="u",
                                    password="s3cr3t", sender="Eskalasi <noreply@lkpp.test>",
                                    starttls=True)
    assert "s3cr3t" not in repr(settings)


def test_links_in_mail_start_with_the_settings_base_url(desk: Desk, database_url: str,
                                                         with_emails: None) -> None:
    ticket = desk.open()
    settings = Settings(database_url=database_url, base_url="https://eskalasi.lkpp.test")
    with Database(settings) as database, database.uow() as uow:
        notifications.notify(uow.session, recipients=["auditor"], kind=notifications.REMINDER,
                             ticket_id=ticket.id, subject="Pengingat", body="Langkah 2.")
        uow.commit()
    [mail] = [row for row in outbox_rows(desk.database) if row.recipient == address("auditor")]
    assert f"Buka: https://eskalasi.lkpp.test/tiket/{ticket.id}\n" in mail.body


def test_a_rolled_back_completion_sends_nothing(desk: Desk, with_emails: None,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima")
    before = counts(desk.database)
    uow = desk.database.uow()

    def fail() -> None:
        uow.session.flush()  # the notifications reach the database, then the commit fails
        raise RuntimeError("disk full")

    monkeypatch.setattr(uow, "commit", fail)
    with pytest.raises(RuntimeError):
        engine.complete_task(uow, desk.user("helpdesk.lkpp"), task.id, {})

    assert counts(desk.database) == before
    assert desk.pending(ticket) == ["step02_terima"]


def test_each_new_task_tells_the_people_of_its_lane(desk: Desk, with_emails: None) -> None:
    ticket = desk.open()
    desk.run(ticket, "step02_terima", ("step03_kewenangan", {"kewenangan": "LKPP"}),
             ("step05_kelengkapan", {"perlu_data_tambahan": True}), "step06_minta_data")

    # Step 7 (Admin LPSE): a request for data, to the admins of the ticket's LPSE only.
    [request] = notification_rows(desk.database, "admin.bandung")
    assert request.kind == notifications.DATA_REQUESTED
    assert notification_rows(desk.database, "admin.surabaya") == []
    assert notification_rows(desk.database, "pengguna.surabaya") == []

    desk.run(ticket, "step07_terima_permintaan",
             ("step08_data_pengguna", {"perlu_data_pengguna": True,
                                      "permintaan_ke_pengguna": "Tangkapan layar galat"}))
    # Step 9 (Pengguna SPSE): a request for data, to the reporter (told first that the
    # ticket was opened for them).
    opened, asked = notification_rows(desk.database, "pengguna.bandung")
    assert opened.kind == engine.NotificationKind.TICKET_OPENED
    assert asked.kind == notifications.DATA_REQUESTED
    assert "Admin LPSE meminta data tambahan" in asked.body

    desk.run(ticket, "step09_kirim_data_pengguna", "step10_kirim_data", "step11_terima_data",
             ("step05_kelengkapan", {"perlu_data_tambahan": False}), "step12_penanganan",
             "step13_cek_selesai", "step14_balas_selesai")
    solved = notification_rows(desk.database, "pengguna.bandung")[-1]
    assert solved.kind == notifications.TICKET_SOLVED
    assert ticket.number in solved.subject
    kinds = [row.kind for row in notification_rows(desk.database, "helpdesk.lkpp")]
    assert kinds and set(kinds) == {notifications.TASK_ASSIGNED}
    # Mail only to those with an address; each mail belongs to one notification.
    mails = outbox_rows(desk.database)
    assert {row.recipient for row in mails} == {
        address("helpdesk.lkpp"), address("helpdesk2.lkpp"), address("admin.bandung"),
        address("pengguna.bandung")}
    assert len(mails) == len({row.notification_id for row in mails})


def test_a_user_without_an_email_address_is_notified_in_app_only(desk: Desk) -> None:
    desk.open()
    assert len(notification_rows(desk.database, "helpdesk.lkpp")) == 1
    assert outbox_rows(desk.database) == []


def test_notify_skips_unknown_users_and_refuses_unknown_kinds(desk: Desk,
                                                              with_emails: None) -> None:
    ticket = desk.open()
    with desk.database.uow() as uow:
        notifications.notify(uow.session, recipients=["nobody", "auditor", "auditor"],
                             kind=notifications.REMINDER, ticket_id=ticket.id,
                             subject="Pengingat", body="Batas waktu langkah 2 terlewati.")
        with pytest.raises(ValueError, match="unknown"):
            notifications.notify(uow.session, recipients=["auditor"], kind="gossip",
                                 ticket_id=ticket.id, subject="", body="")
        uow.commit()
    [note] = notification_rows(desk.database, "auditor")
    assert (note.kind, note.link) == (notifications.REMINDER, f"/tiket/{ticket.id}")
    [mail] = [row for row in outbox_rows(desk.database) if row.recipient == address("auditor")]
    assert f"Buka: /tiket/{ticket.id}" in mail.body


@pytest.mark.skipif(not POSTGRES_URL, reason="row claiming needs PostgreSQL")
def test_two_workers_over_postgresql_never_send_one_mail_twice(
        database_url: str, with_emails: None, smtp: SmtpServer) -> None:
    mails = 30
    with Database(database_url) as database, database.uow() as uow:
        for number in range(mails):
            notifications.notify(uow.session, recipients=["helpdesk.lkpp"],
                                 kind=notifications.REMINDER, ticket_id=None,
                                 subject=f"Pengingat {number}", body="Isi")
        uow.commit()
    smtp.delay = 0.02  # each mail takes a while, so the two senders overlap
    barrier = threading.Barrier(2)
    reports: list[outbox.SendReport] = []

    def worker() -> None:
        with Database(database_url) as own:
            barrier.wait()
            reports.append(outbox.send_due(own, smtp.settings))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    subjects = sorted(str(mail.subject) for mail in smtp.received)
    assert subjects == sorted(f"Pengingat {n}" for n in range(mails))
    assert sum(report.sent for report in reports) == mails
    assert all(report.sent > 0 for report in reports), "both workers took a share"


def test_a_title_with_line_breaks_and_non_ascii_makes_one_clean_mail(
        desk: Desk, helpdesk_mail_only: None, smtp: SmtpServer) -> None:
    ticket = desk.open(judul="Gagal unggah\r\nBcc: penyusup@lkpp.test — “penawaran” é")

    assert outbox.send_due(desk.database, smtp.settings).sent == 1

    [mail] = smtp.received
    assert mail.recipients == (address("helpdesk.lkpp"),)
    assert mail.message["Bcc"] is None
    assert mail.subject.startswith(f"[{ticket.number}] Tugas baru")
    assert "Gagal unggah Bcc: penyusup@lkpp.test — “penawaran” é" in mail.body


def test_a_mail_that_cannot_be_built_fails_and_does_not_block_the_others(
        desk: Desk, helpdesk_mail_only: None, smtp: SmtpServer) -> None:
    desk.open()
    desk.open()
    with desk.database.uow() as uow:
        first = uow.session.scalars(select(OutboxRow).order_by(OutboxRow.id)).first()
        assert first is not None
        first.recipient = "helpdesk@lkpp.test\r\nBcc: penyusup@lkpp.test"
        uow.commit()

    report = outbox.send_due(desk.database, smtp.settings)

    assert (report.sent, report.failed) == (1, 1)
    broken, good = outbox_rows(desk.database)
    assert broken.failed_at is not None and "not a valid message" in (broken.last_error or "")
    assert good.sent_at is not None
    assert [mail.recipients for mail in smtp.received] == [(address("helpdesk.lkpp"),)]


def test_racing_completions_of_one_task_notify_once(desk: Desk, with_emails: None) -> None:
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima")
    helpdesk = desk.user("helpdesk.lkpp")
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def attempt() -> None:
        barrier.wait()
        try:
            engine.complete_task(desk.database.uow(), helpdesk, task.id, {})
            outcomes.append("ok")
        except engine.Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict"] * 3 + ["ok"]
    # The one who completed it is not told of the step they moved the ticket into; each
    # other helpdesk user is, once.
    subjects = [row.subject for row in notification_rows(desk.database, "helpdesk.lkpp")]
    assert len(subjects) == 1 and "Memutuskan kewenangan" not in subjects[0]
    others = [row.subject for row in notification_rows(desk.database, "helpdesk2.lkpp")
              if "Memutuskan kewenangan" in row.subject]
    assert len(others) == 1
    assert len([row for row in outbox_rows(desk.database)
                if "Memutuskan kewenangan" in row.subject]) == 1


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_mail_goes_through_a_server_that_wants_a_login(desk: Desk,
                                                       helpdesk_mail_only: None) -> None:
    server = SmtpServer(login=("eskalasi", "rahasia"))
    server.start()
    try:
        desk.open()
        wrong = replace(server.settings, user="eskalasi", password="salah")
        assert outbox.send_due(desk.database, wrong).retrying == 1
        [row] = outbox_rows(desk.database)
        assert row.last_error and "535" in row.last_error  # authentication failed
        right = replace(server.settings, user="eskalasi", password="rahasia")
        later = datetime.now(UTC) + outbox.FIRST_RETRY + timedelta(seconds=1)
        assert outbox.send_due(desk.database, right, now=later).sent == 1
    finally:
        server.stop()
    assert len(server.to(address("helpdesk.lkpp"))) == 1
