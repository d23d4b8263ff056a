"""Internal notes in a real browser (issue 13): along the longest SOP path, with every
internal field and an internal comment carrying a distinctive value, the reporter's pages
(ticket page, inbox, notifications, ticket list and each of their task pages, as Chromium
renders them) never show one; the helpdesk's ticket page shows them marked "Internal".
The comments are written on the ticket page, in the browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.desk import Desk
from tests.e2e.people import Opened, People, Person
from tests.internal_values import (
    PUBLIC_COMMENT,
    REPORTER,
    SECRET_FILE,
    SECRET_PAGE_COMMENT,
    actor_of,
    every_secret,
    leaked,
    longest_path,
)
from tests.pages import PNG

pytestmark = pytest.mark.e2e

HD, AB = "helpdesk.lkpp", "admin.bandung"


def comment(person: Person, ticket_id: int, text: str, *, internal: bool,
            file: Path | None = None) -> None:
    """Write a comment on the ticket page's form and send it."""
    person.goto(f"/tiket/{ticket_id}")
    person.page.fill("#komentar-text", text)
    if internal:
        person.page.check("#komentar-internal")
    if file is not None:
        person.page.set_input_files('.comment-form input[type=file][name="lampiran"]', [file])
    with person.page.expect_navigation(wait_until="domcontentloaded"):
        person.page.get_by_role("button", name="Kirim Komentar").click()
    assert person.page.url.endswith(f"/tiket/{ticket_id}#komentar"), person.page.url


def reporter_sees_nothing_internal(reporter: Person, ticket: Opened, when: str) -> None:
    """Every page the reporter has, as the browser renders it (text) and as sent (HTML)."""
    paths = [f"/tiket/{ticket.id}", "/tugas", "/notifikasi", "/tiket"]
    paths += [f"/tugas/{row.task_id}" for row in reporter.peek_inbox()
              if row.ticket == ticket.number]
    for path in paths:
        assert reporter.goto(path).status == 200, path
        for shown in (reporter.page.inner_text("body"), reporter.page.content()):
            found = leaked(shown, every_secret())
            assert found == [] and "rahasia9" not in shown.lower(), (when, path, found)


def test_the_reporter_never_sees_an_internal_item_along_the_longest_path(
        people: People, desk: Desk, tmp_path: Path) -> None:
    reporter, admin, helpdesk = (people.sign_in(REPORTER), people.sign_in(AB),
                                 people.sign_in(HD))
    opened = desk.open()
    ticket = Opened(opened.id, opened.number)
    file = tmp_path / SECRET_FILE
    file.write_bytes(PNG)
    for step, data in longest_path():
        if actor_of(step) == REPORTER:
            reporter.do(ticket, step, data)
        else:
            desk.do(ticket.id, step, actor_of(step), **data)
        if step == "step02_terima":
            comment(admin, ticket.id, SECRET_PAGE_COMMENT, internal=True, file=file)
            comment(helpdesk, ticket.id, PUBLIC_COMMENT, internal=False)
        reporter_sees_nothing_internal(reporter, ticket, f"after {step}")
    page = reporter.ticket_page(ticket.id)
    assert PUBLIC_COMMENT in (page.locator(".thread").text_content() or "")
    assert not page.locator("#komentar-internal").count()  # no internal notes for them
    shown = helpdesk.ticket_page(ticket.id)
    thread = shown.locator(".thread").text_content() or ""
    for secret in every_secret():
        if secret.startswith("Rahasia9") and "Kom " not in secret:
            assert secret in thread, secret
    assert shown.locator(".thread .badge-internal").count() >= 10
    assert shown.locator('.thread article.entry-internal').count() == 1
