"""The leak test (issue 13): the longest SOP path with a distinctive value in every internal
field, an internal comment and an internal file; then everything the reporter (Pengguna
SPSE) can get, at every step: the pages, the API answers, the notifications and the mails
delivered to them by the worker over real SMTP. None may carry an internal value. The
handlers do see them, so the test can fail."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask

import engine
from engine import Database
from engine.background.worker import Worker
from tests.desk import Desk
from tests.integration.api_client import Api
from tests.integration.smtp import SmtpServer, address
from tests.internal_values import (
    PUBLIC_COMMENT,
    REPORTER,
    SECRET_COMMENT,
    SECRET_FILE,
    SECRET_MOMENT,
    SECRET_PAGE_COMMENT,
    actor_of,
    every_secret,
    leaked,
    longest_path,
)
from tests.pages import PNG, Visitor, visitor
from web.pages.formatting import local_when

HD, AB = "helpdesk.lkpp", "admin.bandung"


class Reporter:
    """Everything the reporter can read, gathered as (where, text)."""

    def __init__(self, app: Flask, api: Api) -> None:
        self.page = visitor(app, REPORTER)
        self.api = api
        self.seen: list[tuple[str, str]] = []

    def keep(self, where: str, text: str) -> None:
        self.seen.append((where, text))

    def read_everything(self, ticket_id: int, when: str) -> None:
        """Every page and API answer the reporter can get about the ticket, now."""
        for path in ("/tiket", f"/tiket/{ticket_id}", "/tugas", "/notifikasi",
                     f"/tiket/{ticket_id}/diagram.json"):
            response = self.page.get(path)
            assert response.status_code == 200, (path, response.status_code)
            self.keep(f"{when} page {path}", response.text)
        for path in ("/tickets", f"/tickets/{ticket_id}", f"/tickets/{ticket_id}/events",
                     "/tasks", "/notifications"):
            response = self.api.get(path, REPORTER)
            assert response.status_code == 200, (path, response.status_code)
            self.keep(f"{when} api {path}", response.get_data(as_text=True))
        for task in self.api.get("/tasks", REPORTER).json["items"]:
            self.keep(f"{when} api task", self.api.get(f"/tasks/{task['id']}", REPORTER)
                      .get_data(as_text=True))
            self.keep(f"{when} page task", self.page.get(f"/tugas/{task['id']}").text)


def do_step(desk: Desk, reporter: Reporter, ticket_id: int, step: str,
            data: dict[str, Any]) -> None:
    """The step as its person does it: the reporter on the task page, handlers through the
    engine."""
    if actor_of(step) != REPORTER:
        desk.do(ticket_id, step, actor_of(step), **data)
        return
    task = desk.task(ticket_id, step, REPORTER)
    form = {name: str(value).lower() if isinstance(value, bool) else str(value)
            for name, value in data.items()}
    response = reporter.page.post(f"/tugas/{task.id}", form)
    assert response.status_code == 302, response.text


def rendered_moment(app: Flask) -> str:
    """How the pages write the secret date-time, in the ticket's zone."""
    with app.test_request_context():
        return local_when(SECRET_MOMENT, "Asia/Jakarta")


def test_no_internal_value_reaches_the_reporter_anywhere_while_handlers_see_them_all(
        app: Flask, api: Api, desk: Desk, database: Database, with_emails: None,
        smtp: SmtpServer) -> None:
    secrets = [*every_secret(), rendered_moment(app)]
    reporter = Reporter(app, api)
    ticket = desk.open()
    reporter.read_everything(ticket.id, "opened")
    helpdesk = visitor(app, HD)
    for number, (step, data) in enumerate(longest_path(), start=1):
        do_step(desk, reporter, ticket.id, step, data)
        if step == "step02_terima":
            assert api.post(f"/tickets/{ticket.id}/comments", HD, json={
                "text": SECRET_COMMENT, "internal": True}).status_code == 201
            assert api.post(f"/tickets/{ticket.id}/comments", HD, json={
                "text": PUBLIC_COMMENT, "internal": False}).status_code == 201
            sent = visitor(app, AB).post(f"/tiket/{ticket.id}/komentar", {
                "text": SECRET_PAGE_COMMENT, "internal": "1",
                "lampiran": (io.BytesIO(PNG), SECRET_FILE)}, content_type="multipart/form-data")
            assert sent.status_code == 302
        reporter.read_everything(ticket.id, f"after {number}. {step}")
    assert engine.get_ticket(database.uow(), desk.user(HD), ticket.id).status == "closed"
    # The search answers the reporter's words with no ticket found through an internal one.
    for secret in every_secret():
        word = secret.split()[0].removesuffix(".png")
        found = api.get(f"/tickets?q={word}", REPORTER)
        assert found.status_code == 200 and found.json["items"] == [], word
    public = api.get("/tickets?q=4Qx", REPORTER).json["items"]  # the public comment's word
    assert [item["id"] for item in public] == [ticket.id]
    # Every mail the worker delivers; the reporter's must carry no internal value.
    Worker(database, smtp.settings).run_once()
    mails = {who: [m for m in smtp.received if address(who) in m.recipients]
             for who in (REPORTER, AB)}
    assert mails[REPORTER], "the reporter got no mail at all: nothing was checked"
    for mail in mails[REPORTER]:
        reporter.keep(f"mail {mail.subject}", f"{mail.subject}\n{mail.body}")

    leaks = {where: hits for where, text in reporter.seen
             if (hits := leaked(text, secrets)) or "rahasia9" in text.lower()}
    first = dict(list(leaks.items())[:3])
    assert leaks == {}, f"internal values reached the reporter in {len(leaks)} places: {first}"
    # The reporter does read the ticket: the public comment and the public answers.
    ticket_page = next(text for where, text in reversed(reporter.seen)
                       if where.endswith(f"page /tiket/{ticket.id}"))
    for public in (PUBLIC_COMMENT, "Batas unggah sudah dinaikkan.",
                   "Kirim tangkapan layar galat."):
        assert public in ticket_page, public

    # The handlers see every internal value, marked internal (so the test can fail).
    page = helpdesk.get(f"/tiket/{ticket.id}").text
    assert set(leaked(page, secrets)) == set(secrets) - {SECRET_MOMENT}  # shown in WIB
    assert 'class="badge badge-internal"' in page
    events = api.get(f"/tickets/{ticket.id}/events", AB).get_data(as_text=True)
    assert set(leaked(events, every_secret())) == set(every_secret())
    assert any(SECRET_COMMENT in f"{m.subject}\n{m.body}" for m in mails[AB])

def test_the_reporters_task_pages_show_no_internal_field_of_earlier_steps(
        app: Flask, desk: Desk) -> None:
    ticket = desk.open()
    path = longest_path()
    step9 = next(i for i, (step, _) in enumerate(path) if step == "step09_kirim_data_pengguna")
    for step, data in path[:step9]:
        desk.do(ticket, step, actor_of(step), **data)
    reporter: Visitor = visitor(app, REPORTER)
    task = desk.task(ticket, "step09_kirim_data_pengguna", REPORTER)
    page = reporter.get(f"/tugas/{task.id}").text
    assert leaked(page, every_secret()) == []
    assert "Kirim tangkapan layar galat." in page  # what the reporter is asked for
    admin_view = visitor(app, AB).get(f"/tiket/{ticket.id}").text
    assert "Rahasia9catatanadmin" in admin_view
