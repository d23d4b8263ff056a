"""Laporkan masalah (issue 12): a Pengguna SPSE's request to their LPSE, answered locally or
escalated to a ticket, as each role, through the pages; audited in its own chain."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import inspect, select, text

import engine
from engine import Database
from engine.background import outbox
from engine.persistence.tables import IntakeRequestRow, NotificationRow, UserRow
from tests.desk import STEP_DATA, Desk
from tests.integration.migrations import move
from tests.integration.smtp import SmtpServer, address
from tests.pages import PNG, Visitor, field_errors, html, texts, visitor
from web.config import DATABASE_EXTENSION

PB, AB, PS, AS = "pengguna.bandung", "admin.bandung", "pengguna.surabaya", "admin.surabaya"
HD, OWNER, AUDITOR = "helpdesk.lkpp", "pemilik.proses", "auditor"
FIELDS = {key: value for key, value in STEP_DATA["step01_eskalasi"].items()}


def report(person: Visitor, **changes: Any) -> Any:
    """Send "Laporkan masalah" with the step-1 sample answers, changed as asked."""
    data: dict[str, Any] = {**FIELDS, **changes}
    return person.post("/permintaan/baru", data, content_type="multipart/form-data")


def request_id(response: Any) -> int:
    found = re.search(r"/permintaan/(\d+)$", response.headers.get("Location", ""))
    assert found, response.status_code
    return int(found.group(1))


def rows(desk: Desk) -> list[IntakeRequestRow]:
    with desk.database.uow() as uow:
        found = list(uow.session.scalars(select(IntakeRequestRow).order_by(IntakeRequestRow.id)))
        uow.session.expunge_all()  # read as they are now, kept after the session ends
        return found


def counts(desk: Desk) -> tuple[Any, ...]:
    """Requests, events and tickets: what a refused request must leave alone."""
    with desk.database.engine.connect() as connection:
        return tuple(connection.execute(text(
            "SELECT (SELECT COUNT(*) FROM intake_requests), (SELECT COUNT(*) FROM events), "
            "(SELECT COUNT(*) FROM tickets)")).one())


def test_a_pengguna_reports_a_problem_and_sees_it_waiting(app: Flask, desk: Desk) -> None:
    person = visitor(app, PB)
    assert "Laporkan masalah" in person.get("/tugas").text
    form = person.get("/permintaan/baru")
    assert form.status_code == 200
    assert set(html(form).xpath("//form[@class='task-form intake-form']//*/@name")) >= {
        "judul", "aplikasi", "tipe_tiket", "deskripsi", "lampiran"}
    sent = report(person, lampiran=(io.BytesIO(PNG), "layar.png"))
    assert sent.status_code == 302
    page = person.get(f"/permintaan/{request_id(sent)}")
    assert page.status_code == 200
    [row] = rows(desk)
    assert re.fullmatch(r"PMT-\d{4}-\d{6}", row.number)
    assert row.status == "open" and row.data["judul"] == FIELDS["judul"]
    assert [f["filename"] for f in row.files] == ["layar.png"]
    assert texts(page, "//*[@id='status-permintaan']") == ["Menunggu"]
    listed = person.get("/permintaan")
    assert row.number in listed.text
    picture = person.get(f"/permintaan/{row.id}/lampiran/{row.files[0]['sha256']}")
    assert picture.status_code == 200 and picture.data == PNG
    picture.close()  # files are streamed


def test_the_lpse_admin_sees_the_open_requests_and_their_count(app: Flask, desk: Desk) -> None:
    request = request_id(report(visitor(app, PB)))
    admin = visitor(app, AB)
    inbox = admin.get("/tugas")
    assert html(inbox).xpath("//*[@data-open-requests]/@data-open-requests") == ["1"]
    listed = admin.get("/permintaan")
    assert html(listed).xpath("//tr/@data-request-id") == [str(request)]
    page = admin.get(f"/permintaan/{request}")
    assert page.status_code == 200
    assert html(page).xpath("//textarea[@name='jawaban']")
    assert html(page).xpath("//a[@id='eskalasi']/@href") == [f"/tiket/baru?permintaan={request}"]


@pytest.mark.parametrize("caller", [AS, PS, HD, OWNER, "admin.sistem", "helpdesk2.lkpp"])
def test_others_get_404_for_a_request(app: Flask, caller: str) -> None:
    request = request_id(report(visitor(app, PB)))
    other = visitor(app, caller)
    assert other.get(f"/permintaan/{request}").status_code == 404
    assert other.post(f"/permintaan/{request}/jawab", {"jawaban": "Halo"}).status_code == 404
    assert other.get(f"/tiket/baru?permintaan={request}").status_code == 404
    # the request itself is untouched
    page = visitor(app, PB).get(f"/permintaan/{request}")
    assert texts(page, "//*[@id='status-permintaan']") == ["Menunggu"]


def test_only_a_pengguna_may_report(app: Flask) -> None:
    for caller in (AB, HD, OWNER, AUDITOR, "admin.sistem"):
        assert visitor(app, caller).get("/permintaan/baru").status_code == 404
        assert report(visitor(app, caller)).status_code == 404


def test_the_auditor_reads_every_request_but_cannot_answer(app: Flask) -> None:
    first = request_id(report(visitor(app, PB)))
    second = request_id(report(visitor(app, PS)))
    auditor = visitor(app, AUDITOR)
    listed = auditor.get("/permintaan?status=semua")
    assert set(html(listed).xpath("//tr/@data-request-id")) == {str(first), str(second)}
    page = auditor.get(f"/permintaan/{first}")
    assert page.status_code == 200 and not html(page).xpath("//textarea[@name='jawaban']")
    number = texts(page, "//*[@class='request-number']")[0]
    database: Database = app.extensions[DATABASE_EXTENSION]
    reads = engine.list_reads(database.uow(), engine.get_user(database.uow(), AUDITOR))
    assert [(r.what, r.detail) for r in reads] == [("request-page", number)]
    assert auditor.post(f"/permintaan/{first}/jawab", {"jawaban": "Halo"}).status_code == 404


def test_the_helpdesk_process_owner_and_administrator_have_no_request_list(app: Flask) -> None:
    for caller in (HD, OWNER, "admin.sistem"):
        assert visitor(app, caller).get("/permintaan").status_code == 404


def test_each_pengguna_sees_only_their_own_requests(app: Flask) -> None:
    mine = request_id(report(visitor(app, PB)))
    request_id(report(visitor(app, PS)))
    listed = visitor(app, PB).get("/permintaan")
    assert html(listed).xpath("//tr/@data-request-id") == [str(mine)]
    surabaya = visitor(app, AS).get("/permintaan")
    assert str(mine) not in html(surabaya).xpath("//tr/@data-request-id")


def test_an_answer_closes_the_request_and_tells_the_reporter_in_app_and_by_mail(
        app: Flask, desk: Desk, with_emails: None, smtp: SmtpServer) -> None:
    request = request_id(report(visitor(app, PB)))
    admin = visitor(app, AB)
    answered = admin.post(f"/permintaan/{request}/jawab",
                          {"jawaban": "Silakan bersihkan cache peramban lalu coba lagi."})
    assert answered.status_code == 302
    [row] = rows(desk)
    assert (row.status, row.answer) == ("answered", "Silakan bersihkan cache peramban lalu "
                                                    "coba lagi.")
    page = visitor(app, PB).get(f"/permintaan/{request}")
    assert texts(page, "//*[@id='status-permintaan']") == ["Dijawab"]
    assert "bersihkan cache" in page.text
    with desk.database.uow() as uow:
        reporter = uow.session.scalar(select(UserRow.id).where(UserRow.username == PB))
        [note] = uow.session.scalars(select(NotificationRow).where(
            NotificationRow.user_id == reporter))
        uow.session.expunge_all()
    assert (note.kind, note.link) == ("request_answered", f"/permintaan/{request}")
    outbox.send_due(desk.database, smtp.settings)
    [mail] = smtp.to(address(PB))
    assert row.number in mail.subject
    assert "bersihkan cache" in mail.body and f"/permintaan/{request}" in mail.body
    again = admin.post(f"/permintaan/{request}/jawab", {"jawaban": "Lagi"})
    assert again.status_code == 409


def test_an_empty_answer_is_refused_and_nothing_changes(app: Flask, desk: Desk) -> None:
    request = request_id(report(visitor(app, PB)))
    before = counts(desk)
    refused = visitor(app, AB).post(f"/permintaan/{request}/jawab", {"jawaban": "   "})
    assert refused.status_code == 422
    assert field_errors(refused) == {"jawaban": "Wajib diisi."}
    assert counts(desk) == before and rows(desk)[0].status == "open"


def test_bad_requests_are_refused_by_field_and_nothing_is_saved(
        app: Flask, desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    person = visitor(app, PB)
    before = counts(desk)
    empty_title = report(person, judul="")
    assert empty_title.status_code == 422
    assert "judul" in field_errors(empty_title)
    assert html(empty_title).xpath("//textarea[@name='deskripsi']/text()") == [
        FIELDS["deskripsi"]]  # what was typed stays
    monkeypatch.setattr("engine.tickets.attachments.MAX_BYTES", 1024)  # 20 MB: a slow test
    huge = report(person, lampiran=(io.BytesIO(PNG * 20), "besar.png"))
    assert huge.status_code == 422
    assert "besar.png: lebih besar dari" in field_errors(huge)["lampiran"]
    wrong_type = report(person, lampiran=(io.BytesIO(b"MZ not a picture"), "virus.exe"))
    assert wrong_type.status_code == 422 and "virus.exe" in field_errors(wrong_type)["lampiran"]
    assert counts(desk) == before


def test_files_too_large_for_the_server_are_a_413_field_error(app: Flask, desk: Desk) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 4096
    before = counts(desk)
    refused = report(visitor(app, PB), lampiran=(io.BytesIO(PNG * 100), "besar.png"))
    assert refused.status_code == 413
    assert "Berkas terlalu besar" in field_errors(refused)["lampiran"]
    assert counts(desk) == before


def test_escalation_opens_the_form_prefilled_and_the_ticket_links_back(
        app: Flask, desk: Desk) -> None:
    request = request_id(report(visitor(app, PB), kode_error="ERR-42",
                                lampiran=(io.BytesIO(PNG), "layar.png")))
    admin = visitor(app, AB)
    form = admin.get(f"/tiket/baru?permintaan={request}")
    assert form.status_code == 200
    tree = html(form)
    assert tree.xpath("//select[@name='reporter']/option[@selected]/@value") == [PB]
    assert tree.xpath("//input[@name='judul']/@value") == [FIELDS["judul"]]
    assert tree.xpath("//input[@name='kode_error']/@value") == ["ERR-42"]
    assert tree.xpath("//input[@name='permintaan']/@value") == [str(request)]
    values: dict[str, Any] = {**FIELDS, "kode_error": "ERR-42", "reporter": PB,
                              "permintaan": str(request)}
    opened = admin.post("/tiket/baru", values, content_type="multipart/form-data")
    assert opened.status_code == 302, opened.text
    ticket_id = int(opened.headers["Location"].rsplit("/", 1)[1])
    [row] = rows(desk)
    assert (row.status, row.ticket_id) == ("escalated", ticket_id)
    ticket = engine.get_ticket(desk.database.uow(), desk.user(HD), ticket_id)
    assert ticket.reporter == PB
    page = admin.get(f"/tiket/{ticket_id}")
    assert texts(page, "//*[@id='dari-permintaan']") == [f"Dari permintaan {row.number}"]
    history = engine.ticket_history(desk.database.uow(), desk.user(HD), ticket_id)
    assert [a.filename for a in history.attachments] == ["layar.png"]
    request_page = visitor(app, PB).get(f"/permintaan/{request}")
    assert texts(request_page, "//*[@id='tiket-eskalasi']") == [ticket.number]
    # the helpdesk reaches the request through the ticket
    assert visitor(app, HD).get(f"/permintaan/{request}").status_code == 200
    # escalated once only
    assert admin.get(f"/tiket/baru?permintaan={request}").status_code == 404
    [event] = [e for e in engine.list_events(desk.database.uow(), desk.user(AUDITOR), ticket_id)
               if e.type == "ticket_opened"]
    assert event.data["request"] == row.number


def test_an_escalation_that_fails_validation_leaves_the_request_open(
        app: Flask, desk: Desk) -> None:
    request = request_id(report(visitor(app, PB)))
    before = counts(desk)
    values = {**FIELDS, "judul": "", "reporter": PB, "permintaan": str(request)}
    refused = visitor(app, AB).post("/tiket/baru", values, content_type="multipart/form-data")
    assert refused.status_code == 422
    assert html(refused).xpath("//input[@name='permintaan']/@value") == [str(request)]
    assert counts(desk) == before and rows(desk)[0].status == "open"


def test_a_ticket_opened_for_a_reporter_tells_them_with_its_number_and_link(
        desk: Desk, with_emails: None, smtp: SmtpServer) -> None:
    ticket = desk.open()
    outbox.send_due(desk.database, smtp.settings)
    [mail] = smtp.to(address(PB))
    assert ticket.number in mail.subject and f"/tiket/{ticket.id}" in mail.body
    with desk.database.uow() as uow:
        kinds = uow.session.scalars(select(NotificationRow.kind).join(
            UserRow, UserRow.id == NotificationRow.user_id).where(UserRow.username == PB)).all()
    assert kinds == ["ticket_opened"]


def _verify_all(desk: Desk) -> list[engine.Verification]:
    return [r for r in engine.verify_tickets(desk.database.uow()) if not r.ok]


def test_verify_all_covers_the_requests_and_reports_a_tampered_event(
        app: Flask, desk: Desk) -> None:
    request = request_id(report(visitor(app, PB)))
    visitor(app, AB).post(f"/permintaan/{request}/jawab", {"jawaban": "Sudah beres."})
    [row] = rows(desk)
    assert row.event_count == 2
    assert _verify_all(desk) == []
    desk.tamper("UPDATE events SET data = :data WHERE stream = :s AND seq = 2",
                data='{"answer": "Lain."}', s=f"intake:{row.id}")
    [failed] = _verify_all(desk)
    assert failed.ticket_number == row.number
    assert any("event 2" in p and "edited" in p for p in failed.problems)


def test_verify_all_reports_a_request_whose_newest_event_is_gone(
        app: Flask, desk: Desk) -> None:
    request = request_id(report(visitor(app, PB)))
    visitor(app, AB).post(f"/permintaan/{request}/jawab", {"jawaban": "Sudah beres."})
    desk.tamper("DELETE FROM events WHERE stream = :s AND seq = 2", s=f"intake:{request}")
    [failed] = _verify_all(desk)
    assert any("records 2 events but 1 are stored" in p for p in failed.problems)


def test_a_request_is_told_and_counted_to_its_own_lpses_admins_only(
        app: Flask, desk: Desk) -> None:
    request = request_id(report(visitor(app, PB)))
    with desk.database.uow() as uow:
        told = uow.session.execute(
            select(UserRow.username, NotificationRow.kind, NotificationRow.link)
            .join(UserRow, UserRow.id == NotificationRow.user_id)).all()
    assert [tuple(row) for row in told] == [(AB, "request_received", f"/permintaan/{request}")]
    assert engine.count_open_requests(desk.database.uow(), desk.user(AS)) == 0
    assert engine.count_open_requests(desk.database.uow(), desk.user(AB)) == 1


# --- the reporter added on the spot at ticket opening ----------------------------------------

def new_ticket(person: Visitor, **values: Any) -> Any:
    return person.post("/tiket/baru", {**FIELDS, **values}, content_type="multipart/form-data")


def users_named(desk: Desk, username_prefix: str) -> list[tuple[Any, ...]]:
    """(username, role, LPSE name) of the accounts whose username starts so, oldest first."""
    with desk.database.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(
            "SELECT u.username, u.role, l.name FROM users u LEFT JOIN lpse l ON l.id = u.lpse_id "
            "WHERE u.username LIKE :p ORDER BY u.id"), {"p": f"{username_prefix}%"})]


def test_an_admin_adds_the_reporter_on_the_spot_who_is_invited_and_told_of_the_ticket(
        app: Flask, desk: Desk, smtp: SmtpServer) -> None:
    admin = visitor(app, AB)
    form = admin.get("/tiket/baru")
    assert html(form).xpath("//input[@name='reporter_email']")
    opened = new_ticket(admin, reporter="", reporter_name="Siti Rahma",
                        reporter_email="Siti.Rahma+spse@pemkot.test")
    assert opened.status_code == 302, field_errors(opened)
    ticket_id = int(opened.headers["Location"].rsplit("/", 1)[1])
    assert users_named(desk, "siti.rahma") == [
        ("siti.rahma.spse", "Pengguna SPSE", "LPSE Kota Bandung")]
    ticket = engine.get_ticket(desk.database.uow(), desk.user(HD), ticket_id)
    assert ticket.reporter == "siti.rahma.spse"
    outbox.send_due(desk.database, smtp.settings)
    mails = smtp.to("Siti.Rahma+spse@pemkot.test")
    assert any("/sandi/" in mail.body for mail in mails)          # the invitation
    assert any(ticket.number in mail.subject and f"/tiket/{ticket_id}" in mail.body
               for mail in mails)                                   # the ticket opened


def test_a_derived_username_that_is_taken_gets_a_number(app: Flask, desk: Desk) -> None:
    opened = new_ticket(visitor(app, AB), reporter_name="Pengguna Kedua",
                        reporter_email="pengguna.bandung@lain.test")
    assert opened.status_code == 302, field_errors(opened)
    assert [u for u, _, _ in users_named(desk, "pengguna.bandung")] == [
        "pengguna.bandung", "pengguna.bandung.2"]


def test_a_bad_new_reporter_or_bad_ticket_creates_neither_account_nor_ticket(
        app: Flask, desk: Desk) -> None:
    admin = visitor(app, AB)
    before = counts(desk)
    bad_email = new_ticket(admin, reporter_name="Budi", reporter_email="bukan-email")
    assert bad_email.status_code == 422
    assert set(field_errors(bad_email)) == {"reporter_email"}
    no_name = new_ticket(admin, reporter_email="budi@pemkot.test")
    assert no_name.status_code == 422 and set(field_errors(no_name)) == {"reporter_name"}
    bad_ticket = new_ticket(admin, reporter_name="Budi", reporter_email="budi@pemkot.test",
                            judul="")
    assert bad_ticket.status_code == 422 and "judul" in field_errors(bad_ticket)
    assert users_named(desk, "budi") == []
    assert counts(desk) == before


def test_migration_0016_goes_down_and_up_again(empty_database_url: str) -> None:
    def tables() -> list[str]:
        return inspect(database.engine).get_table_names()

    with Database(empty_database_url) as database:
        engine.init(database, demo=True)
        assert "intake_requests" in tables()
        move(database.engine, "0015")
        assert "intake_requests" not in tables()
        move(database.engine, "head")
        desk = Desk(database)
        found = engine.submit_request(database.uow(), desk.user(PB), FIELDS)
        assert engine.get_request(database.uow(), desk.user(AB), found.id).status == "open"


def test_the_command_verify_all_exits_1_naming_a_tampered_request(
        desk: Desk, database_url: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from cli.main import main

    found = engine.submit_request(desk.database.uow(), desk.user(PB), FIELDS)
    engine.answer_request(desk.database.uow(), desk.user(AB), found.id, "Sudah beres.")
    monkeypatch.setenv("ESKALASI_DATABASE_URL", database_url)
    assert main(["verify", "--all"]) == 0
    assert "all verified" in capsys.readouterr().out
    desk.tamper("UPDATE events SET actor = 'someone' WHERE stream = :s AND seq = 1",
                s=f"intake:{found.id}")
    assert main(["verify", "--all"]) == 1
    out = capsys.readouterr().out
    assert f"{found.number}: FAILED" in out and "event 1" in out


def test_two_admins_handling_one_request_at_once_leave_one_outcome(desk: Desk) -> None:
    import threading

    found = engine.submit_request(desk.database.uow(), desk.user(PB), FIELDS)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def answer() -> None:
        barrier.wait()
        try:
            engine.answer_request(desk.database.uow(), desk.user(AB), found.id, "Beres.")
            outcomes.append("answered")
        except engine.Conflict:
            outcomes.append("conflict")

    def escalate() -> None:
        barrier.wait()
        try:
            engine.escalate_request(desk.database.uow(), desk.user(AB), found.id, FIELDS)
            outcomes.append("escalated")
        except engine.Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=answer), threading.Thread(target=escalate)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) in (["answered", "conflict"], ["conflict", "escalated"])
    [row] = rows(desk)
    assert row.status == next(o for o in outcomes if o != "conflict")
    assert row.event_count == 2
    assert (row.ticket_id is not None) == (row.status == "escalated")
    assert counts(desk)[2] == (1 if row.status == "escalated" else 0)
    assert _verify_all(desk) == []
