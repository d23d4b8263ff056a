"""Signing in and out, CSRF, security headers, languages and error pages."""

from __future__ import annotations

import pytest
from flask import Flask

import engine
from tests.desk import Desk
from tests.pages import Visitor, texts, visitor
from web import create_app

GENERIC = "Nama pengguna atau kata sandi salah."


def test_start_page_sends_a_signed_out_visitor_to_sign_in(app: Flask) -> None:
    person = visitor(app)
    assert person.get("/").location == "/masuk"
    response = person.get("/tugas")
    assert response.status_code == 302
    assert response.location.startswith("/masuk?next=")


def test_sign_in_goes_to_the_inbox_and_shows_who_is_signed_in(app: Flask) -> None:
    person = visitor(app)
    response = person.sign_in("admin.bandung")
    assert response.status_code == 302
    assert response.location == "/tugas"
    page = person.get("/tugas")
    assert page.status_code == 200
    header = texts(page, '//header[@class="site-header"]')[0]
    assert "Admin LPSE Kota Bandung" in header
    assert "LPSE Kota Bandung" in header
    assert texts(page, '//nav[@class="main-nav"]//a') == [
        "Tugas Saya", "Daftar Tiket", "Permintaan", "Beban Kerja", "Dasbor", "Pengetahuan",
        "Pengguna SPSE", "Notifikasi"]
    assert person.get("/").location == "/tugas"


@pytest.mark.parametrize(("username", "home"), [("pemilik.proses", "/proses"),
                                               ("auditor", "/audit/"),
                                               ("helpdesk.lkpp", "/tugas")])
def test_sign_in_goes_to_the_home_of_each_role(app: Flask, username: str, home: str) -> None:
    person = visitor(app)
    assert person.get("/masuk").status_code == 200  # the form's own `next` is empty
    assert person.sign_in(username).location == home
    assert person.get("/").location == home
    assert person.get("/masuk").location == home
    assert person.get(home).status_code == 200


def test_a_next_still_wins_over_the_home_of_a_role(app: Flask) -> None:
    assert visitor(app).sign_in("auditor", next="/tiket").location == "/tiket"


def test_sign_in_follows_a_same_site_next_only(app: Flask) -> None:
    assert visitor(app).sign_in("helpdesk.lkpp", next="/tiket?halaman=2").location == (
        "/tiket?halaman=2")
    for elsewhere in ("https://evil.example/", "//evil.example/x", "/\\evil.example",
                      "javascript:alert(1)"):
        response = visitor(app).sign_in("helpdesk.lkpp", next=elsewhere)
        assert response.location == "/tugas", elsewhere


def test_a_wrong_password_and_an_unknown_user_get_the_same_message(app: Flask) -> None:
    wrong = visitor(app).sign_in("admin.bandung", "not-the-password")
    unknown = visitor(app).sign_in("nobody.here", "not-the-password")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert texts(response, '//p[@class="form-error"]') == [GENERIC]
    assert 'value="admin.bandung"' in wrong.text  # the username stays filled in


def test_sign_in_is_refused_with_429_after_five_failures(app: Flask) -> None:
    person = visitor(app)
    for _ in range(5):
        assert person.sign_in("admin.bandung", "wrong").status_code == 200
    refused = person.sign_in("admin.bandung")  # even the right password now
    assert refused.status_code == 429
    assert texts(refused, '//p[@class="form-error"]') == [
        "Terlalu banyak percobaan masuk gagal. Coba lagi dalam 15 menit."]
    assert person.get("/tugas").status_code == 302


def test_sign_out_needs_a_post_and_ends_the_session(app: Flask) -> None:
    person = visitor(app, "helpdesk.lkpp")
    assert person.get("/keluar").status_code == 405
    response = person.post("/keluar")
    assert response.location == "/masuk"
    assert person.get("/tugas").status_code == 302
    assert "Anda telah keluar." in person.get("/masuk").text


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(
        app: Flask, desk: Desk) -> None:
    person = visitor(app, "admin.bandung")
    data = {"reporter": "pengguna.bandung", "judul": "Tanpa token", "aplikasi": "SPSE 4.5",
            "tipe_tiket": "Usulan", "deskripsi": "Formulir dikirim tanpa token CSRF."}
    refused = person.post("/tiket/baru", data, csrf=False)
    assert refused.status_code == 400
    assert "Formulir kedaluwarsa atau tidak sah, muat ulang halaman." in refused.text
    assert person.post("/tiket/baru", {**data, "csrf_token": "forged"},
                       csrf=False).status_code == 400
    assert engine.list_tickets(desk.database.uow(), desk.user("helpdesk.lkpp")) == []
    assert visitor(app).post("/masuk", {"username": "admin.bandung",
                                        "password": "eskalasi-demo"},
                             csrf=False).status_code == 400


def test_pages_carry_a_strict_policy_and_cookies_are_http_only(app: Flask) -> None:
    person = Visitor(app.test_client())
    page = person.get("/masuk")
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in page.text and "style=" not in page.text
    signed_in = person.sign_in("admin.bandung")
    cookie = signed_in.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_secure_outside_development(database_url: str) -> None:
    production = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "k"})
    assert production.config["SESSION_COOKIE_SECURE"] is True
    production.extensions["eskalasi.database"].dispose()


def test_the_language_switch_shows_english_and_back(app: Flask) -> None:
    person = visitor(app, "admin.bandung")
    response = person.post("/bahasa", {"lang": "en", "next": "/tugas"})
    assert response.location == "/tugas"
    page = person.get("/tugas")
    assert '<html lang="en">' in page.text
    assert texts(page, '//nav[@class="main-nav"]//a') == [
        "My Tasks", "Ticket List", "Requests", "Workload", "Dashboard", "Knowledge",
        "Pengguna SPSE", "Notifications"]
    assert "No tasks." in page.text
    assert "Create Ticket" in page.text
    assert texts(page, '//form[@class="sign-out"]//button') == ["Sign out"]
    person.post("/bahasa", {"lang": "id", "next": "/tugas"})
    assert "Tidak ada tugas." in person.get("/tugas").text


def test_the_language_switch_works_signed_out_and_never_leaves_the_site(app: Flask) -> None:
    person = visitor(app)
    response = person.post("/bahasa", {"lang": "en", "next": "https://evil.example/"})
    assert response.location == "/"
    page = person.get("/masuk")
    assert texts(page, '//form//button[@type="submit"][@class="primary"]') == ["Sign in"]
    person.post("/bahasa", {"lang": "xx", "next": "/masuk"})
    assert '<html lang="en">' in person.get("/masuk").text  # unknown language: unchanged


def test_error_pages_are_html_translated_and_plain(app: Flask) -> None:
    person = visitor(app, "helpdesk.lkpp")
    missing = person.get("/tidak-ada")
    assert missing.status_code == 404
    assert missing.mimetype == "text/html"
    assert texts(missing, "//h1") == ["Halaman tidak ditemukan"]
    person.post("/bahasa", {"lang": "en", "next": "/"})
    assert texts(person.get("/tidak-ada"), "//h1") == ["Page not found"]
    not_allowed = person.client.put("/tugas")
    assert not_allowed.status_code == 405
    assert texts(not_allowed, "//h1") == ["Method not allowed"]


def test_a_bug_is_a_plain_500_page_without_a_trace(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    person = visitor(app, "helpdesk.lkpp")
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    def bug(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret detail of a bug")

    monkeypatch.setattr(engine, "list_tasks", bug)
    response = person.get("/tugas")
    assert response.status_code == 500
    assert texts(response, "//h1") == ["Terjadi kesalahan"]
    assert "secret detail" not in response.text and "Traceback" not in response.text
