"""Single sign-on through the organisation's OpenID Connect provider (ESKALASI_OIDC_*).

Authlib's Flask client does the protocol: discovery from the issuer, the authorization code
flow with state, nonce and PKCE (S256), and the id_token's signature, issuer, audience,
nonce and expiry checked against the provider's keys. The engine then finds the account by
the email the provider verified. Without the settings there is no client: no button, and
both routes answer 404.
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, abort, current_app, request, session, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_login import current_user
from joserfc.errors import JoseError

import engine
from web.context import database
from web.extensions import _
from web.pages import auth
from web.pages.common import page, safe_next
from web.pages.formatting import translated

CLIENT_EXTENSION = "eskalasi.oidc"
SCOPE = "openid email profile"
PROVIDER_TIMEOUT_SECONDS = 10
_NEXT = "sso_next"  # where to go after signing in, kept in the session across the trip


def set_up(state: BlueprintSetupState) -> None:
    """Register the provider's client on the app when ESKALASI_OIDC_* are set."""
    app = cast(Flask, state.app)
    app.jinja_env.globals["sso_provider_name"] = provider_name  # partials/sso_button.html
    settings: engine.Settings = app.config["SETTINGS"]
    if not settings.single_sign_on():
        return
    oauth = OAuth(app)
    client = oauth.register(
        "eskalasi_oidc", client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=f"{settings.oidc_issuer.rstrip('/')}/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256",
                       "default_timeout": PROVIDER_TIMEOUT_SECONDS})
    app.extensions[CLIENT_EXTENSION] = client


def provider_name() -> str | None:
    """The provider's name for the sign-in button; None when single sign-on is off."""
    if CLIENT_EXTENSION not in current_app.extensions:
        return None
    settings: engine.Settings = current_app.config["SETTINGS"]
    return settings.oidc_name or urlsplit(settings.oidc_issuer).hostname or settings.oidc_issuer


def _client() -> Any:
    client = current_app.extensions.get(CLIENT_EXTENSION)
    if client is None:
        abort(404)
    return client


def _callback_url() -> str:
    settings: engine.Settings = current_app.config["SETTINGS"]
    if settings.base_url:  # behind a proxy the request's own host may not be the public one
        return settings.base_url + url_for("pages.sso_callback")
    return url_for("pages.sso_callback", _external=True)


def _refused(message: str, status: int) -> ResponseReturnValue:
    return page("sign_in.html", status, next="", error=message)


def start() -> ResponseReturnValue:
    """Go to the provider's sign-in page (the link on the sign-in form)."""
    client = _client()
    if current_user.is_authenticated:
        return auth.index()
    session[_NEXT] = safe_next(request.args.get("next"), "")
    try:
        return client.authorize_redirect(_callback_url())  # type: ignore[no-any-return]
    except (requests.RequestException, AuthlibBaseError, ValueError):
        return _refused(_unreachable(), 502)


def _unreachable() -> str:
    return _("Penyedia masuk tunggal tidak dapat dihubungi. Coba lagi nanti, atau masuk dengan "
             "kata sandi.")


def _claims(client: Any) -> dict[str, Any] | tuple[str, int]:
    """The verified id_token's claims, or the message and status of why there are none."""
    try:
        token = client.authorize_access_token()
    except MismatchingStateError:
        return _("Sesi masuk tunggal kedaluwarsa atau tidak sah. Silakan coba lagi."), 400
    except OAuthError as error:
        if error.error == "access_denied":
            return _("Masuk melalui penyedia dibatalkan."), 400
        return _("Penyedia masuk tunggal menolak permintaan masuk (%(error)s). Silakan coba "
                 "lagi.", error=str(error.error or "?")[:100]), 400
    except requests.RequestException:
        return _unreachable(), 502
    except (AuthlibBaseError, JoseError, ValueError, KeyError):
        return _("Tanda masuk dari penyedia tidak sah. Silakan coba lagi."), 400
    claims = token.get("userinfo") if isinstance(token, dict) else None
    if not claims:  # no id_token came back: nobody has been vouched for
        return _("Tanda masuk dari penyedia tidak sah. Silakan coba lagi."), 400
    return dict(claims)


def callback() -> ResponseReturnValue:
    """Where the provider sends the person back: sign in the account of their verified
    email, or say on the sign-in page why not."""
    client = _client()
    target = safe_next(session.pop(_NEXT, ""), "")
    claims = _claims(client)
    if isinstance(claims, tuple):
        return _refused(*claims)
    try:
        user = engine.user_for_verified_email(database().uow(), claims.get("email"),
                                              claims.get("email_verified"))
    except (engine.NotFound, engine.Forbidden) as error:
        return _refused(translated(error.message), 403)
    return auth.begin_page_session(user, target)
