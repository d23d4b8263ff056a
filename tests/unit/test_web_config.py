"""Web settings: the development secret key and cookie flags."""

from __future__ import annotations

import threading
from pathlib import Path

from web import create_app
from web.config import DATABASE_EXTENSION, development_secret_key


def test_workers_starting_together_share_one_development_key(tmp_path: Path) -> None:
    keys: list[str] = []
    barrier = threading.Barrier(8)

    def start() -> None:
        barrier.wait()
        keys.append(development_secret_key(tmp_path / "instance"))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1 and len(keys[0]) > 40


def test_cookies_are_secure_outside_development(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    production = create_app({"DATABASE_URL": url, "SECRET_KEY": "k"})
    development = create_app({"DATABASE_URL": url, "SECRET_KEY": "k", "DEVELOPMENT": True})
    try:
        assert production.config["SESSION_COOKIE_SECURE"] is True
        assert production.config["SESSION_COOKIE_HTTPONLY"] is True
        assert production.config["SESSION_COOKIE_SAMESITE"] == "Lax"
        assert development.config["SESSION_COOKIE_SECURE"] is False
    finally:
        for app in (production, development):
            app.extensions[DATABASE_EXTENSION].dispose()
