"""The knowledge base in a real browser (issue 17): a Pengguna SPSE typing a request sees a
published article suggested as they type (same error code), sends the request, and on its
page says 'Ini menyelesaikan masalah saya': the request is closed by the article, nothing is
escalated, and their admin has nothing waiting."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

import engine
from engine.persistence.tables import TicketRow
from tests.desk import STEP_DATA, Desk
from tests.e2e.people import People, fill_form

pytestmark = pytest.mark.e2e

CODE = "ERR-KB-42"
TITLE = "Penawaran gagal terunggah: bersihkan cache"


def tickets(desk: Desk) -> int:
    with desk.database.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(TicketRow)) or 0)


def test_an_intake_request_answered_by_an_article_is_never_escalated(
        people: People, desk: Desk) -> None:
    engine.save_article(desk.database.uow(), desk.user("helpdesk.lkpp"), {
        "judul": TITLE, "isi": "1. Bersihkan cache peramban\n2. Unggah ulang dokumen",
        "kode_error": CODE, "status": "published"})
    before = tickets(desk)

    reporter = people.sign_in("pengguna.bandung")
    reporter.goto("/permintaan/baru")
    suggestions = reporter.page.locator("#saran-pengetahuan")
    assert suggestions.is_hidden()
    reporter.page.fill('[name="kode_error"]', CODE)
    suggestions.get_by_role("link", name=TITLE).wait_for()
    assert CODE in suggestions.inner_text()  # why it matched: the same error code
    fill_form(reporter.page, "step01_eskalasi",
              {**STEP_DATA["step01_eskalasi"], "kode_error": CODE})
    with reporter.page.expect_navigation(wait_until="domcontentloaded"):
        reporter.page.get_by_role("button", name="Kirim").click()
    assert re.search(r"/permintaan/\d+$", reporter.page.url), reporter.page.url
    assert reporter.page.locator("#artikel-serupa").get_by_role("link", name=TITLE).count() == 1
    with reporter.page.expect_navigation(wait_until="domcontentloaded"):
        reporter.page.get_by_role("button", name="Ini menyelesaikan masalah saya").click()
    assert reporter.page.locator("#status-permintaan").inner_text() == "Dijawab"
    assert TITLE in reporter.page.locator("#diselesaikan-artikel").inner_text()
    assert reporter.page.locator("#tiket-eskalasi").count() == 0

    admin = people.sign_in("admin.bandung")
    admin.goto("/tugas")
    assert admin.page.locator("[data-open-requests]").inner_text() == "0"
    assert tickets(desk) == before

    helpdesk = people.sign_in("helpdesk.lkpp")
    helpdesk.goto("/pengetahuan/angka")
    assert helpdesk.page.locator("#terhindarkan").inner_text() == "1"


def test_a_reply_template_picked_on_step_4_fills_the_guidance(people: People,
                                                              desk: Desk) -> None:
    engine.save_template(desk.database.uow(), desk.user("helpdesk.lkpp"), {
        "nama": "Panduan cache", "isi": "Tiket {nomor} ({lpse}): bersihkan cache peramban.",
        "tempat": ["4"]})
    ticket = desk.run(desk.open(), "step02_terima",
                      ("step03_kewenangan", {"kewenangan": "LPSE"}))
    task = desk.task(ticket, "step04_panduan")

    helpdesk = people.sign_in("helpdesk.lkpp")
    helpdesk.goto(f"/tugas/{task.id}")
    picker = helpdesk.page.locator("#pilih-templat")
    assert picker.is_visible()  # the script shows the picker; without it the texts are listed
    picker.select_option(label="Panduan cache")
    assert helpdesk.page.locator('textarea[name="panduan"]').input_value() == (
        f"Tiket {ticket.number} (LPSE Kota Bandung): bersihkan cache peramban.")
