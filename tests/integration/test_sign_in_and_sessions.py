"""Issue 11, parts 4 and 5: guessing passwords locks out only the guesser, unknown names cost
what known ones do, old hashes are upgraded, and sessions and tokens end when they should."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select, update
from werkzeug.security import check_password_hash

import engine
from engine import Database
from engine.people import accounts
from engine.persistence.tables import UserRow
from tests.integration.api_client import USERS, Api
from tests.pages import DEMO_PASSWORD, Visitor
from tests.unit.test_passwords import old_style_hash
from web import create_app
from web.config import DATABASE_EXTENSION

SIGN_IN_FORM = "/masuk"


def from_address(app: Flask, address: str, forwarded_for: str | None = None) -> Visitor:
    """A visitor whose requests come from `address` (behind a proxy: carrying the header)."""
    person = Visitor(app.test_client())
    person.client.environ_base["REMOTE_ADDR"] = address
    if forwarded_for is not None:
        person.client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return person


@pytest.fixture
def no_slow_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """Failures answer at once: the tests that count many of them need no waiting."""
    monkeypatch.setattr(accounts, "SLOW_DOWN_SECONDS", 0.0)


@pytest.fixture
def behind_one_proxy(database_url: str) -> Iterator[Flask]:
    """The app as ESKALASI_TRUSTED_PROXIES=1 builds it."""
    settings = engine.Settings.from_environment({"ESKALASI_TRUSTED_PROXIES": "1"})
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-key"},
                     settings=settings)
    yield app
    app.extensions[DATABASE_EXTENSION].dispose()


def test_guessing_from_one_address_does_not_lock_the_owner_out_of_another(
        app: Flask, no_slow_down: None) -> None:
    attacker = from_address(app, "203.0.113.66")
    for _ in range(5):
        assert attacker.sign_in("admin.bandung", "tebakan").status_code == 200
    assert attacker.sign_in("admin.bandung").status_code == 429  # the pair is blocked
    owner = from_address(app, "198.51.100.10")
    assert owner.sign_in("admin.bandung").status_code == 302
    assert owner.get("/tugas").status_code == 200


def test_one_address_guessing_across_many_accounts_meets_the_looser_limit(
        app: Flask, no_slow_down: None) -> None:
    attacker = from_address(app, "203.0.113.66")
    for attempt in range(accounts.MAX_FAILURES_PER_CLIENT):
        assert attacker.sign_in(f"akun.{attempt % 10}", "tebakan").status_code == 200
    # Even an account not tried yet, with its right password: the address is refused.
    assert attacker.sign_in("helpdesk.lkpp").status_code == 429
    assert from_address(app, "198.51.100.10").sign_in("helpdesk.lkpp").status_code == 302


def test_failures_slow_down_before_the_pair_is_blocked(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "SLOW_DOWN_SECONDS", 1.0)  # well above a busy machine's noise
    person = from_address(app, "203.0.113.66")
    took = []
    for _ in range(4):
        start = time.perf_counter()
        assert person.sign_in("auditor", "tebakan").status_code == 200
        took.append(time.perf_counter() - start)
    # The first two answer at once; the fourth failure waits two steps of the slow-down.
    assert took[3] - min(took[:2]) >= 1.5, took
    assert person.sign_in("auditor", "tebakan").status_code == 200
    assert person.sign_in("auditor").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(
        behind_one_proxy: Flask, no_slow_down: None) -> None:
    proxy = "10.0.0.1"  # every request reaches the app from the proxy
    attacker = from_address(behind_one_proxy, proxy, "203.0.113.66")
    for _ in range(5):
        assert attacker.sign_in("admin.bandung", "tebakan").status_code == 200
    assert attacker.sign_in("admin.bandung").status_code == 429
    owner = from_address(behind_one_proxy, proxy, "198.51.100.10")
    assert owner.sign_in("admin.bandung").status_code == 302


def test_without_trusted_proxies_a_forged_forwarded_header_changes_nothing(
        app: Flask, no_slow_down: None) -> None:
    for attempt in range(5):
        forger = from_address(app, "203.0.113.66", f"192.0.2.{attempt}")
        assert forger.sign_in("admin.bandung", "tebakan").status_code == 200
    forger = from_address(app, "203.0.113.66", "192.0.2.200")
    assert forger.sign_in("admin.bandung").status_code == 429  # still the same peer


def test_an_unknown_username_costs_as_much_time_as_a_known_one(app: Flask) -> None:
    took: dict[str, list[float]] = {"known": [], "unknown": []}
    for attempt, known in enumerate(USERS):  # interleaved, each from its own address
        for kind, username in (("known", known), ("unknown", f"tidak.ada.{attempt}")):
            person = from_address(app, f"198.51.{len(took[kind])}.{attempt}")
            person.token()  # the CSRF token first: only the sign-in itself is timed
            start = time.perf_counter()
            assert person.sign_in(username, "tebakan").status_code == 200
            took[kind].append(time.perf_counter() - start)
    ratio = statistics.median(took["unknown"]) / statistics.median(took["known"])
    assert 0.5 <= ratio <= 2.0, took


def test_an_old_style_hash_is_upgraded_at_the_next_sign_in(
        app: Flask, database: Database) -> None:
    with database.uow() as uow:
        uow.session.execute(update(UserRow).where(UserRow.username == "auditor")
                            .values(password_hash=old_style_hash(DEMO_PASSWORD)))
        uow.commit()
    assert from_address(app, "198.51.100.10").sign_in("auditor").status_code == 302
    with database.uow() as uow:
        stored = uow.session.scalar(select(UserRow.password_hash)
                                    .where(UserRow.username == "auditor"))
    assert stored is not None and stored.startswith("scrypt:32768:8:1$")
    assert check_password_hash(stored, DEMO_PASSWORD)
    assert from_address(app, "198.51.100.10").sign_in("auditor").status_code == 302


def saved_cookie(person: Visitor) -> str:
    cookie = person.client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def session_secret(app: Flask, person: Visitor) -> str:
    """The server-side session's secret that the visitor's signed cookie carries."""
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    secret: str = serializer.loads(saved_cookie(person))["_user_id"]
    return secret


def with_cookie(app: Flask, value: str) -> Visitor:
    """Another browser, sending a cookie someone saved."""
    other = Visitor(app.test_client())
    other.client.set_cookie("session", value)
    return other


def test_a_cookie_saved_before_signing_out_is_refused_after(app: Flask) -> None:
    person = from_address(app, "198.51.100.10")
    assert person.sign_in("helpdesk.lkpp").status_code == 302
    saved = saved_cookie(person)
    assert with_cookie(app, saved).get("/tugas").status_code == 200
    assert person.post("/keluar").location == SIGN_IN_FORM
    replayed = with_cookie(app, saved).get("/tugas")
    assert replayed.status_code == 302
    assert replayed.location.startswith(SIGN_IN_FORM)


def test_a_password_change_ends_every_other_session_and_token(
        app: Flask, api: Api, database: Database) -> None:
    kept = from_address(app, "198.51.100.10")
    other = from_address(app, "198.51.100.11")
    for person in (kept, other):
        assert person.sign_in("helpdesk.lkpp").status_code == 302
    token = api.token("helpdesk.lkpp")
    assert api.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200

    secret = session_secret(app, kept)
    engine.change_password(database.uow(), "helpdesk.lkpp", "kata-sandi-baru-123", keep=secret)

    refused = api.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401
    assert other.get("/tugas").location.startswith(SIGN_IN_FORM)
    assert kept.get("/tugas").status_code == 200  # the session that changed it stays
    assert from_address(app, "198.51.100.12").sign_in("helpdesk.lkpp").status_code == 200
    assert from_address(app, "198.51.100.12").sign_in(
        "helpdesk.lkpp", "kata-sandi-baru-123").status_code == 302


def test_a_token_and_a_page_session_end_at_once_when_the_account_is_deactivated(
        app: Flask, api: Api, database: Database) -> None:
    person = from_address(app, "198.51.100.10")
    assert person.sign_in("admin.bandung").status_code == 302
    token = api.token("admin.bandung")
    engine.deactivate_user(database.uow(), "admin.bandung")
    assert engine.end_sessions(database.uow(), "admin.bandung") == 0  # none were left
    assert api.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert person.get("/tugas").location.startswith(SIGN_IN_FORM)
    assert from_address(app, "198.51.100.11").sign_in("admin.bandung").status_code == 200


def test_a_token_issued_through_the_api_ends_when_the_password_changes(
        api: Api, database: Database) -> None:
    issued = api.post("/auth/token", json={"username": "auditor", "password": DEMO_PASSWORD})
    assert issued.status_code == 200
    bearer = {"Authorization": f"Bearer {issued.json['token']}"}
    assert api.get("/me", headers=bearer).status_code == 200
    engine.change_password(database.uow(), "auditor", "kata-sandi-baru-123")
    assert api.get("/me", headers=bearer).status_code == 401
