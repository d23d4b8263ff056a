"""Single sign-on against a real OpenID Connect provider (oidc-provider under node, on
loopback), through a live server: the account is found by the verified email; unknown,
unverified and deactivated people are refused on the sign-in page; a provider that is down,
an error from it or a forged callback is a clear message, never a 500; without the settings
nothing changes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

import engine
from engine import Database
from engine.persistence.tables import UserRow
from tests.oidc.provider import (
    CALLBACK,
    PROVIDER_NAME,
    Provider,
    app_for_a_test,
    give_emails,
    provider_for_a_test,
    serve,
    sign_in_through,
)


@pytest.fixture
def provider() -> Iterator[Provider]:
    """A provider port chosen now; the provider itself starts with the live server."""
    yield from provider_for_a_test()


@pytest.fixture
def sso_app(provider: Provider, database_url: str, database: Database,
            tmp_path: Path) -> Iterator[Flask]:
    yield from app_for_a_test(provider, database_url, database, tmp_path)


@pytest.fixture
def base(sso_app: Flask, provider: Provider) -> Iterator[str]:
    """The live server's URL, with the provider running and knowing its callback."""
    for url in serve(sso_app):
        provider.start(url + CALLBACK)
        yield url


def test_a_person_with_a_verified_email_lands_signed_in_as_their_account(base: str) -> None:
    landing = sign_in_through(base, "helpdesk")
    assert landing.response.status_code == 200
    assert landing.response.url == f"{base}/tugas"
    assert "Helpdesk LKPP" in landing.response.text
    me = landing.session.get(f"{base}/tugas", allow_redirects=False, timeout=30)
    assert me.status_code == 200


@pytest.mark.parametrize(("login", "words"), [
    ("orang-luar", "Tidak ada akun Eskalasi dengan email orang.luar@contoh.test"),
    ("belum-verifikasi", "belum terverifikasi"),
])
def test_unknown_and_unverified_people_are_refused_on_the_sign_in_page(
        base: str, login: str, words: str) -> None:
    landing = sign_in_through(base, login)
    assert landing.response.status_code == 403
    assert landing.response.url.startswith(f"{base}{CALLBACK}")
    assert words in landing.response.text
    assert 'id="sign-in-error"' in landing.response.text
    after = landing.session.get(f"{base}/tugas", allow_redirects=False, timeout=30)
    assert after.status_code == 302 and "/masuk" in after.headers["Location"]


def test_a_deactivated_account_is_refused(base: str, database: Database) -> None:
    engine.deactivate_user(database.uow(), "auditor")
    landing = sign_in_through(base, "auditor")
    assert landing.response.status_code == 403
    assert "Akun dengan email auditor@lkpp.test sudah dinonaktifkan." in landing.response.text


def test_the_sign_in_page_offers_the_provider_by_name(sso_app: Flask) -> None:
    page = sso_app.test_client().get("/masuk")
    assert page.status_code == 200
    assert f"Masuk dengan {PROVIDER_NAME}" in page.text


def test_a_provider_that_is_down_is_a_clear_message(sso_app: Flask) -> None:
    # The provider was never started: nothing listens on its port.
    answer = sso_app.test_client().get("/masuk/sso")
    assert answer.status_code == 502
    assert "tidak dapat dihubungi" in answer.text


def test_an_error_from_the_provider_is_a_clear_message(sso_app: Flask) -> None:
    answer = sso_app.test_client().get(f"{CALLBACK}?error=access_denied&state=abc")
    assert answer.status_code == 400
    assert "Masuk melalui penyedia dibatalkan." in answer.text


def test_a_callback_with_a_forged_state_is_refused(sso_app: Flask) -> None:
    answer = sso_app.test_client().get(f"{CALLBACK}?code=palsu&state=palsu")
    assert answer.status_code == 400
    assert "kedaluwarsa atau tidak sah" in answer.text


def test_without_the_settings_there_is_no_button_and_the_routes_are_404(
        client: FlaskClient) -> None:
    page = client.get("/masuk")
    assert "Masuk dengan" not in page.text
    assert client.get(f"{CALLBACK}?code=x&state=y").status_code == 404
    assert client.get("/masuk/sso").status_code == 404


def test_the_account_is_matched_only_by_an_email_the_provider_verified(
        database: Database) -> None:
    give_emails(database)
    found = engine.user_for_verified_email(database.uow(), " HELPDESK.lkpp@LKPP.test ", True)
    assert found.username == "helpdesk.lkpp"
    for verified in ("true", 1, None, False):  # only the JSON true verifies
        with pytest.raises(engine.Forbidden):
            engine.user_for_verified_email(database.uow(), "helpdesk.lkpp@lkpp.test", verified)
    for nothing in (None, "", 42, "a\x00b@lkpp.test", "x" * 300):
        with pytest.raises(engine.Forbidden):
            engine.user_for_verified_email(database.uow(), nothing, True)


def test_an_address_two_accounts_share_signs_in_neither(database: Database) -> None:
    give_emails(database)
    with database.uow() as uow:
        for user in uow.session.scalars(select(UserRow).where(
                UserRow.username.in_(["helpdesk2.lkpp", "helpdesk.lkpp"]))):
            user.email = "bersama@lkpp.test"
        uow.commit()
    with pytest.raises(engine.Forbidden) as refused:
        engine.user_for_verified_email(database.uow(), "bersama@lkpp.test", True)
    assert refused.value.message.code == "sso_email_ambiguous"


def test_after_single_sign_on_the_page_asked_for_opens(base: str) -> None:
    session = requests.Session()
    asked = session.get(f"{base}/tiket", timeout=30)
    assert asked.url.startswith(f"{base}/masuk?next=")
    assert 'href="/masuk/sso?next=/tiket"' in asked.text
    landing = sign_in_through(base, "helpdesk", start=asked.url)
    assert landing.response.url == f"{base}/tiket"
