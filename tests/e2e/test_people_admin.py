"""Putting the service into use in a real browser: the administrator imports an LPSE with
a preview, adds an account for it, and the new person follows the mailed invitation (a real
SMTP server) to set a password and sign in; an Admin LPSE adds a Pengguna SPSE of their own
LPSE."""

from __future__ import annotations

import re
from pathlib import Path

from engine import Database
from engine.background import outbox
from tests.e2e.people import People, Person
from tests.integration.smtp import SmtpServer

GOOD = "kuda-lari-pagi-hijau"


def submit(person: Person, button: str) -> None:
    with person.page.expect_navigation(wait_until="domcontentloaded"):
        person.page.get_by_role("button", name=button).click()


def test_the_administrator_imports_an_lpse_adds_its_admin_who_signs_in_from_the_mail(
        people: People, live_server: str, database: Database, smtp: SmtpServer,
        tmp_path: Path) -> None:
    administrator = people.sign_in("admin.sistem")
    assert administrator.page.url.endswith("/admin/akun")

    csv_file = tmp_path / "lpse.csv"
    csv_file.write_bytes("\ufeffkode;nama;zona_waktu;email\r\n"
                         "kota-ambon;LPSE Kota Ambon;WIT;lpse@ambon.go.id\r\n".encode())
    administrator.goto("/admin/lpse/impor")
    administrator.page.set_input_files('[name="berkas"]', str(csv_file))
    submit(administrator, "Lihat pratinjau")
    assert "Pratinjau" in administrator.page.inner_text(".import-preview")
    assert "1 LPSE baru" in administrator.page.inner_text(".preview-summary")
    submit(administrator, "Impor sekarang")
    assert "Impor selesai" in administrator.page.inner_text(".flash")
    administrator.goto("/admin/lpse?q=ambon")
    assert administrator.page.locator("tr[data-lpse]").count() == 1
    assert "WIT" in administrator.page.inner_text('tr[data-lpse="kota-ambon"]')

    administrator.goto("/admin/akun")
    page = administrator.page
    page.fill('[name="username"]', "admin.ambon")
    page.fill('[name="name"]', "Admin LPSE Kota Ambon")
    page.fill('[name="email"]', "admin@ambon.go.id")
    page.select_option('[name="role"]', "admin_lpse")
    page.select_option("#lpse", "kota-ambon")  # not the filter's select
    submit(administrator, "Tambah dan kirim undangan")
    assert "undangan dikirim" in page.inner_text(".flash")
    assert page.locator('tr[data-username="admin.ambon"]').count() == 1

    outbox.send_due(database, smtp.settings)
    [mail] = smtp.to("admin@ambon.go.id")
    found = re.search(r"/sandi/[A-Za-z0-9_-]+", mail.body)
    assert found, mail.body
    newcomer = people.new("admin.ambon")
    newcomer.goto(found.group(0))
    newcomer.page.fill('[name="password"]', GOOD)
    newcomer.page.fill('[name="password_again"]', GOOD)
    submit(newcomer, "Simpan kata sandi")
    newcomer.page.fill('[name="username"]', "admin.ambon")
    newcomer.page.fill('[name="password"]', GOOD)
    submit(newcomer, "Masuk")
    assert "/tugas" in newcomer.page.url
    assert "LPSE Kota Ambon" in newcomer.page.inner_text("header")

    # Their own LPSE's Pengguna SPSE page, from the menu.
    with newcomer.page.expect_navigation(wait_until="domcontentloaded"):
        newcomer.page.get_by_role("link", name="Pengguna SPSE").click()
    newcomer.page.fill('[name="username"]', "rudi.ambon")
    newcomer.page.fill('[name="name"]', "Rudi")
    newcomer.page.fill('[name="email"]', "rudi@ambon.go.id")
    submit(newcomer, "Tambah dan kirim undangan")
    rows = newcomer.page.locator("tr[data-username]")
    assert [rows.nth(i).get_attribute("data-username") for i in range(rows.count())] == [
        "rudi.ambon"]
    assert "LPSE Kota Ambon" in newcomer.page.inner_text('tr[data-username="rudi.ambon"]')
