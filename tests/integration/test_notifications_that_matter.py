"""Notifications that matter (issue 13): never for your own action, read when the task is
done, kinds with their text (guidance, solution, reopen, data requested), and each person's
mail settings (off, at once, or the daily digest sent by the worker)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

import engine
from engine import Database, Ticket
from engine.background import digests, outbox
from engine.background.worker import Worker
from engine.persistence.tables import NotificationRow, OutboxRow, UserRow
from engine.tickets import notifications
from tests.desk import Desk
from tests.integration.smtp import SmtpServer, address

GUIDANCE = "Reset akun penyedia melalui menu Admin Agency di LPSE Anda, lalu unggah ulang."
REASON = "Unggah dokumen masih gagal di atas 20 MB."


def rows_of(database: Database, username: str) -> list[NotificationRow]:
    with database.uow() as uow:
        rows = list(uow.session.scalars(
            select(NotificationRow).join(UserRow, UserRow.id == NotificationRow.user_id)
            .where(UserRow.username == username).order_by(NotificationRow.id)))
        uow.session.expunge_all()
        return rows


def mails_to(database: Database, username: str) -> list[OutboxRow]:
    with database.uow() as uow:
        rows = list(uow.session.scalars(select(OutboxRow).where(
            OutboxRow.recipient == address(username)).order_by(OutboxRow.id)))
        uow.session.expunge_all()
        return rows


def to_step_16(desk: Desk) -> Ticket:
    ticket = desk.open()
    return desk.run(ticket, "step02_terima", "step03_kewenangan", "step05_kelengkapan",
                    "step12_penanganan", "step13_cek_selesai", "step14_balas_selesai",
                    "step15_periksa")


def test_the_agent_who_moves_a_ticket_into_their_own_next_step_is_not_told_of_it(
        desk: Desk, with_emails: None) -> None:
    tickets = [desk.open() for _ in range(3)]
    for ticket in tickets:
        desk.run(ticket, "step02_terima", "step03_kewenangan", "step05_kelengkapan")

    mine = rows_of(desk.database, "helpdesk.lkpp")
    # Only step 2 of each ticket (the admin's action); none of the steps they moved into.
    assert [row.subject.split("] ")[1] for row in mine] == [
        "Tugas baru: Menerima dan mempelajari permasalahan"] * 3
    # The other agent is told of each new step.
    other = [row.subject for row in rows_of(desk.database, "helpdesk2.lkpp")]
    assert sum("Memutuskan kewenangan" in subject for subject in other) == 3
    assert not any("Memutuskan kewenangan" in mail.subject
                   for mail in mails_to(desk.database, "helpdesk.lkpp"))


def test_a_tasks_notifications_are_read_once_it_is_done_by_anyone(desk: Desk) -> None:
    ticket = desk.open()
    assert [row.read_at for row in rows_of(desk.database, "helpdesk.lkpp")] == [None]
    before = engine.count_unread(desk.database.uow(), desk.user("helpdesk.lkpp"))

    desk.do(ticket, "step02_terima", "helpdesk2.lkpp")

    told, nxt = rows_of(desk.database, "helpdesk.lkpp")
    assert "Menerima dan mempelajari" in told.subject and told.read_at is not None
    # The next step's notification, for the one who did not move the ticket, is unread.
    assert "Memutuskan kewenangan" in nxt.subject and nxt.read_at is None
    assert engine.count_unread(desk.database.uow(), desk.user("helpdesk.lkpp")) == before
    [done] = [row for row in rows_of(desk.database, "helpdesk2.lkpp")
              if "Menerima dan mempelajari" in row.subject]
    assert done.read_at is not None


def test_step_4s_guidance_reaches_the_admin_and_the_reporter_in_app_and_by_mail(
        desk: Desk, with_emails: None, smtp: SmtpServer) -> None:
    ticket = desk.open()
    desk.run(ticket, "step02_terima",
             ("step03_kewenangan", {"kewenangan": "LPSE",
                                    "alasan_kewenangan": "Pengaturan akun di LPSE."}),
             ("step04_panduan", {"panduan": GUIDANCE}))
    assert engine.get_ticket(desk.database.uow(), desk.user("helpdesk.lkpp"),
                             ticket.id).status == "closed"

    for username in ("admin.bandung", "pengguna.bandung"):
        [note] = [row for row in rows_of(desk.database, username)
                  if row.kind == notifications.GUIDANCE_GIVEN]
        assert GUIDANCE in note.body and note.link == f"/tiket/{ticket.id}"
        assert ticket.number in note.subject
    assert not [row for row in rows_of(desk.database, "helpdesk.lkpp")
                if row.kind == notifications.GUIDANCE_GIVEN]
    assert not [row for row in rows_of(desk.database, "admin.surabaya")
                if row.kind == notifications.GUIDANCE_GIVEN]

    outbox.send_due(desk.database, smtp.settings)
    for username in ("admin.bandung", "pengguna.bandung"):
        [mail] = [m for m in smtp.to(address(username)) if "Panduan penyelesaian" in m.subject]
        assert GUIDANCE in mail.body and f"/tiket/{ticket.id}" in mail.body


def test_a_reopen_tells_the_helpdesk_and_the_admin_its_reason(desk: Desk,
                                                              with_emails: None) -> None:
    ticket = to_step_16(desk)
    desk.do(ticket, "step16_konfirmasi", terselesaikan=False, alasan_belum_selesai=REASON)
    assert desk.pending(ticket) == ["step12_penanganan"]

    for username in ("helpdesk.lkpp", "helpdesk2.lkpp", "admin.bandung"):
        [note] = [row for row in rows_of(desk.database, username)
                  if row.kind == notifications.TICKET_REOPENED]
        assert REASON in note.body and "dibuka kembali" in note.subject
    [helpdesk] = [row for row in rows_of(desk.database, "helpdesk.lkpp")
                  if row.kind == notifications.TICKET_REOPENED]
    assert helpdesk.link.startswith("/tugas/")
    # The reporter reopened it: not told of their own action.
    assert not [row for row in rows_of(desk.database, "pengguna.bandung")
                if row.kind == notifications.TICKET_REOPENED]
    [mail] = [m for m in mails_to(desk.database, "admin.bandung") if "dibuka kembali" in m.subject]
    assert REASON in mail.body


def test_the_solution_of_step_14_reaches_the_reporter_and_the_admin_with_its_text(
        desk: Desk, with_emails: None) -> None:
    ticket = desk.open()
    desk.run(ticket, "step02_terima", "step03_kewenangan", "step05_kelengkapan",
             "step12_penanganan", "step13_cek_selesai",
             ("step14_balas_selesai", {"solusi": "Batas unggah dinaikkan menjadi 50 MB."}))
    for username in ("pengguna.bandung", "admin.bandung"):
        [note] = [row for row in rows_of(desk.database, username)
                  if row.kind == notifications.TICKET_SOLVED]
        assert "Batas unggah dinaikkan menjadi 50 MB." in note.body


def test_a_request_for_data_carries_what_is_asked(desk: Desk) -> None:
    ticket = desk.open()
    desk.run(ticket, "step02_terima", "step03_kewenangan",
             ("step05_kelengkapan", {"perlu_data_tambahan": True}),
             ("step06_minta_data", {"data_diminta": "Kirim log server tanggal 3 Desember."}))
    [note] = [row for row in rows_of(desk.database, "admin.bandung")
              if row.kind == notifications.DATA_REQUESTED]
    assert "Kirim log server tanggal 3 Desember." in note.body


def test_mail_off_writes_the_notification_but_sends_no_mail(desk: Desk,
                                                            with_emails: None) -> None:
    engine.set_mail_settings(desk.database.uow(), desk.user("helpdesk.lkpp"),
                             {notifications.TASK_ASSIGNED: notifications.MAIL_OFF})
    desk.open()
    assert [row.kind for row in rows_of(desk.database, "helpdesk.lkpp")] == [
        notifications.TASK_ASSIGNED]
    assert mails_to(desk.database, "helpdesk.lkpp") == []
    assert len(mails_to(desk.database, "helpdesk2.lkpp")) == 1


def test_the_daily_digest_is_one_mail_a_day_from_the_worker(
        desk: Desk, with_emails: None, smtp: SmtpServer) -> None:
    start = datetime.now(UTC)
    engine.set_mail_settings(desk.database.uow(), desk.user("helpdesk.lkpp"),
                             {notifications.TASK_ASSIGNED: notifications.MAIL_DIGEST},
                             now=start)
    first, second = desk.open(), desk.open(judul="Jadwal tender tidak tampil")
    assert mails_to(desk.database, "helpdesk.lkpp") == []
    worker = Worker(desk.database, smtp.settings)

    worker.run_once(now=start + timedelta(hours=1))  # not a day yet
    assert smtp.to(address("helpdesk.lkpp")) == []

    worker.run_once(now=start + timedelta(days=1, minutes=1))
    [digest] = smtp.to(address("helpdesk.lkpp"))
    assert "Ringkasan harian" in digest.subject and "2 notifikasi" in digest.subject
    assert first.number in digest.body and second.number in digest.body
    assert "Jadwal tender tidak tampil" in digest.body

    worker.run_once(now=start + timedelta(days=1, hours=2))  # once a day only
    assert len(smtp.to(address("helpdesk.lkpp"))) == 1
    assert digests.send_due(desk.database, start + timedelta(days=2, minutes=2)) == 0  # none new


def test_unknown_kinds_and_modes_are_refused_by_name_and_nothing_changes(desk: Desk) -> None:
    user = desk.user("helpdesk.lkpp")
    with pytest.raises(engine.InvalidData) as refused:
        engine.set_mail_settings(desk.database.uow(), user, {
            notifications.REMINDER: notifications.MAIL_OFF, "gosip": "off",
            notifications.TASK_ASSIGNED: "kadang"})
    assert set(refused.value.errors) == {"gosip", notifications.TASK_ASSIGNED}
    assert "kadang" in str(refused.value)
    assert set(engine.mail_settings(desk.database.uow(), user).values()) == {
        notifications.MAIL_NOW}
