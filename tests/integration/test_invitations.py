"""Invitations and password resets in the engine: mailed single-use links that expire.

The mail goes through the outbox to a real SMTP server (aiosmtpd); the link is taken from
the delivered mail, as the person who receives it would.
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, inspect, select

import engine
from engine import Database, InvalidData, SessionKind, Settings
from engine.background import outbox
from engine.errors import Gone
from engine.people import invitations
from engine.persistence import repository
from engine.persistence.tables import OutboxRow, PasswordTokenRow
from tests.integration.migrations import move
from tests.integration.smtp import SmtpServer, address

GOOD = "kuda-lari-pagi-hijau"
BASE = Settings(base_url="https://eskalasi.example")
LINK = re.compile(r"https://eskalasi\.example/sandi/([A-Za-z0-9_-]+)")


def invite(database: Database, username: str, settings: Settings = BASE) -> None:
    with database.uow() as uow:
        user = repository.user_by_username(uow.session, username)
        assert user is not None
        invitations.send_invitation(uow.session, user, settings)
        uow.commit()


def token_in_mail(database: Database, smtp: SmtpServer, username: str) -> str:
    """Send the outbox and take the link's token from the newest mail to the user."""
    outbox.send_due(database, smtp.settings)
    mails = smtp.to(address(username))
    assert mails, f"no mail to {username}"
    found = LINK.search(mails[-1].body)
    assert found, mails[-1].body
    return found.group(1)


def outbox_count(database: Database) -> int:
    with database.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(OutboxRow)) or 0)


def test_an_invitation_mail_carries_a_link_that_sets_the_password_once(
        database: Database, with_emails: None, smtp: SmtpServer) -> None:
    invite(database, "pengguna.bandung")
    token = token_in_mail(database, smtp, "pengguna.bandung")
    [mail] = smtp.to(address("pengguna.bandung"))
    assert "Undangan" in mail.subject and "48 jam" in mail.body
    assert invitations.check_link(database.uow(), token).username == "pengguna.bandung"
    assert invitations.set_password_with_token(database.uow(), token, GOOD) == "pengguna.bandung"
    assert engine.authenticate(database.uow(), "pengguna.bandung", GOOD) is not None
    with pytest.raises(Gone) as gone:
        invitations.set_password_with_token(database.uow(), token, GOOD + "x")
    assert gone.value.message.code == "password_link_used"
    assert engine.authenticate(database.uow(), "pengguna.bandung", GOOD) is not None


def test_only_the_hash_of_a_token_is_stored(database: Database, with_emails: None,
                                            smtp: SmtpServer) -> None:
    invite(database, "pengguna.bandung")
    token = token_in_mail(database, smtp, "pengguna.bandung")
    with database.uow() as uow:
        ids = uow.session.scalars(select(PasswordTokenRow.id)).all()
    assert token not in ids and len(ids) == 1


def test_a_link_expires_after_48_hours_and_says_so(database: Database, with_emails: None,
                                                  smtp: SmtpServer) -> None:
    invite(database, "pengguna.bandung")
    token = token_in_mail(database, smtp, "pengguna.bandung")
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=47), tick=True):
        invitations.check_link(database.uow(), token)
    later = datetime.now(UTC) + timedelta(hours=48, minutes=1)
    with time_machine.travel(later, tick=True), pytest.raises(Gone) as gone:
        invitations.set_password_with_token(database.uow(), token, GOOD)
    assert gone.value.message.code == "password_link_expired"


def test_a_new_link_replaces_the_older_unused_one(database: Database, with_emails: None,
                                                 smtp: SmtpServer) -> None:
    invite(database, "pengguna.bandung")
    first = token_in_mail(database, smtp, "pengguna.bandung")
    invitations.request_password_reset(database.uow(), address("pengguna.bandung"), BASE)
    second = token_in_mail(database, smtp, "pengguna.bandung")
    assert first != second
    with pytest.raises(Gone):
        invitations.check_link(database.uow(), first)
    invitations.set_password_with_token(database.uow(), second, GOOD)


@pytest.mark.parametrize(("password", "words"), [
    ("pendek", "minimal 10 karakter"),
    ("password123", "mudah ditebak"),
    ("Pengguna.Bandung1", "nama, nama pengguna atau alamat email"),
    ("1234567890", "mudah ditebak"),
])
def test_a_weak_password_is_refused_on_its_field_and_the_link_stays_usable(
        database: Database, with_emails: None, smtp: SmtpServer, password: str,
        words: str) -> None:
    invite(database, "pengguna.bandung")
    token = token_in_mail(database, smtp, "pengguna.bandung")
    with pytest.raises(InvalidData) as refused:
        invitations.set_password_with_token(database.uow(), token, password)
    [message] = refused.value.errors["password"]
    assert words in message
    invitations.set_password_with_token(database.uow(), token, GOOD)


def test_a_reset_ends_every_session_and_api_token_of_the_account(
        database: Database, with_emails: None, smtp: SmtpServer) -> None:
    page, _ = engine.start_session(database.uow(), "admin.bandung", SessionKind.PAGE,
                                   timedelta(hours=1))
    api, _ = engine.start_session(database.uow(), "admin.bandung", SessionKind.API,
                                  timedelta(hours=1))
    invitations.request_password_reset(database.uow(), address("admin.bandung"), BASE)
    token = token_in_mail(database, smtp, "admin.bandung")
    [mail] = smtp.to(address("admin.bandung"))
    assert "Atur ulang kata sandi" in mail.subject
    invitations.set_password_with_token(database.uow(), token, GOOD)
    assert engine.session_user(database.uow(), page, SessionKind.PAGE) is None
    assert engine.session_user(database.uow(), api, SessionKind.API) is None


def test_a_reset_for_an_unknown_or_inactive_address_sends_nothing(
        database: Database, with_emails: None) -> None:
    invitations.request_password_reset(database.uow(), "nobody@lkpp.test", BASE)
    engine.deactivate_user(database.uow(), "pengguna.surabaya")
    invitations.request_password_reset(database.uow(), address("pengguna.surabaya"), BASE)
    assert outbox_count(database) == 0
    invitations.request_password_reset(database.uow(), address("Pengguna.Bandung").upper(), BASE)
    assert outbox_count(database) == 1


def test_an_account_gets_only_a_few_reset_mails_at_a_time(database: Database,
                                                          with_emails: None) -> None:
    for _ in range(invitations.MAX_RESET_MAILS + 3):
        invitations.request_password_reset(database.uow(), address("pengguna.bandung"), BASE)
    assert outbox_count(database) == invitations.MAX_RESET_MAILS


def test_one_address_asking_too_often_is_refused(database: Database) -> None:
    for _ in range(invitations.MAX_REQUESTS_PER_CLIENT):
        with pytest.raises(Gone):
            invitations.check_link(database.uow(), "guess", client="10.0.0.7")
    with pytest.raises(engine.TooManyAttempts):
        invitations.check_link(database.uow(), "guess", client="10.0.0.7")
    for _ in range(invitations.MAX_REQUESTS_PER_CLIENT):
        invitations.request_password_reset(database.uow(), "x@lkpp.test", BASE, client="10.0.0.9")
    with pytest.raises(engine.TooManyAttempts):
        invitations.request_password_reset(database.uow(), "x@lkpp.test", BASE, client="10.0.0.9")
    with pytest.raises(Gone):  # unknown tokens are counted apart
        invitations.check_link(database.uow(), "guess", client="10.0.0.9")
    invitations.request_password_reset(database.uow(), "x@lkpp.test", BASE, client="10.0.0.8")


def test_a_used_link_can_ask_for_a_new_one(database: Database, with_emails: None,
                                           smtp: SmtpServer) -> None:
    invite(database, "pengguna.bandung")
    token = token_in_mail(database, smtp, "pengguna.bandung")
    invitations.set_password_with_token(database.uow(), token, GOOD)
    invitations.resend_link(database.uow(), token, BASE)
    fresh = token_in_mail(database, smtp, "pengguna.bandung")
    assert fresh != token
    invitations.check_link(database.uow(), fresh)
    invitations.resend_link(database.uow(), "never-was", BASE)
    assert len(smtp.to(address("pengguna.bandung"))) == 2


def test_changing_ones_own_password_needs_the_current_one_and_keeps_this_session(
        database: Database) -> None:
    here, _ = engine.start_session(database.uow(), "auditor", SessionKind.PAGE,
                                   timedelta(hours=1))
    there, _ = engine.start_session(database.uow(), "auditor", SessionKind.API,
                                    timedelta(hours=1))
    with pytest.raises(InvalidData) as wrong:
        invitations.change_own_password(database.uow(), "auditor", "salah", GOOD, keep=here)
    assert wrong.value.errors == {"current_password": ["Kata sandi sekarang salah."]}
    with pytest.raises(InvalidData) as weak:
        invitations.change_own_password(database.uow(), "auditor", "eskalasi-demo", "auditor123",
                                   keep=here)
    assert list(weak.value.errors) == ["new_password"]
    assert engine.session_user(database.uow(), there, SessionKind.API) is not None
    invitations.change_own_password(database.uow(), "auditor", "eskalasi-demo", GOOD, keep=here)
    assert engine.session_user(database.uow(), here, SessionKind.PAGE) is not None
    assert engine.session_user(database.uow(), there, SessionKind.API) is None
    assert engine.authenticate(database.uow(), "auditor", GOOD) is not None



def test_migration_0015_goes_down_and_up_again(empty_database_url: str) -> None:
    def tables() -> list[str]:
        return inspect(database.engine).get_table_names()

    with Database(empty_database_url) as database:
        engine.init(database, demo=True)
        assert "password_tokens" in tables()
        move(database.engine, "0014")
        assert "password_tokens" not in tables()
        move(database.engine, "head")
        engine.request_password_reset(database.uow(), "nobody@lkpp.test", BASE)
        with database.uow() as uow:
            user = repository.user_by_username(uow.session, "pengguna.bandung")
            assert user is not None
            user.email = address("pengguna.bandung")
            uow.commit()
        invite(database, "pengguna.bandung")
        assert outbox_count(database) == 1


def test_two_people_racing_with_one_link_set_one_password(
        database: Database, with_emails: None, smtp: SmtpServer) -> None:
    invite(database, "pengguna.bandung")
    token = token_in_mail(database, smtp, "pengguna.bandung")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def set_password(password: str) -> None:
        barrier.wait()
        try:
            invitations.set_password_with_token(database.uow(), token, password)
            outcomes.append(password)
        except Gone:
            outcomes.append("gone")

    threads = [threading.Thread(target=set_password, args=(password,))
               for password in (GOOD, "sepeda-biru-malam-sunyi")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[0] == "gone" and len(outcomes) == 2, outcomes
    [winner] = [password for password in outcomes if password != "gone"]
    assert engine.authenticate(database.uow(), "pengguna.bandung", winner) is not None
