"""Invitation and reset links in a real browser: the link is taken from the mail a real
SMTP server (aiosmtpd) received, followed in Chromium to set a password, then used to sign
in; a used link and an expired one say so and offer a new one."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

import engine
from engine import Database, Settings
from engine.background import outbox
from engine.persistence import repository
from engine.persistence.tables import UserRow
from tests.e2e.people import People, Person
from tests.integration.smtp import SmtpServer, address

GOOD = "kuda-lari-pagi-hijau"


@pytest.fixture
def with_emails(database: Database) -> None:
    with database.uow() as uow:
        for user in uow.session.scalars(select(UserRow)):
            user.email = address(user.username)
        uow.commit()


def invite(database: Database, username: str, base_url: str) -> None:
    with database.uow() as uow:
        user = repository.user_by_username(uow.session, username)
        assert user is not None
        engine.send_invitation(uow.session, user, Settings(base_url=base_url))
        uow.commit()


def link_in_newest_mail(database: Database, smtp: SmtpServer, username: str,
                        base_url: str) -> str:
    """Deliver the outbox to the SMTP server; the link of the newest mail to the user."""
    outbox.send_due(database, smtp.settings)
    mails = smtp.to(address(username))
    assert mails, f"no mail to {username}"
    found = re.search(r"\S*/sandi/[A-Za-z0-9_-]+", mails[-1].body)
    assert found, mails[-1].body
    link = found.group(0)
    return link if link.startswith("http") else base_url + link


def sign_in_with(person: Person, password: str) -> None:
    person.goto("/masuk")
    person.page.fill('[name="username"]', person.username)
    person.page.fill('[name="password"]', password)
    with person.page.expect_navigation(wait_until="domcontentloaded"):
        person.page.get_by_role("button", name="Masuk").click()


def choose_password(person: Person, password: str) -> None:
    person.page.fill('[name="password"]', password)
    person.page.fill('[name="password_again"]', password)
    with person.page.expect_navigation(wait_until="domcontentloaded"):
        person.page.get_by_role("button", name="Simpan kata sandi").click()


def test_an_invited_person_follows_the_mailed_link_sets_a_password_and_signs_in(
        people: People, live_server: str, database: Database, with_emails: None,
        smtp: SmtpServer) -> None:
    invite(database, "pengguna.surabaya", live_server)
    link = link_in_newest_mail(database, smtp, "pengguna.surabaya", live_server)
    assert link.startswith(f"{live_server}/sandi/")
    person = people.new("pengguna.surabaya")
    person.page.goto(link)
    assert "Selamat datang" in person.page.inner_text("h1")
    choose_password(person, "sby-2026")
    assert "Kata sandi minimal 10 karakter." in person.page.inner_text("#password-error")
    choose_password(person, "Pengguna.Surabaya")
    assert "mudah ditebak" in person.page.inner_text("#password-error")
    choose_password(person, GOOD)
    assert person.page.url.endswith("/masuk")
    assert "Kata sandi tersimpan" in person.page.inner_text(".flash")
    sign_in_with(person, GOOD)
    assert "/tugas" in person.page.url

    # The same link again: used, with the offer of a new one by mail.
    again = people.new()
    response = again.page.goto(link)
    assert response is not None and response.status == 410
    assert "sudah dipakai" in again.page.inner_text("#link-gone")
    with again.page.expect_navigation(wait_until="domcontentloaded"):
        again.page.get_by_role("button", name="Kirim tautan baru").click()
    assert "Tautan baru telah dikirim" in again.page.inner_text("#link-sent")
    fresh = link_in_newest_mail(database, smtp, "pengguna.surabaya", live_server)
    assert fresh != link
    assert again.page.goto(fresh) is not None
    assert "Atur ulang kata sandi" in again.page.inner_text("h1")


def test_an_expired_link_says_kedaluwarsa_and_offers_a_new_one(
        people: People, live_server: str, database: Database, with_emails: None,
        smtp: SmtpServer) -> None:
    invite(database, "admin.surabaya", live_server)
    link = link_in_newest_mail(database, smtp, "admin.surabaya", live_server)
    person = people.new()
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=49), tick=True):
        response = person.page.goto(link)
        assert response is not None and response.status == 410
        assert "kedaluwarsa" in person.page.inner_text("#link-gone")
    with person.page.expect_navigation(wait_until="domcontentloaded"):
        person.page.get_by_role("button", name="Kirim tautan baru").click()
    fresh = link_in_newest_mail(database, smtp, "admin.surabaya", live_server)
    person.page.goto(fresh)
    choose_password(person, GOOD)
    assert person.page.url.endswith("/masuk")


def test_forgot_password_answers_the_same_for_known_and_unknown_addresses(
        people: People, database: Database, with_emails: None, smtp: SmtpServer) -> None:
    answers = []
    for email in (address("pengguna.bandung"), "siapa.saja@lkpp.test"):
        person = people.new()
        person.goto("/masuk")
        with person.page.expect_navigation(wait_until="domcontentloaded"):
            person.page.get_by_role("link", name="Lupa kata sandi?").click()
        person.page.fill('[name="email"]', email)
        with person.page.expect_navigation(wait_until="domcontentloaded"):
            person.page.get_by_role("button", name="Kirim tautan").click()
        answers.append(person.page.inner_text("#reset-sent"))
    assert answers[0] == answers[1]
    outbox.send_due(database, smtp.settings)
    assert len(smtp.to(address("pengguna.bandung"))) == 1
    assert len(smtp.received) == 1


def test_changing_the_password_on_akun_ends_the_other_sessions_and_api_tokens(
        people: People, app: Flask) -> None:
    here = people.sign_in("helpdesk.lkpp")
    there = people.sign_in("helpdesk.lkpp")
    api = app.test_client()
    token = api.post("/api/v1/auth/token", json={"username": "helpdesk.lkpp",
                                                 "password": "eskalasi-demo"}).get_json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/me", headers=bearer).status_code == 200
    here.goto("/tugas")
    with here.page.expect_navigation(wait_until="domcontentloaded"):
        here.page.get_by_role("link", name="Akun").click()
    assert "Helpdesk LKPP" in here.page.inner_text("#account-facts")
    here.page.fill('[name="current_password"]', "eskalasi-demo")
    here.page.fill('[name="new_password"]', GOOD)
    here.page.fill('[name="new_password_again"]', GOOD)
    with here.page.expect_navigation(wait_until="domcontentloaded"):
        here.page.get_by_role("button", name="Ubah kata sandi").click()
    assert "Kata sandi diubah" in here.page.inner_text(".flash")
    assert api.get("/api/v1/me", headers=bearer).status_code == 401
    there.goto("/tugas")
    assert "/masuk" in there.page.url
    here.goto("/tugas")
    assert "/tugas" in here.page.url
