"""The directory and accounts pages (issue 12): the administrator's /admin/lpse and
/admin/akun, each Admin LPSE's /pengguna-spse, refused (404) for every other role; a CSV
import shows a preview and changes nothing until it is confirmed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from engine import Database
from tests.pages import field_errors, html, texts, visitor

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "lpse_sample.csv"
SYS = "admin.sistem"
OTHERS = ("pengguna.bandung", "helpdesk.lkpp", "pemilik.proses", "auditor")


def count(database: Database, sql: str) -> int:
    with database.engine.connect() as connection:
        return int(connection.execute(text(sql)).scalar_one())


def upload(content: bytes, name: str = "lpse.csv") -> dict[str, object]:
    return {"berkas": (io.BytesIO(content), name)}


def test_an_administrator_lands_on_the_accounts_page_after_signing_in(app: Flask) -> None:
    person = visitor(app)
    answer = person.sign_in(SYS)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/admin/akun")
    page = person.get("/admin/akun")
    assert page.status_code == 200
    # Accounts and the directory, never a ticket: no inbox, no ticket list.
    links = texts(page, '//nav[@class="main-nav"]//a')
    assert {"Akun Pengguna", "Direktori LPSE", "Notifikasi"} <= set(links)
    assert "Tugas Saya" not in links and "Daftar Tiket" not in links


def test_the_directory_lists_searches_and_pages_lpses(app: Flask, database: Database) -> None:
    person = visitor(app, SYS)
    person.post("/admin/lpse/impor/konfirmasi", {"upload_id": "x"})  # nothing to confirm
    preview = person.client.post("/admin/lpse/impor", data={
        "csrf_token": person.token(), **upload(SAMPLE.read_bytes(), "lpse_sample.csv")})
    upload_id = html(preview).xpath('//input[@name="upload_id"]/@value')[0]
    assert person.post("/admin/lpse/impor/konfirmasi",
                       {"upload_id": upload_id}).status_code == 302
    first = person.get("/admin/lpse")
    assert first.status_code == 200
    assert len(html(first).xpath('//tr[@data-lpse]')) == 25
    assert html(first).xpath('//a[@rel="next"]')
    found = person.get("/admin/lpse?q=kota+bandung")
    assert html(found).xpath('//tr[@data-lpse]/@data-lpse') == ["kota-bandung"]
    assert "WIB" in texts(found, '//tr[@data-lpse="kota-bandung"]/td')
    second = person.get("/admin/lpse?halaman=2")
    assert set(html(second).xpath('//tr[@data-lpse]/@data-lpse')).isdisjoint(
        html(first).xpath('//tr[@data-lpse]/@data-lpse'))


def test_an_lpse_is_added_and_edited_and_bad_fields_are_named(
        app: Flask, database: Database) -> None:
    person = visitor(app, SYS)
    bad = person.post("/admin/lpse", {"kode": "Kota Baru", "nama": "", "zona_waktu": "Mars",
                                      "email": "x"})
    assert bad.status_code == 422
    assert set(field_errors(bad)) == {"kode", "nama", "zona_waktu", "email"}
    added = person.post("/admin/lpse", {"kode": "kota-ambon", "nama": "LPSE Kota Ambon",
                                        "zona_waktu": "WIT", "email": ""})
    assert added.status_code == 302
    taken = person.post("/admin/lpse", {"kode": "kota-ambon", "nama": "LPSE Lain",
                                        "zona_waktu": "WIT"})
    assert taken.status_code == 409 and "kode" in field_errors(taken)
    form = person.get("/admin/lpse/kota-ambon")
    assert form.status_code == 200
    saved = person.post("/admin/lpse/kota-ambon", {"nama": "LPSE Kota Ambon (Maluku)",
                                                   "zona_waktu": "Asia/Jayapura",
                                                   "email": "lpse@ambon.go.id"})
    assert saved.status_code == 302
    with database.engine.connect() as connection:
        row = connection.execute(text("SELECT name, timezone, email FROM lpse "
                                      "WHERE code = 'kota-ambon'")).one()
    assert tuple(row) == ("LPSE Kota Ambon (Maluku)", "Asia/Jayapura", "lpse@ambon.go.id")
    assert person.get("/admin/lpse/kota-atlantis").status_code == 404
    with database.engine.connect() as connection:
        types = [t for (t,) in connection.execute(text(
            "SELECT type FROM events WHERE stream = 'people' ORDER BY seq"))]
    assert types == ["lpse_added", "lpse_updated"]


def test_an_import_shows_a_preview_then_changes_only_when_confirmed(
        app: Flask, database: Database) -> None:
    person = visitor(app, SYS)
    content = ("\ufeffkode;nama;zona_waktu\r\nkota-bandung;LPSE Kota Bandung (Baru);WIB\r\n"
               "kota-ambon;LPSE Kota Ambon;WIT\r\n").encode()
    preview = person.client.post("/admin/lpse/impor", data={
        "csrf_token": person.token(), **upload(content)})
    assert preview.status_code == 200
    page = html(preview)
    assert page.xpath('//li/@data-added') == ["1"] and page.xpath('//li/@data-updated') == ["1"]
    assert count(database, "SELECT COUNT(*) FROM lpse WHERE code = 'kota-ambon'") == 0
    upload_id = page.xpath('//input[@name="upload_id"]/@value')[0]
    done = person.post("/admin/lpse/impor/konfirmasi", {"upload_id": upload_id})
    assert done.status_code == 302
    assert count(database, "SELECT COUNT(*) FROM lpse WHERE code = 'kota-ambon'") == 1
    assert count(database, "SELECT COUNT(*) FROM lpse WHERE name = "
                           "'LPSE Kota Bandung (Baru)'") == 1
    again = person.client.post("/admin/lpse/impor", data={
        "csrf_token": person.token(), **upload(content)})
    assert html(again).xpath('//li/@data-unchanged') == ["2"]
    assert not html(again).xpath('//input[@name="upload_id"]')
    # The same preview cannot be confirmed twice.
    assert person.post("/admin/lpse/impor/konfirmasi",
                       {"upload_id": upload_id}).status_code == 302
    assert count(database, "SELECT COUNT(*) FROM events WHERE stream = 'people'") == 2


def test_a_bad_import_names_every_row_and_a_huge_or_empty_file_is_refused(
        app: Flask, database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    person = visitor(app, SYS)
    before = count(database, "SELECT COUNT(*) FROM lpse")
    bad = person.client.post("/admin/lpse/impor", data={
        "csrf_token": person.token(),
        **upload(b"kode,nama,zona_waktu\nkota-a,LPSE A,WIB\nkota-a,LPSE A2,WIB\n"
                 b"kota-b,,Mars\n", "daftar.csv")})
    assert bad.status_code == 422
    problems = texts(bad, '//ul[@class="problems"]/li')
    assert problems[0].startswith("daftar.csv:3:") and "kota-a" in problems[0]
    assert [p.split(":")[1] for p in problems] == ["3", "4", "4"]
    assert "Traceback" not in bad.text
    empty = person.client.post("/admin/lpse/impor", data={
        "csrf_token": person.token(), **upload(b"", "kosong.csv")})
    assert empty.status_code == 422 and html(empty).xpath('//*[@id="refusal"]')
    monkeypatch.setattr("engine.CSV_PAGE_LIMIT", 1024)  # 10 MB: a slow test
    big = b"kode,nama,zona_waktu\n" + b"kota-x,LPSE X,WIB\n" * 100
    huge = person.client.post("/admin/lpse/impor", data={
        "csrf_token": person.token(), **upload(big, "besar.csv")})
    assert huge.status_code == 413 and "`eskalasi`" in texts(huge, '//*[@id="refusal"]')[0]
    assert count(database, "SELECT COUNT(*) FROM lpse") == before


def test_the_administrator_adds_filters_invites_and_deactivates_accounts(
        app: Flask, database: Database) -> None:
    person = visitor(app, SYS)
    bad = person.post("/admin/akun", {"username": "Budi Bandung", "name": "", "email": "x",
                                      "role": "pengguna", "lpse": ""})
    assert bad.status_code == 422
    assert set(field_errors(bad)) == {"username", "name", "email", "lpse"}
    added = person.post("/admin/akun", {"username": "budi.bandung", "name": "Budi",
                                        "email": "budi@bandung.go.id", "role": "pengguna",
                                        "lpse": "kota-bandung"})
    assert added.status_code == 302
    taken = person.post("/admin/akun", {"username": "budi.bandung", "name": "Budi",
                                        "email": "budi2@bandung.go.id", "role": "pengguna",
                                        "lpse": "kota-bandung"})
    assert taken.status_code == 409 and "username" in field_errors(taken)
    listed = person.get("/admin/akun?peran=pengguna&lpse=kota-bandung")
    assert html(listed).xpath('//tr[@data-username]/@data-username') == [
        "budi.bandung", "pengguna.bandung"]
    assert html(person.get("/admin/akun?q=budi")).xpath(
        '//tr[@data-username]/@data-username') == ["budi.bandung"]
    mails = count(database, "SELECT COUNT(*) FROM outbox WHERE recipient = "
                            "'budi@bandung.go.id'")
    assert mails == 1
    assert person.post("/admin/akun/budi.bandung/undang").status_code == 302
    assert count(database, "SELECT COUNT(*) FROM outbox WHERE recipient = "
                           "'budi@bandung.go.id'") == 2
    assert person.post("/admin/akun/budi.bandung/nonaktifkan").status_code == 302
    row = html(person.get("/admin/akun?q=budi")).xpath('//tr[@data-username="budi.bandung"]')
    assert row[0].get("data-active") == "no"
    assert person.post("/admin/akun/nobody/nonaktifkan").status_code == 404


def test_an_admin_lpse_manages_only_the_pengguna_spse_of_their_lpse(
        app: Flask, database: Database) -> None:
    admin = visitor(app, "admin.bandung")
    page = admin.get("/pengguna-spse")
    assert page.status_code == 200
    assert html(page).xpath('//tr[@data-username]/@data-username') == ["pengguna.bandung"]
    assert not html(page).xpath('//select[@name="role"]')
    added = admin.post("/pengguna-spse", {"username": "dodi.bandung", "name": "Dodi",
                                          "email": "dodi@bandung.go.id",
                                          "role": "helpdesk", "lpse": "kota-surabaya"})
    assert added.status_code == 302
    with database.engine.connect() as connection:
        row = connection.execute(text(
            "SELECT u.role, l.code FROM users u JOIN lpse l ON l.id = u.lpse_id "
            "WHERE u.username = 'dodi.bandung'")).one()
    assert tuple(row) == ("Pengguna SPSE", "kota-bandung")
    assert admin.post("/pengguna-spse/pengguna.surabaya/nonaktifkan").status_code == 404
    assert admin.post("/pengguna-spse/admin.surabaya/undang").status_code == 404
    assert admin.post("/pengguna-spse/dodi.bandung/undang").status_code == 302
    assert admin.post("/pengguna-spse/dodi.bandung/nonaktifkan").status_code == 302
    assert count(database, "SELECT COUNT(*) FROM users WHERE username = 'dodi.bandung' "
                           "AND active = false") == 1
    assert count(database, "SELECT COUNT(*) FROM users WHERE username = 'pengguna.surabaya' "
                           "AND active = true") == 1


def test_other_roles_get_404_on_the_directory_and_accounts_pages(app: Flask) -> None:
    for username in OTHERS:
        person = visitor(app, username)
        for path in ("/admin/lpse", "/admin/akun", "/admin/lpse/impor", "/pengguna-spse"):
            assert person.get(path).status_code == 404, (username, path)
    assert visitor(app, SYS).get("/pengguna-spse").status_code == 404
    assert visitor(app, "admin.bandung").get("/admin/akun").status_code == 404
    anonymous = visitor(app).get("/admin/akun")
    assert anonymous.status_code == 302 and "/masuk" in anonymous.headers["Location"]


JUNK = ("%00", "%ED%BF%BF", "99999999999999999999999", "-1", "x" * 3000, "%27%22%3C")


def test_junk_in_queries_paths_and_forms_is_never_a_server_error(app: Flask) -> None:
    administrator, admin = visitor(app, SYS), visitor(app, "admin.bandung")
    failed = []
    for junk in JUNK:
        query = "&".join(f"{name}={junk}" for name in ("q", "peran", "lpse", "halaman"))
        for person, path in ((administrator, "/admin/akun"), (administrator, "/admin/lpse"),
                             (administrator, f"/admin/lpse/{junk}"),
                             (admin, "/pengguna-spse")):
            status = person.get(f"{path}?{query}").status_code
            if status >= 500 or ("%00" in junk and status != 400):
                failed.append((path, junk[:12], status))
        for person, path in ((administrator, f"/admin/akun/{junk}/nonaktifkan"),
                             (administrator, f"/admin/akun/{junk}/undang"),
                             (admin, f"/pengguna-spse/{junk}/nonaktifkan")):
            status = person.post(path, {}).status_code
            if status >= 500:
                failed.append((path[:40], junk[:12], status))
        value = junk.replace("%00", "\x00").replace("%ED%BF%BF", "\u202e")
        for person, path, form in (
                (administrator, "/admin/akun", {"username": value, "name": value,
                                                "email": value, "role": value, "lpse": value}),
                (administrator, "/admin/lpse", {"kode": value, "nama": value,
                                                "zona_waktu": value, "email": value}),
                (admin, "/pengguna-spse", {"username": value, "name": value, "email": value})):
            status = person.post(path, form).status_code
            if status >= 500 or status == 302:
                failed.append((path, junk[:12], status))
    assert not failed
