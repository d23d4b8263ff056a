"""The web app: built by `create_app()`, nothing at import time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_babel import get_locale, lazy_gettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

import engine
from web import api, audit, knowledge, notifications, pages, people, process
from web.config import configure
from web.converters import CONVERTERS, refuse_odd_query
from web.extensions import LANGUAGES, babel, csrf, login_manager, select_locale
from web.pages import auth, errors
from web.pages.common import here
from web.pages.formatting import FILTERS
from web.security import add_security_headers


def create_app(config: Mapping[str, Any] | None = None,
               settings: engine.Settings | None = None) -> Flask:
    """Build the Flask app on `settings` (default: the environment's, built here once);
    `config` overrides them (tests pass their database)."""
    settings = settings or engine.Settings.from_environment()
    app = Flask(__name__, instance_path=str(settings.instance))
    app.url_map.converters.update(CONVERTERS)  # `<id:...>` before any route uses it
    configure(app, config or {}, settings)
    csrf.init_app(app)
    login_manager.init_app(app)
    _set_up_sign_in()
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(FILTERS)
    app.context_processor(_page_context)
    for status in errors.STATUSES:
        app.register_error_handler(status, errors.http_error)
    app.register_error_handler(CSRFError, errors.csrf_error)
    app.register_blueprint(pages.bp)
    app.register_blueprint(process.bp)
    app.register_blueprint(notifications.bp)
    app.register_blueprint(audit.bp)
    people.register(app)
    knowledge.register(app)  # Basis Pengetahuan (issue 17)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    csrf.exempt(api.bp)  # the API takes bearer tokens, never cookies
    app.before_request(refuse_odd_query)
    app.after_request(add_security_headers)
    if settings.trusted_proxies:  # the client address is what the proxies saw
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)  # type: ignore[method-assign]
    return app


def _set_up_sign_in() -> None:
    """Sign-in through Flask-Login: who a session is, and where the signed-out are sent."""
    login_manager.user_loader(auth.load_user)
    login_manager.login_view = "pages.sign_in"
    login_manager.login_message = lazy_gettext("Silakan masuk terlebih dahulu.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = str  # the message in the language of the request


def _viewer() -> engine.User | None:
    """The signed-in user for the page header; None when signed out or not knowable."""
    try:
        if current_user.is_authenticated:
            return current_user.user  # type: ignore[no-any-return]
    except (HTTPException, engine.EskalasiError):
        pass
    return None


def _page_context() -> dict[str, Any]:
    """What every page's layout shows: who is signed in, the language, the unread count."""
    return {"viewer": _viewer(), "locale": str(get_locale() or "id"), "languages": LANGUAGES,
            "here": here(), "unread_notifications": notifications.unread_notifications}
