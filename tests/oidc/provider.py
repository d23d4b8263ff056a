"""A real OpenID Connect provider for the tests: `node tests/oidc/provider.mjs` (the npm
package oidc-provider) on a loopback port, and the app set up to sign in through it.

The app and the provider each need the other's address: the provider's port is chosen
first and given to the app's settings (the app asks the provider nothing until someone
presses the button), then the provider starts with the live server's callback URL.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

import engine
from engine.persistence.tables import UserRow
from tests.integration.smtp import free_port
from web import create_app

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "provider.mjs"
CLIENT_ID = "eskalasi-uji"
CLIENT_SECRET = "rahasia-klien-uji-yang-cukup-panjang-0123456789"
PROVIDER_NAME = "SSO LKPP"
CALLBACK = "/masuk/sso/kembali"

# The provider's people (its dev login page takes the login and any password), by login.
ACCOUNTS: dict[str, dict[str, Any]] = {
    # Matches helpdesk.lkpp, whose address is stored in lower case.
    "helpdesk": {"email": "Helpdesk.LKPP@lkpp.test", "email_verified": True,
                 "name": "Helpdesk LKPP"},
    "orang-luar": {"email": "orang.luar@contoh.test", "email_verified": True,
                   "name": "Orang Luar"},
    "belum-verifikasi": {"email": "admin.bandung@lkpp.test", "email_verified": False,
                         "name": "Admin Bandung"},
    "auditor": {"email": "auditor@lkpp.test", "email_verified": True, "name": "Auditor"},
}
EMAILS = {"helpdesk.lkpp": "helpdesk.lkpp@lkpp.test", "admin.bandung": "admin.bandung@lkpp.test",
          "auditor": "auditor@lkpp.test"}
_SSO_LINK = re.compile(r'id="sso-sign-in"[^>]*href="([^"]+)"')
_FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')


@dataclass
class Provider:
    """oidc-provider running as a child process; `stop()` ends it (and only it)."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, redirect_uri: str) -> None:
        node = shutil.which("node")
        if node is None:
            pytest.skip("node is not installed")
        environment = {**os.environ, "OIDC_CLIENT_ID": CLIENT_ID,
                       "OIDC_CLIENT_SECRET": CLIENT_SECRET, "OIDC_ACCOUNTS": json.dumps(ACCOUNTS)}
        self.process = subprocess.Popen(
            [node, str(SCRIPT), str(self.port), redirect_uri], cwd=HERE.parents[1],
            env=environment, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # "ready", or "" when it died
        if line.strip() != "ready":
            self.stop()
            raise RuntimeError(f"oidc-provider did not start: {line!r}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None


def settings_for(provider: Provider) -> engine.Settings:
    """The app's settings with ESKALASI_OIDC_* naming this provider."""
    return engine.Settings(oidc_issuer=provider.issuer, oidc_client_id=CLIENT_ID,
                           oidc_client_secret=CLIENT_SECRET, oidc_name=PROVIDER_NAME)


def app_for(provider: Provider, database_url: str, tmp_path: Path) -> Flask:
    """The app of tests/conftest.py's `app` fixture, signing in through `provider` too."""
    return create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-key",
                       "ATTACHMENTS_DIR": str(tmp_path / "attachments")},
                      settings=settings_for(provider))


def give_emails(database: engine.Database) -> None:
    """Give the demo accounts the provider knows their (lower-case) addresses."""
    with database.uow() as uow:
        for user in uow.session.scalars(select(UserRow).where(UserRow.username.in_(EMAILS))):
            user.email = EMAILS[user.username]
        uow.commit()


def provider_for_a_test() -> Iterator[Provider]:
    """A fixture's provider: its port chosen now, started later (with the live server),
    stopped after the test."""
    found = Provider()
    yield found
    found.stop()


def app_for_a_test(provider: Provider, database_url: str, database: engine.Database,
                   tmp_path: Path) -> Iterator[Flask]:
    """A fixture's app signing in through `provider`, the demo accounts given the addresses
    the provider knows; its database disposed after the test."""
    give_emails(database)
    app = app_for(provider, database_url, tmp_path)
    yield app
    app.extensions["eskalasi.database"].dispose()


def serve(app: Flask) -> Iterator[str]:
    """The app on a free loopback port, in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="sso-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


@dataclass(frozen=True)
class Landing:
    """Where a sign-in through the provider ended: the last response and the session."""

    response: requests.Response
    session: requests.Session


def sign_in_through(base: str, login: str, start: str = "") -> Landing:
    """Press "Masuk dengan ..." on the sign-in page (`start`, default /masuk), log in at the
    provider's dev login page as `login`, and follow every redirect back to the app."""
    session = requests.Session()
    form = session.get(start or f"{base}/masuk", timeout=30)
    button = _SSO_LINK.search(form.text)
    assert button, form.text
    login_page = session.get(urljoin(form.url, html.unescape(button.group(1))), timeout=30)
    assert login_page.status_code == 200, login_page.text
    action = _FORM_ACTION.search(login_page.text)
    assert action, login_page.text
    submit = urljoin(login_page.url, action.group(1))
    landing = session.post(submit, data={"prompt": "login", "login": login,
                                         "password": "apa-saja"}, timeout=30)
    return Landing(landing, session)
