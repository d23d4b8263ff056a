"""The Flask config: defaults, the engine's settings (CONTRACT.md), and the test overrides."""

from __future__ import annotations

import dataclasses
import os
import secrets
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from engine import DEFAULT_TIMEZONE, Database, Settings

DATABASE_EXTENSION = "eskalasi.database"


def development_secret_key(instance: Path) -> str:
    """The key in `instance/secret_key`, generated once for development.

    Several gunicorn workers may start at once: the first to create the file wins
    (exclusive create), the others read its key, so all sign with the same one.
    """
    path = instance / "secret_key"
    instance.mkdir(parents=True, exist_ok=True)
    try:
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
            out.write(secrets.token_urlsafe(48))
    except FileExistsError:
        pass
    for _ in range(50):  # the winner may still be writing
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)
    raise RuntimeError(f"{path} is empty; delete it or set ESKALASI_SECRET_KEY")


def configure(app: Flask, overrides: Mapping[str, Any], settings: Settings) -> None:
    """Apply defaults and `settings`, then overrides; open the database the app works on."""
    app.config.from_mapping(
        DATABASE_URL=settings.database_url or None,   # None: instance/ SQLite
        ATTACHMENTS_DIR=settings.attachments_dir,     # None: instance/attachments
        SECRET_KEY=settings.secret_key or None,       # None: generated into instance/
        DEVELOPMENT=False,               # `eskalasi serve` sets it; cookies are Secure otherwise
        MAX_CONTENT_LENGTH=110 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        BABEL_DEFAULT_LOCALE="id",
        BABEL_DEFAULT_TIMEZONE=DEFAULT_TIMEZONE,
        API_TOKEN_SECONDS=8 * 3600,
    )
    app.config.update(overrides)
    secure = not (app.config["DEVELOPMENT"] or app.config.get("TESTING"))
    for flag in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        app.config[flag] = overrides.get(flag, secure)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = development_secret_key(Path(app.instance_path))
    attachments = app.config["ATTACHMENTS_DIR"]
    settings = dataclasses.replace(
        settings, database_url=app.config["DATABASE_URL"] or "",
        attachments_dir=Path(attachments) if attachments else None,
        secret_key=app.config["SECRET_KEY"])
    app.config["SETTINGS"] = settings
    app.extensions[DATABASE_EXTENSION] = Database(settings)
