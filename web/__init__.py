"""The web app: built by `create_app()`, nothing at import time."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from web import api, audit, changes, notifications, pages, process
from web.config import configure
from web.extensions import babel, csrf, login_manager, select_locale
from web.security import add_security_headers


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app; `config` overrides the settings (tests pass their database)."""
    app = Flask(__name__, instance_path=str(Path.cwd() / "instance"))
    configure(app, config or {})
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(pages.bp)
    app.register_blueprint(process.bp)
    app.register_blueprint(notifications.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(changes.bp)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    csrf.exempt(api.bp)  # the API takes bearer tokens, never cookies
    app.after_request(add_security_headers)
    return app
