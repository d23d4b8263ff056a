"""Invitations and passwords through the JSON API and the pages (issue 12).

The links come from the mail the app put into the outbox, as the person receiving it
would read them; the pages are sent with their CSRF tokens, as a browser does.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine import Database
from engine.persistence.tables import OutboxRow
from tests.integration.api_client import Api
from tests.integration.smtp import address
from tests.pages import field_errors, texts, visitor

GOOD = "kuda-lari-pagi-hijau"
OTHER = "sepeda-biru-malam-sunyi"
TOKEN_IN_LINK = re.compile(r"/sandi/([A-Za-z0-9_-]+)")


@pytest.fixture
def api(app: Flask, client: FlaskClient) -> Api:
    return Api(app, client)


def mails_to(database: Database, username: str) -> list[str]:
    with database.uow() as uow:
        return list(uow.session.scalars(select(OutboxRow.body).where(
            OutboxRow.recipient == address(username)).order_by(OutboxRow.id)))


def reset_token(api: Api, database: Database, username: str) -> str:
    """Ask for a reset of the user's account and take the token from the mail."""
    answer = api.post("/auth/password-reset", json={"email": address(username)})
    assert answer.status_code == 202
    found = TOKEN_IN_LINK.search(mails_to(database, username)[-1])
    assert found
    return found.group(1)


# The JSON API.

def test_a_reset_request_is_accepted_the_same_for_known_and_unknown_addresses(
        api: Api, database: Database, with_emails: None) -> None:
    known = api.post("/auth/password-reset", json={"email": address("admin.bandung")})
    unknown = api.post("/auth/password-reset", json={"email": "nobody@lkpp.test"})
    assert known.status_code == unknown.status_code == 202
    assert known.json == unknown.json
    assert len(mails_to(database, "admin.bandung")) == 1
    assert api.post("/auth/password-reset", json={}).status_code == 422


def test_a_mailed_token_sets_the_password_once_over_the_api(
        api: Api, database: Database, with_emails: None) -> None:
    token = reset_token(api, database, "admin.bandung")
    weak = api.post("/auth/password", json={"token": token, "password": "admin123"})
    assert weak.status_code == 422
    assert weak.json["errors"]["password"] == ["Kata sandi minimal 10 karakter."]
    done = api.post("/auth/password", json={"token": token, "password": GOOD})
    assert (done.status_code, done.json) == (200, {"username": "admin.bandung"})
    again = api.post("/auth/password", json={"token": token, "password": OTHER})
    assert again.status_code == 410
    assert "sudah dipakai" in again.json["detail"]
    signed_in = api.post("/auth/token", json={"username": "admin.bandung", "password": GOOD})
    assert signed_in.status_code == 200


def test_an_expired_token_is_gone(api: Api, database: Database, with_emails: None) -> None:
    token = reset_token(api, database, "admin.bandung")
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=49), tick=True):
        gone = api.post("/auth/password", json={"token": token, "password": GOOD})
    assert gone.status_code == 410
    assert "kedaluwarsa" in gone.json["detail"]


def test_changing_my_password_ends_my_other_tokens_but_not_this_one(api: Api) -> None:
    other = api.token("helpdesk.lkpp")
    api.tokens.pop("helpdesk.lkpp")
    wrong = api.post("/me/password", "helpdesk.lkpp",
                     json={"current_password": "nope", "new_password": GOOD})
    assert wrong.status_code == 422 and list(wrong.json["errors"]) == ["current_password"]
    weak = api.post("/me/password", "helpdesk.lkpp",
                    json={"current_password": "eskalasi-demo", "new_password": "helpdesk2024"})
    assert weak.status_code == 422 and list(weak.json["errors"]) == ["new_password"]
    changed = api.post("/me/password", "helpdesk.lkpp",
                       json={"current_password": "eskalasi-demo", "new_password": GOOD})
    assert changed.status_code == 200
    assert api.get("/me", "helpdesk.lkpp").status_code == 200
    stale = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"})
    assert stale.status_code == 401


# The pages.

def test_the_sign_in_page_links_to_forgot_password(app: Flask) -> None:
    page = visitor(app).get("/masuk")
    assert texts(page, '//a[@href="/lupa-sandi"]') == ["Lupa kata sandi?"]


def test_forgot_password_answers_the_same_for_known_and_unknown_addresses(
        app: Flask, database: Database, with_emails: None) -> None:
    person = visitor(app)
    known = person.post("/lupa-sandi", {"email": address("pengguna.bandung")})
    unknown = person.post("/lupa-sandi", {"email": "siapa@lkpp.test"})
    assert known.status_code == unknown.status_code == 200
    assert texts(known, '//*[@id="reset-sent"]') == texts(unknown, '//*[@id="reset-sent"]')
    assert len(mails_to(database, "pengguna.bandung")) == 1
    empty = person.post("/lupa-sandi", {"email": ""})
    assert empty.status_code == 422 and field_errors(empty) == {"email": "Wajib diisi."}
    no_csrf = person.post("/lupa-sandi", {"email": address("pengguna.bandung")}, csrf=False)
    assert no_csrf.status_code == 400
    assert len(mails_to(database, "pengguna.bandung")) == 1


def test_a_mailed_link_page_sets_the_password_with_reasons_next_to_the_field(
        app: Flask, api: Api, database: Database, with_emails: None) -> None:
    token = reset_token(api, database, "pengguna.bandung")
    person = visitor(app)
    form = person.get(f"/sandi/{token}")
    assert form.status_code == 200 and "pengguna.bandung" in form.text
    weak = person.post(f"/sandi/{token}", {"password": "Bandung.Pengguna",
                                           "password_again": "Bandung.Pengguna"})
    assert weak.status_code == 422
    assert field_errors(weak)["password"].startswith("Kata sandi ini mudah ditebak")
    different = person.post(f"/sandi/{token}", {"password": GOOD, "password_again": OTHER})
    assert field_errors(different) == {"password_again": "Kedua kata sandi tidak sama."}
    done = person.post(f"/sandi/{token}", {"password": GOOD, "password_again": GOOD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/masuk")
    assert person.sign_in("pengguna.bandung", GOOD).status_code == 302


def test_a_used_link_says_so_and_offers_a_new_one_by_mail(
        app: Flask, api: Api, database: Database, with_emails: None) -> None:
    token = reset_token(api, database, "pengguna.bandung")
    api.post("/auth/password", json={"token": token, "password": GOOD})
    person = visitor(app)
    used = person.get(f"/sandi/{token}")
    assert used.status_code == 410
    assert "sudah dipakai" in texts(used, '//*[@id="link-gone"]')[0]
    assert texts(used, "//form//button[@type='submit' and @class='primary']") == [
        "Kirim tautan baru"]
    sent = person.post(f"/sandi/{token}/baru")
    assert sent.status_code == 200
    fresh = TOKEN_IN_LINK.search(mails_to(database, "pengguna.bandung")[-1])
    assert fresh and fresh.group(1) != token
    assert person.get(f"/sandi/{fresh.group(1)}").status_code == 200


def test_an_expired_link_page_says_kedaluwarsa(app: Flask, api: Api, database: Database,
                                               with_emails: None) -> None:
    token = reset_token(api, database, "pengguna.bandung")
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=49), tick=True):
        expired = visitor(app).get(f"/sandi/{token}")
    assert expired.status_code == 410
    assert "kedaluwarsa" in texts(expired, '//*[@id="link-gone"]')[0]
    assert "Kirim tautan baru" in expired.text


def test_an_unknown_link_is_gone_without_an_offer(app: Flask) -> None:
    page = visitor(app).get("/sandi/not-a-token")
    assert page.status_code == 410
    assert "Kirim tautan baru" not in page.text


def test_the_account_page_shows_who_i_am_and_changes_my_password(app: Flask,
                                                                 api: Api) -> None:
    elsewhere = visitor(app, "admin.surabaya")
    token = api.token("admin.surabaya")
    person = visitor(app, "admin.surabaya")
    page = person.get("/akun")
    assert page.status_code == 200
    facts = texts(page, '//*[@id="account-facts"]/dd')
    assert facts[0] == "Admin LPSE Kota Surabaya" and facts[3] == "LPSE Kota Surabaya"
    wrong = person.post("/akun", {"current_password": "x", "new_password": GOOD,
                                  "new_password_again": GOOD})
    assert wrong.status_code == 422
    assert field_errors(wrong) == {"current_password": "Kata sandi sekarang salah."}
    done = person.post("/akun", {"current_password": "eskalasi-demo", "new_password": GOOD,
                                 "new_password_again": GOOD})
    assert done.status_code == 302
    assert person.get("/akun").status_code == 200  # this session goes on
    assert elsewhere.get("/akun").status_code == 302  # the other one ended
    stale = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert stale.status_code == 401


def test_the_account_page_needs_a_signed_in_user(app: Flask) -> None:
    assert visitor(app).get("/akun").status_code == 302
