"""Ticket operations in a real browser (issue 15): the Admin LPSE withdraws a ticket on its
page with a reason; Helpdesk LKPP closes another as a duplicate, and the page links the
original."""

from __future__ import annotations

import pytest

from tests.desk import Desk
from tests.e2e.people import People

pytestmark = pytest.mark.e2e

AB, HD, PB = "admin.bandung", "helpdesk.lkpp", "pengguna.bandung"


def test_the_admin_withdraws_a_ticket_on_its_page(people: People, desk: Desk) -> None:
    ticket = desk.open()
    admin = people.sign_in(AB)
    admin.goto(f"/tiket/{ticket.id}")
    admin.page.fill("#tarik-reason", "Dibuka untuk pelapor yang salah")
    with admin.page.expect_navigation(wait_until="domcontentloaded"):
        admin.page.get_by_role("button", name="Tarik tiket").click()
    assert admin.page.inner_text("#tiket-dibatalkan") == (
        "Ditarik: Dibuka untuk pelapor yang salah")
    assert admin.page.inner_text("#status-tiket") == "Dibatalkan"
    assert admin.page.get_by_role("button", name="Tarik tiket").count() == 0
    reporter = people.sign_in(PB)
    reporter.goto(f"/tiket/{ticket.id}")
    assert "Ditarik: Dibuka untuk pelapor yang salah" in reporter.page.inner_text("body")


def test_the_helpdesk_closes_a_duplicate_and_the_page_links_the_original(
        people: People, desk: Desk) -> None:
    original, ticket = desk.open(), desk.open()
    helpdesk = people.sign_in(HD)
    helpdesk.goto(f"/tiket/{ticket.id}")
    helpdesk.page.fill("#duplikat-original", original.number)
    with helpdesk.page.expect_navigation(wait_until="domcontentloaded"):
        helpdesk.page.get_by_role("button", name="Tutup sebagai duplikat").click()
    assert helpdesk.page.inner_text("#status-tiket") == "Dibatalkan"
    link = helpdesk.page.locator("#tiket-asli")
    assert link.inner_text() == original.number
    with helpdesk.page.expect_navigation(wait_until="domcontentloaded"):
        link.click()
    assert helpdesk.page.url.endswith(f"/tiket/{original.id}")
    assert helpdesk.page.inner_text("#status-tiket") == "Terbuka"
