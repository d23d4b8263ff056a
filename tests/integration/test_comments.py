"""Comments outside the SOP steps (issue 13): public replies and internal notes, through the
API and the ticket page; in the ticket's chain; told to the right people."""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Callable

from flask import Flask
from sqlalchemy import inspect, select

import engine
from engine import Database
from engine.persistence.tables import CommentRow, NotificationRow, UserRow
from tests.desk import Desk
from tests.integration.api_client import Api
from tests.integration.migrations import move
from tests.pages import PNG, field_errors, html, visitor

PB, AB, AS, HD = "pengguna.bandung", "admin.bandung", "admin.surabaya", "helpdesk.lkpp"


def notified(database: Database, username: str) -> list[NotificationRow]:
    with database.uow() as uow:
        rows = list(uow.session.scalars(
            select(NotificationRow).join(UserRow, UserRow.id == NotificationRow.user_id)
            .where(UserRow.username == username, NotificationRow.kind == "comment_added")
            .order_by(NotificationRow.id)))
        uow.session.expunge_all()
        return rows


def test_handlers_and_the_reporter_comment_and_the_answer_is_the_comment(
        api: Api, desk: Desk) -> None:
    ticket = desk.open()
    reply = api.post(f"/tickets/{ticket.id}/comments", PB,
                     json={"text": "  Masih gagal pagi ini.  ", "internal": False})
    assert reply.status_code == 201, reply.json
    assert reply.json["text"] == "Masih gagal pagi ini."
    assert reply.json["internal"] is False and reply.json["author"] == PB
    note = api.post(f"/tickets/{ticket.id}/comments", HD,
                    json={"text": "Cek log server pusat.", "internal": True})
    assert note.status_code == 201 and note.json["internal"] is True
    assert note.json["seq"] == reply.json["seq"] + 1
    default = api.post(f"/tickets/{ticket.id}/comments", AB, json={"text": "Sudah dicek."})
    assert default.status_code == 201 and default.json["internal"] is False


def test_bad_comments_are_refused_naming_the_field_and_change_nothing(
        api: Api, desk: Desk) -> None:
    ticket = desk.open()
    events = len(api.get(f"/tickets/{ticket.id}/events", HD).json["items"])
    for body, field in (({"text": ""}, "text"), ({"text": "   "}, "text"),
                        ({"text": "x" * 5001}, "text"), ({}, "text"), ({"text": 5}, "text"),
                        ({"text": "ok", "internal": "ya"}, "internal")):
        answer = api.post(f"/tickets/{ticket.id}/comments", HD, json=body)
        assert answer.status_code == 422, body
        assert list(answer.json["errors"]) == [field], body
    assert len(api.get(f"/tickets/{ticket.id}/events", HD).json["items"]) == events


def test_the_reporter_may_not_write_an_internal_note_nor_others_comment(
        api: Api, desk: Desk) -> None:
    ticket = desk.open()
    refused = api.post(f"/tickets/{ticket.id}/comments", PB,
                       json={"text": "Rahasia", "internal": True})
    assert refused.status_code == 403
    assert api.post(f"/tickets/{ticket.id}/comments", "auditor",
                    json={"text": "Hai"}).status_code == 403
    assert api.post(f"/tickets/{ticket.id}/comments", AS,
                    json={"text": "Hai"}).status_code == 404
    assert api.post(f"/tickets/{ticket.id}/comments", "pengguna.surabaya",
                    json={"text": "Hai"}).status_code == 404
    assert api.post("/tickets/987654/comments", HD, json={"text": "Hai"}).status_code == 404


def test_an_internal_note_is_hidden_from_the_reporter_in_events_and_listing(
        api: Api, desk: Desk, database: Database) -> None:
    ticket = desk.open()
    api.post(f"/tickets/{ticket.id}/comments", HD,
             json={"text": "Catatan rahasia helpdesk", "internal": True})
    api.post(f"/tickets/{ticket.id}/comments", HD, json={"text": "Balasan untuk semua"})
    mine = api.get(f"/tickets/{ticket.id}/events", PB).json["items"]
    theirs = api.get(f"/tickets/{ticket.id}/events", AB).json["items"]
    assert [e["type"] for e in mine] == ["ticket_opened", "comment_added"]
    assert "Catatan rahasia" not in str(mine)
    assert [e["data"].get("internal") for e in theirs if e["type"] == "comment_added"] == [
        True, False]
    reporter = engine.get_user(database.uow(), PB)
    handler = engine.get_user(database.uow(), AB)
    assert [c.text for c in engine.list_comments(database.uow(), reporter, ticket.id)] == [
        "Balasan untuk semua"]
    assert [c.internal for c in engine.list_comments(database.uow(), handler, ticket.id)] == [
        True, False]


def test_a_comment_is_in_the_chain_and_the_ticket_still_verifies(
        api: Api, desk: Desk) -> None:
    ticket = desk.open()
    api.post(f"/tickets/{ticket.id}/comments", PB, json={"text": "Ada kabar?"})
    ticket = desk.run(ticket, "step02_terima")
    api.post(f"/tickets/{ticket.id}/comments", HD, json={"text": "Sedang dicek", "internal": True})
    ticket = desk.run(ticket, "step03_kewenangan")
    verified = api.get(f"/tickets/{ticket.id}/verify", "auditor")
    assert verified.json["ok"] is True, verified.json
    assert desk.pending(ticket) == ["step05_kelengkapan"]


def test_comments_are_told_to_the_other_readers_never_the_author_nor_internal_to_the_reporter(
        api: Api, desk: Desk, database: Database) -> None:
    ticket = desk.open()
    ticket = desk.run(ticket, "step02_terima")
    api.post(f"/tickets/{ticket.id}/comments", PB, json={"text": "Ada kabar terbaru?"})
    assert notified(database, PB) == []
    assert [n.body.endswith("Ada kabar terbaru?") for n in notified(database, AB)] == [True]
    assert len(notified(database, HD)) == 1
    # Only the helpdesk person who worked on it, not the whole helpdesk.
    assert notified(database, "helpdesk2.lkpp") == []
    api.post(f"/tickets/{ticket.id}/comments", HD,
             json={"text": "Nama server: srv-rahasia-07", "internal": True})
    assert len(notified(database, PB)) == 0
    assert "srv-rahasia-07" in notified(database, AB)[-1].body
    assert len(notified(database, HD)) == 1


def test_the_ticket_page_writes_comments_with_files_and_marks_internal_notes(
        app: Flask, desk: Desk, database: Database) -> None:
    ticket = desk.open()
    helpdesk = visitor(app, HD)
    page = html(helpdesk.get(f"/tiket/{ticket.id}"))
    assert page.xpath('//form[contains(@action, "/komentar")]//input[@name="internal"]')
    sent = helpdesk.post(f"/tiket/{ticket.id}/komentar", {
        "text": "Catatan internal halaman", "internal": "1",
        "lampiran": (io.BytesIO(PNG), "log-internal.png")},
        content_type="multipart/form-data")
    assert sent.status_code == 302 and sent.headers["Location"].endswith("#komentar")
    helpdesk.post(f"/tiket/{ticket.id}/komentar", {"text": "Balasan publik halaman"})
    shown = html(helpdesk.get(f"/tiket/{ticket.id}"))
    internal = shown.xpath('//article[contains(@class, "entry-internal")]')
    assert len(internal) == 1
    assert "Catatan internal halaman" in internal[0].text_content()
    assert internal[0].xpath('.//*[contains(@class, "badge-internal")]')
    reporter = visitor(app, PB)
    seen = reporter.get(f"/tiket/{ticket.id}")
    assert "Balasan publik halaman" in seen.text
    assert "Catatan internal halaman" not in seen.text
    assert "log-internal.png" not in seen.text
    assert not html(seen).xpath('//input[@name="internal"]')
    with database.uow() as uow:
        files = [r.event_seq for r in uow.session.scalars(select(CommentRow))]
    assert len(files) == 2
    sha = hashlib.sha256(PNG).hexdigest()
    for person, status in ((reporter, 404), (helpdesk, 200)):
        file = person.get(f"/tiket/{ticket.id}/lampiran/{sha}")
        file.close()  # files are streamed
        assert file.status_code == status


def test_an_empty_comment_on_the_page_is_a_422_naming_the_field(
        app: Flask, desk: Desk) -> None:
    ticket = desk.open()
    reporter = visitor(app, PB)
    answer = reporter.post(f"/tiket/{ticket.id}/komentar", {"text": "  "})
    assert answer.status_code == 422
    assert html(answer).xpath('//p[@id="komentar-text-error"]')
    refused = reporter.post(f"/tiket/{ticket.id}/komentar", {"text": "Hai", "internal": "1"})
    assert refused.status_code == 404


def test_migration_0018_goes_down_and_up_again(empty_database_url: str) -> None:
    with Database(empty_database_url) as database:
        engine.init(database, demo=True)
        desk = Desk(database)
        ticket = desk.open()
        engine.add_comment(database.uow(), desk.user(HD), ticket.id, "Sebelum turun", True)
        move(database.engine, "0017")
        assert "comments" not in inspect(database.engine).get_table_names()
        move(database.engine, "head")
        engine.add_comment(database.uow(), desk.user(HD), ticket.id, "Setelah naik", False)
        assert [c.text for c in engine.list_comments(database.uow(), desk.user(PB),
                                                     ticket.id)] == ["Setelah naik"]


def test_a_comment_file_too_large_for_the_server_is_a_413_field_error(
        app: Flask, desk: Desk, database: Database) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 4096
    ticket = desk.open()
    answer = visitor(app, HD).post(f"/tiket/{ticket.id}/komentar", {
        "text": "Log terlampir", "lampiran": (io.BytesIO(PNG * 100), "besar.png")},
        content_type="multipart/form-data")
    assert answer.status_code == 413
    assert "Berkas terlalu besar" in field_errors(answer)["lampiran"]
    with database.uow() as uow:
        assert list(uow.session.scalars(select(CommentRow))) == []


def test_the_auditor_reads_comments_in_every_audit_view_and_the_replay_ignores_them(
        app: Flask, api: Api, desk: Desk) -> None:
    ticket = desk.open()
    api.post(f"/tickets/{ticket.id}/comments", HD, json={"text": "Catatan9Audit",
                                                         "internal": True})
    desk.run(ticket, "step02_terima")
    auditor = visitor(app, "auditor")
    for suffix in ("", "/cetak", "/ekspor.json", "/ekspor.csv", "/replay", "/replay.json",
                   "/verifikasi"):
        answer = auditor.get(f"/audit/tiket/{ticket.id}{suffix}")
        assert answer.status_code == 200, suffix
        if suffix in ("", "/cetak", "/ekspor.json"):
            assert "Catatan9Audit" in answer.get_data(as_text=True), suffix
    assert "Catatan9Audit" in auditor.get(f"/tiket/{ticket.id}").text


def test_comments_written_while_a_step_is_completed_all_stand(desk: Desk) -> None:
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima")
    helpdesk, reporter = desk.user(HD), desk.user(PB)
    barrier = threading.Barrier(3)
    outcomes: list[str] = []

    def run(name: str, action: Callable[[], object]) -> None:
        barrier.wait()
        try:
            action()
            outcomes.append(f"{name} ok")
        except Exception as err:  # recorded, so the assertion shows it
            outcomes.append(f"{name} {err!r}")

    threads = [
        threading.Thread(target=run, args=("complete", lambda: engine.complete_task(
            desk.database.uow(), helpdesk, task.id, {"catatan_telaah": "Dipelajari"}))),
        threading.Thread(target=run, args=("note", lambda: engine.add_comment(
            desk.database.uow(), helpdesk, ticket.id, "Catatan bersamaan", True))),
        threading.Thread(target=run, args=("reply", lambda: engine.add_comment(
            desk.database.uow(), reporter, ticket.id, "Balasan bersamaan", False))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["complete ok", "note ok", "reply ok"]
    events = engine.list_events(desk.database.uow(), desk.user("auditor"), ticket.id)
    assert sorted(e.type for e in events) == [
        "comment_added", "comment_added", "task_completed", "ticket_opened"]
    assert desk.pending(ticket) == ["step03_kewenangan"]
    [result] = engine.verify_tickets(desk.database.uow(), [ticket.number])
    assert result.ok, result.problems


def test_get_comments_lists_what_the_caller_may_read(api: Api, desk: Desk) -> None:
    ticket = desk.open()
    api.post(f"/tickets/{ticket.id}/comments", HD, json={"text": "Catatan", "internal": True})
    api.post(f"/tickets/{ticket.id}/comments", PB, json={"text": "Balasan"})
    for caller, texts in ((PB, ["Balasan"]), (AB, ["Catatan", "Balasan"]),
                          (HD, ["Catatan", "Balasan"]), ("auditor", ["Catatan", "Balasan"])):
        answer = api.get(f"/tickets/{ticket.id}/comments", caller)
        assert [c["text"] for c in answer.json["items"]] == texts, caller
    assert api.get(f"/tickets/{ticket.id}/comments", AS).status_code == 404


def test_a_page_comment_without_its_csrf_token_or_with_a_nul_changes_nothing(
        app: Flask, desk: Desk, database: Database) -> None:
    ticket = desk.open()
    helpdesk = visitor(app, HD)
    forged = helpdesk.post(f"/tiket/{ticket.id}/komentar", {"text": "Dari situs lain"},
                           csrf=False)
    assert forged.status_code == 400
    nul = helpdesk.post(f"/tiket/{ticket.id}/komentar", {"text": "cek\x00log"})
    assert nul.status_code == 422
    assert "komentar-text" in field_errors(nul)
    with database.uow() as uow:
        assert list(uow.session.scalars(select(CommentRow))) == []
