"""Single sign-on in the browser: "Masuk dengan SSO LKPP" on the sign-in page, the real
provider's own login page (oidc-provider's dev interactions), and back signed in as the
account of the verified email; a person the app does not know comes back to the sign-in
page with the reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page

from engine import Database
from tests.oidc.provider import (
    CALLBACK,
    PROVIDER_NAME,
    Provider,
    app_for_a_test,
    provider_for_a_test,
)


@pytest.fixture
def provider() -> Iterator[Provider]:
    yield from provider_for_a_test()


@pytest.fixture
def app(provider: Provider, database_url: str, database: Database,
        tmp_path: Path) -> Iterator[Flask]:
    """The app of every browser test, with ESKALASI_OIDC_* naming the test provider."""
    yield from app_for_a_test(provider, database_url, database, tmp_path)


@pytest.fixture
def page(browser: Browser, live_server: str, provider: Provider) -> Iterator[Page]:
    provider.start(live_server + CALLBACK)
    context = browser.new_context(base_url=live_server)
    yield context.new_page()
    context.close()


def sign_in_at_the_provider(page: Page, login: str) -> None:
    page.goto("/masuk", wait_until="domcontentloaded")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("button", name=f"Masuk dengan {PROVIDER_NAME}").click()
    assert page.url.startswith("http://127.0.0.1:") and "/interaction/" in page.url, page.url
    page.fill('input[name="login"]', login)
    page.fill('input[name="password"]', "apa-saja")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click("button.login-submit")


def test_single_sign_on_lands_signed_in_as_the_account_of_the_verified_email(
        page: Page, live_server: str) -> None:
    sign_in_at_the_provider(page, "helpdesk")
    page.wait_for_url(f"{live_server}/tugas")
    assert "Helpdesk LKPP" in page.locator("header").inner_text()
    assert page.get_by_role("button", name="Keluar").is_visible()


def test_a_person_without_an_account_is_told_why_on_the_sign_in_page(page: Page) -> None:
    sign_in_at_the_provider(page, "orang-luar")
    assert CALLBACK in page.url
    error = page.locator("#sign-in-error")
    assert "Tidak ada akun Eskalasi dengan email orang.luar@contoh.test" in error.inner_text()
    assert page.get_by_role("button", name=f"Masuk dengan {PROVIDER_NAME}").is_visible()
