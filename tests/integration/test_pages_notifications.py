"""/notifikasi: each signed-in user sees and marks their own notifications, nobody else's."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.desk import Desk
from tests.integration.api_client import Api
from tests.pages import html, texts, visitor

UNREAD_BADGE = '//nav[@class="main-nav"]//span[@data-unread]'


def ids(response_text_tree: object) -> list[int]:
    return [int(v) for v in response_text_tree.xpath(  # type: ignore[attr-defined]
        "//li[@data-notification-id]/@data-notification-id")]


def test_a_user_sees_their_own_notifications_with_an_unread_badge(app: Flask,
                                                                  desk: Desk) -> None:
    ticket = desk.open()
    helpdesk = visitor(app, "helpdesk.lkpp")
    inbox = helpdesk.get("/tugas")
    assert texts(inbox, UNREAD_BADGE) == ["1 belum dibaca"]

    page = helpdesk.get("/notifikasi")
    assert page.status_code == 200
    [subject] = texts(page, '//strong[@class="notification-subject"]')
    assert ticket.number in subject
    assert texts(page, '//li[@data-notification-id]//span[contains(@class, "status")]') == [
        "Tugas baru"]
    # The reporter is told the ticket was opened for them (issue 12); the others nothing.
    reporter = visitor(app, "pengguna.bandung").get("/notifikasi")
    assert texts(reporter, '//li[@data-notification-id]//span[contains(@class, "status")]') == [
        "Tiket dibuka"]
    for username in ("admin.bandung", "admin.surabaya", "auditor"):
        other = visitor(app, username)
        assert ids(html(other.get("/notifikasi"))) == [], username
        assert texts(other.get("/tugas"), UNREAD_BADGE) == []


def test_opening_a_notification_marks_it_read_and_goes_to_the_task(app: Flask,
                                                                   desk: Desk) -> None:
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima")
    helpdesk = visitor(app, "helpdesk.lkpp")
    [note] = ids(html(helpdesk.get("/notifikasi")))

    opened = helpdesk.post(f"/notifikasi/{note}/buka")

    assert opened.status_code == 302 and opened.location == f"/tugas/{task.id}"
    page = helpdesk.get("/notifikasi")
    assert html(page).xpath("//li[contains(@class, 'unread')]") == []
    assert texts(page, UNREAD_BADGE) == []


def test_opening_a_notification_of_a_task_done_meanwhile_goes_to_the_ticket(
        app: Flask, desk: Desk) -> None:
    ticket = desk.open()
    helpdesk = visitor(app, "helpdesk.lkpp")
    [note] = ids(html(helpdesk.get("/notifikasi")))
    desk.do(ticket, "step02_terima")

    opened = helpdesk.post(f"/notifikasi/{note}/buka")

    assert opened.status_code == 302 and opened.location == f"/tiket/{ticket.id}"


def test_mark_one_and_mark_all_read(app: Flask, desk: Desk) -> None:
    for _ in range(3):
        desk.open()
    helpdesk = visitor(app, "helpdesk.lkpp")
    first, *rest = ids(html(helpdesk.get("/notifikasi")))
    assert len(rest) == 2

    marked = helpdesk.post(f"/notifikasi/{first}/dibaca", {"next": "/notifikasi"})
    assert marked.status_code == 302 and marked.location == "/notifikasi"
    assert texts(helpdesk.get("/tugas"), UNREAD_BADGE) == ["2 belum dibaca"]

    done = helpdesk.post("/notifikasi/dibaca-semua", follow_redirects=True)
    assert "2 notifikasi ditandai sudah dibaca." in done.text
    assert texts(done, UNREAD_BADGE) == []


def test_marking_someone_elses_notification_is_404_and_changes_nothing(app: Flask,
                                                                       desk: Desk) -> None:
    desk.open()
    helpdesk = visitor(app, "helpdesk.lkpp")
    [note] = ids(html(helpdesk.get("/notifikasi")))
    for username in ("admin.bandung", "pengguna.bandung", "auditor", "pemilik.proses"):
        other = visitor(app, username)
        assert other.post(f"/notifikasi/{note}/dibaca").status_code == 404
        assert other.post(f"/notifikasi/{note}/buka").status_code == 404
    assert helpdesk.post("/notifikasi/999999/dibaca").status_code == 404
    assert helpdesk.post("/notifikasi/99999999999999/dibaca").status_code == 404
    assert texts(helpdesk.get("/tugas"), UNREAD_BADGE) == ["1 belum dibaca"]


def test_marking_read_needs_the_csrf_token_and_a_signed_in_user(app: Flask, desk: Desk,
                                                                client: FlaskClient) -> None:
    desk.open()
    helpdesk = visitor(app, "helpdesk.lkpp")
    [note] = ids(html(helpdesk.get("/notifikasi")))
    assert helpdesk.post(f"/notifikasi/{note}/dibaca", csrf=False).status_code == 400
    assert helpdesk.post("/notifikasi/dibaca-semua", csrf=False).status_code == 400
    assert texts(helpdesk.get("/tugas"), UNREAD_BADGE) == ["1 belum dibaca"]
    signed_out = client.get("/notifikasi")
    assert signed_out.status_code == 302 and "/masuk" in signed_out.location
    assert client.get(f"/notifikasi/{note}/dibaca").status_code == 405


def test_the_page_in_english(app: Flask, desk: Desk) -> None:
    desk.open()
    helpdesk = visitor(app, "helpdesk.lkpp")
    helpdesk.post("/bahasa", {"lang": "en", "next": "/notifikasi"})
    page = helpdesk.get("/notifikasi")
    assert "Mark all as read" in page.text and "New task" in page.text
    assert texts(page, UNREAD_BADGE) == ["1 unread"]


def test_the_api_lists_only_the_callers_notifications_and_marks_them_read(
        app: Flask, client: FlaskClient, desk: Desk) -> None:
    api = Api(app, client)
    ticket = desk.open()
    answer = api.get("/notifications", "helpdesk.lkpp").json
    [note] = answer["items"]
    assert answer["unread"] == 1
    assert (note["kind"], note["ticket_id"], note["read_at"]) == ("task_assigned", ticket.id,
                                                                  None)
    assert api.get("/notifications", "admin.bandung").json == {"items": [], "unread": 0}
    assert api.post(f"/notifications/{note['id']}/read", "admin.bandung").status_code == 404
    assert api.get("/notifications?unread=true", "helpdesk.lkpp").json["unread"] == 1

    read = api.post(f"/notifications/{note['id']}/read", "helpdesk.lkpp").json
    assert read["read_at"] is not None
    assert api.get("/notifications?unread=true", "helpdesk.lkpp").json == {
        "items": [], "unread": 0}
    desk.open()
    assert api.post("/notifications/read", "helpdesk.lkpp").json == {"marked": 1}
    assert api.get("/notifications", "helpdesk.lkpp").status_code == 200
    assert api.get("/notifications?limit=0", "helpdesk.lkpp").status_code == 422
    assert api.get("/notifications?unread=yes", "helpdesk.lkpp").status_code == 422
    assert api.get("/notifications?unread=false", "helpdesk.lkpp").json["unread"] == 0
    assert api.get("/notifications").status_code == 401
