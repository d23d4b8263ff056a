"""Mailed links that set a password: invitations to new accounts and password resets.

A link carries a random token, `{base_url}/sandi/{token}`; only its SHA-256 is stored
(`password_tokens`), with its purpose, when it expires (48 h) and when it was used. A link
works once; a newer link of the same account replaces the older unused ones; setting or
changing the password ends every other session, API token and link of that account.

Asking for a reset answers the same whether or not the address is known. Requests and
wrong tokens are counted per client address (the sign-in attempts' table, own keys), and
an account gets at most a few reset mails per window, so neither mail nor guessing floods.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from engine.errors import Gone, InvalidData, NotFound, TooManyAttempts
from engine.messages import Message
from engine.people.accounts import authenticate
from engine.people.password_rules import password_problems
from engine.people.passwords import hash_password
from engine.persistence import repository
from engine.persistence.tables import (
    OutboxRow,
    PasswordTokenRow,
    SignInAttemptRow,
    UserRow,
    UserSessionRow,
)
from engine.persistence.unit_of_work import UnitOfWork
from engine.settings import Settings

TOKEN_LIFETIME = timedelta(hours=48)
WINDOW = timedelta(minutes=15)
# Reset mails to one account per window; further requests are dropped without a word.
MAX_RESET_MAILS = 3
# Reset requests (and, counted apart, unknown tokens) from one client address per window
# before it is refused: generous, as a whole LPSE office may share one address; the mail
# itself is limited per account, and a 256-bit token is not guessed.
MAX_REQUESTS_PER_CLIENT = 100
SIGNATURE = "--\nEskalasi LPSE Support\nPesan ini dikirim otomatis; mohon tidak dibalas."


class TokenPurpose(StrEnum):
    """Why a link was mailed."""

    INVITATION = "invitation"
    RESET = "reset"


@dataclass(frozen=True)
class PasswordLink:
    """A live link: whose account it sets the password of, and why it was sent."""

    username: str
    full_name: str
    purpose: TokenPurpose


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


class _Counted(StrEnum):
    RESET = "reset"
    LINK = "link"


def _count_client(session: Session, kind: _Counted, client: str, now: datetime) -> None:
    """Count one request (or unknown token) of this client; refuse it beyond the limit."""
    key = f"{kind}:" + hashlib.sha256(client.encode("utf-8", "replace")).hexdigest()
    since = now - WINDOW
    count = session.scalar(select(func.count()).select_from(SignInAttemptRow).where(
        SignInAttemptRow.key == key, SignInAttemptRow.at >= since)) or 0
    if count >= MAX_REQUESTS_PER_CLIENT:
        raise TooManyAttempts(Message("too_many_password_requests"))
    session.add(SignInAttemptRow(key=key, at=now))


def _supersede(session: Session, user_id: int, now: datetime) -> None:
    """The account's unused links stop working (marked used now)."""
    session.execute(update(PasswordTokenRow).where(
        PasswordTokenRow.user_id == user_id, PasswordTokenRow.used_at.is_(None))
        .values(used_at=now))


def _issue(session: Session, user: UserRow, purpose: TokenPurpose, now: datetime) -> str:
    _supersede(session, user.id, now)
    token = secrets.token_urlsafe(32)
    session.add(PasswordTokenRow(id=_digest(token), user_id=user.id, purpose=purpose.value,
                                 created_at=now, expires_at=now + TOKEN_LIFETIME))
    return token


def link_of(token: str, settings: Settings) -> str:
    """The link a mail carries for `token` (absolute with ESKALASI_BASE_URL)."""
    return f"{settings.base_url.rstrip('/')}/sandi/{token}"


def _mail(session: Session, recipient: str, subject: str, body: str, now: datetime) -> None:
    session.execute(insert(OutboxRow), [{
        "notification_id": None, "recipient": recipient, "subject": subject,
        "body": f"{body}\n\n{SIGNATURE}\n", "created_at": now, "next_attempt_at": now,
        "attempts": 0}])


def send_invitation(session: Session, user: UserRow, settings: Settings) -> None:
    """Mail the user an invitation with a single-use link that sets their password, in the
    caller's transaction (nothing without an email address)."""
    if not user.email:
        return
    now = datetime.now(UTC)
    session.flush()  # a new account needs its id for the token
    link = link_of(_issue(session, user, TokenPurpose.INVITATION, now), settings)
    _mail(session, user.email, INVITATION_SUBJECT, _invitation_body(user, link), now)


INVITATION_SUBJECT = "Undangan: akun Eskalasi LPSE Support"


def _invitation_body(user: UserRow, link: str) -> str:
    return (f"Yth. {user.full_name},\n\n"
            f"Akun Anda di Eskalasi LPSE Support telah dibuat dengan nama pengguna "
            f"{user.username}. Buat kata sandi Anda melalui tautan berikut:\n\n{link}\n\n"
            f"Tautan ini hanya dapat dipakai sekali dan berlaku 48 jam. Jika sudah "
            f"kedaluwarsa, buka tautan itu dan minta tautan baru.")


def send_invitations(session: Session, users: Sequence[UserRow], settings: Settings) -> int:
    """Invite many new accounts at once (an import), in the caller's transaction: the same
    token and mail as `send_invitation`, written with one multi-row INSERT each. The accounts
    are new (stored, with ids), so there is no earlier link to replace. How many were
    invited (those with an email address)."""
    now = datetime.now(UTC)
    tokens: list[dict[str, object]] = []
    mails: list[dict[str, object]] = []
    for user in users:
        if not user.email:
            continue
        token = secrets.token_urlsafe(32)
        tokens.append({"id": _digest(token), "user_id": user.id,
                       "purpose": TokenPurpose.INVITATION.value, "created_at": now,
                       "expires_at": now + TOKEN_LIFETIME, "used_at": None})
        mails.append({"notification_id": None, "recipient": user.email,
                      "subject": INVITATION_SUBJECT,
                      "body": f"{_invitation_body(user, link_of(token, settings))}\n\n"
                              f"{SIGNATURE}\n",
                      "created_at": now, "next_attempt_at": now, "attempts": 0})
    for start in range(0, len(tokens), 1000):
        session.connection().execute(insert(PasswordTokenRow), tokens[start:start + 1000])
        session.connection().execute(insert(OutboxRow), mails[start:start + 1000])
    return len(tokens)


def _send_reset(session: Session, user: UserRow, settings: Settings, now: datetime) -> None:
    if not user.email or not user.active:
        return
    sent = session.scalar(select(func.count()).select_from(PasswordTokenRow).where(
        PasswordTokenRow.user_id == user.id, PasswordTokenRow.purpose == TokenPurpose.RESET,
        PasswordTokenRow.created_at >= now - WINDOW)) or 0
    if sent >= MAX_RESET_MAILS:
        return
    link = link_of(_issue(session, user, TokenPurpose.RESET, now), settings)
    _mail(session, user.email, "Atur ulang kata sandi Eskalasi LPSE Support", (
        f"Yth. {user.full_name},\n\n"
        f"Ada permintaan untuk mengatur ulang kata sandi akun {user.username}. Atur ulang "
        f"kata sandi Anda melalui tautan berikut:\n\n{link}\n\n"
        f"Tautan ini hanya dapat dipakai sekali dan berlaku 48 jam. Jika Anda tidak "
        f"memintanya, abaikan pesan ini; kata sandi Anda tidak berubah."), now)


def request_password_reset(uow: UnitOfWork, email: str, settings: Settings,
                           client: str = "") -> None:
    """Mail a reset link to each active account with this address; nothing visible when
    there is none. TooManyAttempts when this client asked too often."""
    address = email.strip().lower()
    now = datetime.now(UTC)
    with uow:
        session = uow.session
        _count_client(session, _Counted.RESET, client, now)
        users = [] if not address or "\x00" in address else session.scalars(
            select(UserRow).where(func.lower(UserRow.email) == address, UserRow.active)
            .order_by(UserRow.id)).all()
        for user in users:
            _send_reset(session, user, settings, now)
        uow.commit()


def _token_row(session: Session, token: str, client: str,
               now: datetime) -> tuple[PasswordTokenRow, UserRow] | None:
    row = session.get(PasswordTokenRow, _digest(token))
    user = session.get(UserRow, row.user_id) if row is not None else None
    if row is None or user is None:
        _count_client(session, _Counted.LINK, client, now)
        return None
    return row, user


def _live(found: tuple[PasswordTokenRow, UserRow] | None, now: datetime) -> UserRow:
    """The account of a link that still works; Gone saying why otherwise."""
    if found is None:
        raise Gone(Message("password_link_unknown"))
    row, user = found
    if row.used_at is not None or not user.active:
        raise Gone(Message("password_link_used"))
    if row.expires_at <= now:
        raise Gone(Message("password_link_expired"))
    return user


def check_link(uow: UnitOfWork, token: str, client: str = "") -> PasswordLink:
    """Whose password this mailed link sets; Gone when it was used, replaced, expired or
    never was (an unknown token counts against the client)."""
    now = datetime.now(UTC)
    with uow:
        found = _token_row(uow.session, token, client, now)
        if found is None:
            uow.commit()  # the counted attempt
        user = _live(found, now)
        assert found is not None
        return PasswordLink(username=user.username, full_name=user.full_name,
                            purpose=TokenPurpose(found[0].purpose))


def _refuse_weak(password: str, user: UserRow, field: str) -> None:
    problems = password_problems(password, (user.username, user.full_name, user.email))
    if problems:
        raise InvalidData({field: problems})


def _set_password(session: Session, user: UserRow, password: str, now: datetime,
                  keep: str | None) -> None:
    """The new hash; every other session and token, and every unused link, ends."""
    user.password_hash = hash_password(password)
    # The same statement as engine.people.sessions.change_password, in this transaction.
    ending = delete(UserSessionRow).where(UserSessionRow.user_id == user.id)
    if keep is not None:
        ending = ending.where(UserSessionRow.id != hashlib.sha256(
            keep.encode("utf-8", "replace")).hexdigest())
    session.execute(ending)
    _supersede(session, user.id, now)


def set_password_with_token(uow: UnitOfWork, token: str, password: str,
                            client: str = "") -> str:
    """Set the password of the link's account and use the link up; the username.

    Gone when the link was used, replaced or expired; InvalidData on `password` when it is
    too short or easy to guess (the link stays usable). Every session of the account ends.
    """
    now = datetime.now(UTC)
    with uow:
        session = uow.session
        found = _token_row(session, token, client, now)
        if found is None:
            uow.commit()
        user = _live(found, now)
        _refuse_weak(password, user, "password")
        # Used once even when two requests race: only one UPDATE finds it unused.
        claimed = session.execute(update(PasswordTokenRow).where(
            PasswordTokenRow.id == _digest(token), PasswordTokenRow.used_at.is_(None))
            .values(used_at=now)).rowcount  # type: ignore[attr-defined]
        if claimed != 1:
            raise Gone(Message("password_link_used"))
        _set_password(session, user, password, now, keep=None)
        uow.commit()
        return user.username


def resend_link(uow: UnitOfWork, token: str, settings: Settings, client: str = "") -> None:
    """Mail a new reset link to the account of a used or expired link (the offer on its
    page); nothing visible when the link never was or the account is inactive."""
    now = datetime.now(UTC)
    with uow:
        session = uow.session
        found = _token_row(session, token, client, now)
        if found is not None:
            _count_client(session, _Counted.RESET, client, now)
            _send_reset(session, found[1], settings, now)
        uow.commit()


def change_own_password(uow: UnitOfWork, username: str, current_password: str,
                        new_password: str, keep: str | None, client: str = "") -> None:
    """The signed-in user's new password, given the current one; every other session and
    token (all but `keep`) and every unused link ends.

    InvalidData on `current_password` when it is wrong (counted as a failed sign-in) and on
    `new_password` when the new one is too weak.
    """
    if authenticate(uow, username, current_password, client) is None:
        raise InvalidData({"current_password": [Message("current_password_wrong")]})
    now = datetime.now(UTC)
    with uow:
        session = uow.session
        user = repository.user_by_username(session, username)
        if user is None or not user.active:
            raise NotFound(Message("user_not_found", username=username))
        _refuse_weak(new_password, user, "new_password")
        _set_password(session, user, new_password, now, keep)
        uow.commit()
