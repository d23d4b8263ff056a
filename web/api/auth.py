"""Bearer tokens: issued for a username and password, checked on every other request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, current_app, g, request
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

import engine
from web.api.inputs import json_object, texts
from web.api.problems import ApiProblem
from web.api.routing import is_public, public
from web.api.serialize import user_json
from web.context import database
from web.extensions import _

SALT = "api-token"

bp = Blueprint("auth", __name__)


def _serializer() -> URLSafeTimedSerializer:
    # The salt keeps tokens and session cookies (same key) from standing in for each other.
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _lifetime() -> int:
    return int(current_app.config["API_TOKEN_SECONDS"])


def issue(username: str) -> tuple[str, datetime]:
    """A token for the username (a signed secret of a new server-side session, which a
    sign-out, password change or deactivation ends), and when it stops being accepted."""
    secret, _ends = engine.start_session(database().uow(), username, engine.SessionKind.API,
                                         timedelta(seconds=_lifetime()))
    serializer = _serializer()
    token = serializer.dumps(secret)
    _secret, signed_at = serializer.loads(token, return_timestamp=True)
    return token, signed_at + timedelta(seconds=_lifetime())


def unauthorized(detail: str, error: str = "") -> ApiProblem:
    """401 with the challenge RFC 6750 asks for."""
    challenge = f'Bearer realm="eskalasi", error="{error}"' if error else "Bearer"
    return ApiProblem(401, detail, {"WWW-Authenticate": challenge})


def _bearer_user() -> engine.User:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("Send a token: Authorization: Bearer <token> "
                           "(POST /api/v1/auth/token gives one).")
    try:
        secret = _serializer().loads(token.strip(), max_age=_lifetime())
    except SignatureExpired:
        raise unauthorized(_("Token sudah kedaluwarsa; mintalah yang baru."),
                           "invalid_token") from None
    except BadData:
        secret = None
    try:
        user = (engine.session_user(database().uow(), secret, engine.SessionKind.API)
                if isinstance(secret, str) else None)
    except engine.NotFound:
        raise unauthorized(_("Pengguna token ini tidak lagi aktif."), "invalid_token") from None
    if user is None:  # never issued, or its session ended (sign-out, new password)
        raise unauthorized(_("Token tidak sah."), "invalid_token")
    g.api_secret = secret  # the session a password change keeps
    return user


def require_token() -> None:
    """Before every API request: who is calling (re-read, so deactivation takes effect)."""
    if is_public(request.endpoint):
        return
    g.api_user = _bearer_user()


def caller() -> engine.User:
    """The user whose token came with this request."""
    user: engine.User = g.api_user
    return user


def require(*roles: engine.Role) -> engine.User:
    """The caller, if they have one of these roles; 403 otherwise."""
    user = caller()
    if user.role not in roles:
        allowed = " or ".join(role.value for role in roles)
        raise ApiProblem(403, _("Hanya %(allowed)s yang dapat melakukan ini.", allowed=allowed))
    return user


@bp.post("/auth/token")
@public
def issue_token() -> dict[str, Any]:
    """Exchange a username and password for a bearer token."""
    body = json_object()
    username, password = texts(body, "username", "password")
    user = engine.authenticate(database().uow(), username, password,
                               client=request.remote_addr or "")
    if user is None:
        raise unauthorized(_("Nama pengguna atau kata sandi salah."))
    token, expires_at = issue(user.username)
    return {"token": token, "expires_at": expires_at.astimezone(UTC).isoformat(),
            "token_type": "Bearer"}


@bp.get("/me")
def me() -> dict[str, Any]:
    """Who the token belongs to."""
    return user_json(caller())


def _client() -> str:
    return request.remote_addr or ""


@bp.post("/auth/password-reset")
@public
def password_reset() -> tuple[dict[str, Any], int]:
    """Mail a password-reset link to the account with this address: 202 whether or not
    there is one."""
    (email,) = texts(json_object(), "email")
    engine.request_password_reset(database().uow(), email[:320], database().settings,
                                  client=_client())
    return {"detail": _("Jika alamat itu terdaftar pada akun yang aktif, tautan untuk "
                        "mengatur ulang kata sandi telah dikirim ke sana.")}, 202


@bp.post("/auth/password")
@public
def password_with_token() -> dict[str, Any]:
    """Set a password with a mailed token: 200; 410 used or expired; 422 weak."""
    token, password = texts(json_object(), "token", "password")
    username = engine.set_password_with_token(database().uow(), token[:200], password,
                                              client=_client())
    return {"username": username}


@bp.post("/me/password")
def own_password() -> dict[str, Any]:
    """Change the caller's password, given the current one; every other session and token
    of theirs ends (this token goes on)."""
    current, new = texts(json_object(), "current_password", "new_password")
    user = caller()
    engine.change_own_password(database().uow(), user.username, current[:1024], new,
                               keep=g.api_secret, client=_client())
    return {"username": user.username}
