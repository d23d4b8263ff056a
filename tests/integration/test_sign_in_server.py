"""Sign-in and sessions against a real server (`eskalasi serve`, gunicorn with two workers):
a saved cookie is refused after signing out, a token after a new password, and behind a
trusted proxy guessing locks out the guesser's address, not the account's owner."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import engine
from engine import Database
from tests.integration.test_hostile_server import SERVERS, Server, started
from tests.pages import DEMO_PASSWORD

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_COOKIE = re.compile(r"session=([^;]+)")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # the test reads each 302 itself


OPENER = urllib.request.build_opener(NoRedirect)


def send(server: Server, path: str, cookie: str = "", form: dict[str, str] | None = None,
         json_body: object = None, headers: dict[str, str] | None = None
         ) -> tuple[int, str, str, str]:
    """Status, body, Location and the new session cookie (the Secure flag is ignored here)."""
    sent = dict(headers or {})
    if cookie:
        sent["Cookie"] = f"session={cookie}"
    data = None
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    elif json_body is not None:
        data = json.dumps(json_body).encode()
        sent["Content-Type"] = "application/json"
    request = urllib.request.Request(server.base + path, data=data, headers=sent)
    try:
        with OPENER.open(request, timeout=60) as response:
            status, body, answer = response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as err:
        status, body, answer = err.code, err.read().decode(), err.headers
    found = _COOKIE.search(answer.get("Set-Cookie", ""))
    return status, body, answer.get("Location", ""), found.group(1) if found else ""


def signed_in_cookie(server: Server, username: str) -> str:
    """The session cookie after signing in through the form."""
    _status, body, _location, cookie = send(server, "/masuk")
    token = _CSRF.search(body)
    assert token and cookie
    status, _body, location, cookie = send(server, "/masuk", cookie, form={
        "csrf_token": token.group(1), "username": username, "password": DEMO_PASSWORD})
    assert status == 302 and location == "/tugas" and cookie, (status, location)
    return cookie


@pytest.fixture(params=list(SERVERS), ids=list(SERVERS))
def server(request: pytest.FixtureRequest, database_url: str,
           tmp_path: Path) -> Iterator[Server]:
    yield from started(SERVERS[request.param], database_url, tmp_path)


@pytest.fixture
def behind_a_proxy(database_url: str, tmp_path: Path,
                   monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    monkeypatch.setenv("ESKALASI_TRUSTED_PROXIES", "1")
    yield from started(SERVERS["gunicorn -w 2"], database_url, tmp_path)


def test_a_cookie_saved_before_signing_out_is_refused_by_every_worker(server: Server) -> None:
    cookie = signed_in_cookie(server, "helpdesk.lkpp")
    status, body, _location, new = send(server, "/tugas", cookie)
    assert status == 200
    cookie = new or cookie  # the page put its CSRF token in the session: the browser saves it
    token = _CSRF.search(body)
    assert token
    status, _body, location, _new = send(server, "/keluar", cookie,
                                         form={"csrf_token": token.group(1)})
    assert (status, location) == (302, "/masuk")
    for _ in range(4):  # whichever worker answers
        status, _body, location, _new = send(server, "/tugas", cookie)
        assert status == 302 and location.startswith("/masuk"), (status, location)


def test_a_token_is_refused_by_every_worker_after_a_new_password(
        server: Server, database: Database) -> None:
    bearer = {"Authorization": f"Bearer {server.token('auditor')}"}
    assert send(server, "/api/v1/me", headers=bearer)[0] == 200
    engine.change_password(database.uow(), "auditor", "kata-sandi-baru-123")
    for _ in range(4):
        assert send(server, "/api/v1/me", headers=bearer)[0] == 401


def token_status(server: Server, forwarded_for: str, password: str) -> int:
    return send(server, "/api/v1/auth/token", json_body={"username": "admin.bandung",
                                                         "password": password},
                headers={"X-Forwarded-For": forwarded_for})[0]


def test_behind_a_trusted_proxy_guessing_locks_out_the_guesser_not_the_owner(
        behind_a_proxy: Server) -> None:
    for _ in range(5):
        assert token_status(behind_a_proxy, "203.0.113.66", "tebakan") == 401
    assert token_status(behind_a_proxy, "203.0.113.66", DEMO_PASSWORD) == 429
    assert token_status(behind_a_proxy, "198.51.100.10", DEMO_PASSWORD) == 200


def test_without_trusted_proxies_a_forged_forwarded_address_does_not_escape_the_limit(
        server: Server) -> None:
    for attempt in range(5):
        assert token_status(server, f"192.0.2.{attempt}", "tebakan") == 401
    assert token_status(server, "192.0.2.200", DEMO_PASSWORD) == 429
