"""Flask extensions, created unbound and bound to the app in `create_app`."""

from __future__ import annotations

from typing import Any

from flask import request, session
from flask_babel import Babel, gettext
from flask_login import LoginManager
from flask_wtf import CSRFProtect

LANGUAGES = ("id", "en")

csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()


def select_locale() -> str:
    """Indonesian unless the user switched to English (kept in the session), or an API
    client asks for English in Accept-Language."""
    chosen = session.get("lang")
    if chosen not in LANGUAGES and request.path.startswith("/api/"):
        chosen = request.accept_languages.best_match(LANGUAGES)
    return str(chosen) if chosen in LANGUAGES else "id"


def _(message: str, **variables: Any) -> str:
    """The message in the user's language (flask_babel's gettext, typed)."""
    return str(gettext(message, **variables))
