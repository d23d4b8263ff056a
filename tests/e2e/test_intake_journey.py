"""Laporkan masalah in a real browser (issue 12): a Pengguna SPSE reports a problem with a
screenshot; their LPSE's admin finds it counted on the inbox, opens it and escalates it with
the ticket form already filled from the request; the ticket says where it came from and the
reporter sees their request escalated with the ticket's number."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.desk import STEP_DATA
from tests.e2e.people import People, fill_form
from tests.pages import PNG

pytestmark = pytest.mark.e2e

DATA = {**STEP_DATA["step01_eskalasi"], "kode_error": "ERR-E2E-7"}


def test_a_pengguna_reports_and_the_admin_escalates_with_the_prefilled_form(
        people: People, tmp_path: Path) -> None:
    screenshot = tmp_path / "layar.png"
    screenshot.write_bytes(PNG)

    reporter = people.sign_in("pengguna.bandung")
    reporter.goto("/tugas")
    with reporter.page.expect_navigation(wait_until="domcontentloaded"):
        reporter.page.locator(".intake-report").get_by_role(
            "link", name="Laporkan masalah").click()
    assert reporter.page.url.endswith("/permintaan/baru")
    fill_form(reporter.page, "step01_eskalasi", DATA)
    reporter.page.set_input_files('input[type=file][name="lampiran"]', [screenshot])
    with reporter.page.expect_navigation(wait_until="domcontentloaded"):
        reporter.page.get_by_role("button", name="Kirim").click()
    found = re.search(r"/permintaan/(\d+)$", reporter.page.url)
    assert found, reporter.page.url
    request_id = found.group(1)
    number = reporter.page.locator(".request-number").inner_text()
    assert re.fullmatch(r"PMT-\d{4}-\d{6}", number)
    assert reporter.page.locator("#status-permintaan").inner_text() == "Menunggu"

    admin = people.sign_in("admin.bandung")
    admin.goto("/tugas")
    assert admin.page.locator("[data-open-requests]").inner_text() == "1"
    with admin.page.expect_navigation(wait_until="domcontentloaded"):
        admin.page.get_by_role("link", name="Permintaan menunggu").click()
    with admin.page.expect_navigation(wait_until="domcontentloaded"):
        admin.page.get_by_role("link", name=number).click()
    with admin.page.expect_navigation(wait_until="domcontentloaded"):
        admin.page.get_by_role("link", name="Eskalasi ke Helpdesk LKPP").click()
    assert admin.page.url.endswith(f"/tiket/baru?permintaan={request_id}")
    # The form is the request: its reporter chosen, its answers in the fields.
    assert admin.page.locator('select[name="reporter"]').input_value() == "pengguna.bandung"
    assert admin.page.locator('[name="judul"]').input_value() == DATA["judul"]
    assert admin.page.locator('[name="kode_error"]').input_value() == "ERR-E2E-7"
    assert admin.page.locator('[name="deskripsi"]').input_value() == DATA["deskripsi"]
    assert number in admin.page.locator("#dari-permintaan").inner_text()
    admin.page.fill('[name="kode_tender"]', "87654321")  # the admin adds what they know
    with admin.page.expect_navigation(wait_until="domcontentloaded"):
        admin.page.get_by_role("button", name="Kirim").click()
    ticket = re.search(r"/tiket/(\d+)$", admin.page.url)
    assert ticket, admin.page.url
    assert admin.page.locator("#dari-permintaan").inner_text() == f"Dari permintaan {number}"
    assert admin.page.locator("a", has_text="layar.png").count() >= 1  # the request's file
    ticket_number = admin.page.locator(".ticket-number").inner_text()

    reporter.goto(f"/permintaan/{request_id}")
    assert reporter.page.locator("#status-permintaan").inner_text() == "Dieskalasi"
    assert reporter.page.locator("#tiket-eskalasi").inner_text() == ticket_number
    admin.goto("/tugas")
    assert admin.page.locator("[data-open-requests]").inner_text() == "0"
