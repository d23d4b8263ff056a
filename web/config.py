"""Settings: defaults, the environment (CONTRACT.md), and the test overrides."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from engine import Database

SECRET_KEY_VARIABLE = "ESKALASI_SECRET_KEY"  # noqa: S105 - a variable name
DATABASE_EXTENSION = "eskalasi.database"


def development_secret_key(instance: Path) -> str:
    """The key in `instance/secret_key`, generated once for development."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def configure(app: Flask, overrides: Mapping[str, Any]) -> None:
    """Apply defaults, then overrides; open the database the app works on."""
    app.config.from_mapping(
        DATABASE_URL=None,               # None: ESKALASI_DATABASE_URL or instance/ SQLite
        ATTACHMENTS_DIR=None,            # None: ESKALASI_ATTACHMENTS_DIR or instance/attachments
        DEVELOPMENT=False,               # `eskalasi serve` sets it; cookies are Secure otherwise
        MAX_CONTENT_LENGTH=110 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        BABEL_DEFAULT_LOCALE="id",
        BABEL_DEFAULT_TIMEZONE="Asia/Jakarta",
        API_TOKEN_SECONDS=8 * 3600,
    )
    app.config.update(overrides)
    secure = not (app.config["DEVELOPMENT"] or app.config.get("TESTING"))
    app.config.setdefault("SESSION_COOKIE_SECURE", secure)
    app.config.setdefault("REMEMBER_COOKIE_SECURE", secure)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = (os.environ.get(SECRET_KEY_VARIABLE)
                                    or development_secret_key(Path(app.instance_path)))
    attachments = app.config["ATTACHMENTS_DIR"]
    app.extensions[DATABASE_EXTENSION] = Database(
        app.config["DATABASE_URL"], Path(attachments) if attachments else None)
