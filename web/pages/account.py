"""Passwords by mail and one's own account: /sandi/<token>, /lupa-sandi, /akun.

A mailed link sets a password once (an invitation or a reset); a used, replaced or expired
link says so and offers a new one by mail. Asking for a reset answers the same whether or
not the address is known. /akun shows the signed-in account and changes its password,
ending every other session and token of it.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

import engine
from web.context import actor, database
from web.extensions import _
from web.pages.common import Route, add_routes, page, signed_in
from web.pages.formatting import translated

MAX_TOKEN = 200
MAX_EMAIL = 320
MAX_PASSWORD = 1024
Errors = dict[str, list[str]]


def _client() -> str:
    return request.remote_addr or ""


def _too_many() -> ResponseReturnValue:
    return page("error.html", 429, code=429, title=_("Terlalu banyak permintaan"),
                message=_("Terlalu banyak permintaan dari alamat ini. Tunggu 15 menit, lalu "
                          "coba lagi."))


def _gone(token: str, error: engine.Gone) -> ResponseReturnValue:
    """A link that no longer works: why, and (for a real one) a button for a new one."""
    real = error.message.code != "password_link_unknown"
    return page("account/link_gone.html", 410, token=token, reason=translated(error.message),
                offer=real)


def _translated(errors: dict[str, list[str]]) -> Errors:
    return {field: [translated(message) for message in messages]
            for field, messages in errors.items()}


def _new_passwords(first: str, second: str, field: str) -> Errors:
    """The form's own checks before the engine's rules: typed twice, the same."""
    if first != second:
        return {f"{field}_again": [_("Kedua kata sandi tidak sama.")]}
    return {}


def set_password(token: str) -> ResponseReturnValue:
    """The page of a mailed link: choose a password (once), then sign in."""
    token = token[:MAX_TOKEN]
    try:
        link = engine.check_link(database().uow(), token, client=_client())
    except engine.Gone as error:
        return _gone(token, error)
    except engine.TooManyAttempts:
        return _too_many()
    if request.method == "GET":
        return page("account/set_password.html", link=link, token=token, errors={})
    password = request.form.get("password", "")[:MAX_PASSWORD]
    errors = _new_passwords(password, request.form.get("password_again", "")[:MAX_PASSWORD],
                            "password")
    if not errors:
        try:
            engine.set_password_with_token(database().uow(), token, password, client=_client())
        except engine.Gone as error:
            return _gone(token, error)
        except engine.InvalidData as error:
            errors = _translated(error.errors)
        else:
            flash(_("Kata sandi tersimpan. Silakan masuk dengan kata sandi baru."), "info")
            return redirect(url_for(".sign_in"))
    return page("account/set_password.html", 422, link=link, token=token, errors=errors)


def new_link(token: str) -> ResponseReturnValue:
    """The offer of a used or expired link: mail a new one to that account."""
    try:
        engine.resend_link(database().uow(), token[:MAX_TOKEN], database().settings,
                           client=_client())
    except engine.TooManyAttempts:
        return _too_many()
    return page("account/link_sent.html")


def forgot_password() -> ResponseReturnValue:
    """Ask for a reset link by email; the same answer whether the address is known."""
    if request.method == "GET":
        return page("account/forgot_password.html", email="", errors={}, sent=False)
    email = request.form.get("email", "").strip()[:MAX_EMAIL]
    if not email:
        return page("account/forgot_password.html", 422, email=email, sent=False,
                    errors={"email": [_("Wajib diisi.")]})
    try:
        engine.request_password_reset(database().uow(), email, database().settings,
                                      client=_client())
    except engine.TooManyAttempts:
        return _too_many()
    return page("account/forgot_password.html", email=email, errors={}, sent=True)


@signed_in
def account() -> ResponseReturnValue:
    """The signed-in account; change its password with the current one."""
    user = actor()
    if request.method == "GET":
        return page("account/account.html", user=user, errors={})
    current = request.form.get("current_password", "")[:MAX_PASSWORD]
    new = request.form.get("new_password", "")[:MAX_PASSWORD]
    errors = _new_passwords(new, request.form.get("new_password_again", "")[:MAX_PASSWORD],
                            "new_password")
    if not current:
        errors["current_password"] = [_("Wajib diisi.")]
    if not errors:
        try:
            engine.change_own_password(database().uow(), user.username, current, new,
                                       keep=current_user.get_id(), client=_client())
        except engine.InvalidData as error:
            errors = _translated(error.errors)
        except engine.TooManyAttempts:
            errors = {"current_password": [_("Terlalu banyak percobaan yang gagal. Coba lagi "
                                             "dalam 15 menit.")]}
        else:
            flash(_("Kata sandi diubah. Sesi dan token Anda yang lain telah diakhiri."), "info")
            return redirect(url_for(".account"))
    return page("account/account.html", 422, user=user, errors=errors)


ROUTES: tuple[Route, ...] = (
    ("/sandi/<token>", "set_password", set_password, ("GET", "POST")),
    ("/sandi/<token>/baru", "new_link", new_link, ("POST",)),
    ("/lupa-sandi", "forgot_password", forgot_password, ("GET", "POST")),
    ("/akun", "account", account, ("GET", "POST")),
)


def register(bp: Blueprint) -> None:
    """Add the password and account pages to the pages blueprint."""
    add_routes(bp, ROUTES)
