"""Signing in and out, the start page, and the language switch."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user

import engine
from web.context import SignedIn, database
from web.extensions import LANGUAGES, _
from web.pages.common import page, safe_next

# A page session ends at sign-out, or this long after sign-in (`PAGE_SESSION_SECONDS`).
PAGE_SESSION_SECONDS = 12 * 3600


def load_user(secret: str) -> SignedIn | None:
    """Flask-Login's user loader: the user of the session's server-side record, while it
    lives (not signed out, not ended by a password change or deactivation, not expired)."""
    if g.get("storage_unavailable"):
        return None  # the 503 page is drawn for a signed-out visitor
    try:
        user = engine.session_user(database().uow(), secret, engine.SessionKind.PAGE)
    except engine.NotFound:
        return None
    except engine.StorageUnavailable:
        # Drawing the 503 page asks for the user again (Flask-Login's template context):
        # that second time must not raise, or the outage becomes a 500.
        g.storage_unavailable = True
        raise
    return SignedIn(user, secret) if user is not None else None


def _restart_session() -> None:
    """A fresh session on signing in or out; only the chosen language survives."""
    language = session.get("lang")
    session.clear()
    if language in LANGUAGES:
        session["lang"] = language


# Where each role starts; everyone else starts in the inbox.
_HOMES = {engine.Role.PROCESS_OWNER: "process.index", engine.Role.AUDITOR: "audit.search",
          engine.Role.ADMINISTRATOR: "people.accounts"}


def home(user: engine.User) -> str:
    """The user's start page: the process area, the audit area, or the inbox."""
    return url_for(_HOMES.get(user.role, "pages.inbox"))


def index() -> ResponseReturnValue:
    """The start page: the user's home, or the sign-in form."""
    if current_user.is_authenticated:
        return redirect(home(current_user.user))
    return redirect(url_for(".sign_in"))


def sign_in() -> ResponseReturnValue:
    """The sign-in form; a success goes to a safe `next`, else to the user's home."""
    target = safe_next(request.values.get("next"), "")
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(target or home(current_user.user))
        return page("sign_in.html", next=target)
    username = request.form.get("username", "").strip()[:150]
    password = request.form.get("password", "")[:1024]
    try:
        user = engine.authenticate(database().uow(), username, password,
                                   client=request.remote_addr or "")
    except engine.TooManyAttempts:
        return page("sign_in.html", 429, next=target, username=username,
                    error=_("Terlalu banyak percobaan masuk gagal. Coba lagi dalam 15 menit."))
    if user is None:
        return page("sign_in.html", 200, next=target, username=username,
                    error=_("Nama pengguna atau kata sandi salah."))
    return begin_page_session(user, target)


def begin_page_session(user: engine.User, target: str) -> ResponseReturnValue:
    """Sign `user` in (a new server-side page session) and go to `target` or their home;
    after a password or after single sign-on (web/pages/sso.py)."""
    lifetime = timedelta(seconds=current_app.config.get("PAGE_SESSION_SECONDS",
                                                        PAGE_SESSION_SECONDS))
    secret, _expires = engine.start_session(database().uow(), user.username,
                                            engine.SessionKind.PAGE, lifetime)
    _restart_session()
    login_user(SignedIn(user, secret))
    return redirect(target or home(user))


def sign_out() -> ResponseReturnValue:
    """Sign out (POST with the CSRF token), ending the session on the server too, and go
    back to the sign-in form."""
    if current_user.is_authenticated:
        engine.end_session(database().uow(), current_user.get_id())
    logout_user()
    _restart_session()
    flash(_("Anda telah keluar."), "info")
    return redirect(url_for(".sign_in"))


def switch_language() -> ResponseReturnValue:
    """Remember the chosen language (id or en) and go back where the user was."""
    language = request.form.get("lang", "")
    if language in LANGUAGES:
        session["lang"] = language
    return redirect(safe_next(request.form.get("next"), url_for(".index")))
