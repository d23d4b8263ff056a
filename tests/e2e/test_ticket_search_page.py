"""Daftar Tiket in a real browser (issue 13): the search box finds by a quoted phrase, and
the list does not make a phone's page scroll sideways."""

from __future__ import annotations

import pytest

from tests.desk import Desk
from tests.e2e.people import People

pytestmark = pytest.mark.e2e


def test_the_list_page_searches_in_the_browser(people: People, desk: Desk) -> None:
    opened = desk.open(deskripsi="PT Sinar Jaya tidak dapat mengunggah.")
    desk.open(judul="Lupa kata sandi akun", deskripsi="Tidak bisa masuk.")
    admin = people.sign_in("admin.bandung")
    page = admin.page
    page.goto("/tiket")
    page.fill("#ticket-search", '"Sinar Jaya"')
    page.get_by_role("button", name="Cari").click()
    rows = page.locator("tr[data-ticket]")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-ticket-id") == str(opened.id)


def test_at_375_px_the_list_does_not_scroll_the_page_sideways(people: People,
                                                              desk: Desk) -> None:
    desk.open()
    admin = people.sign_in("admin.bandung")
    page = admin.page
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/tiket?q=unggah")
    assert page.locator("tr[data-ticket]").count() == 1
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 375
