"""A small helper for page tests: a browser-like visitor that signs in and sends forms."""

from __future__ import annotations

import re
from typing import Any

import lxml.html
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

DEMO_PASSWORD = "eskalasi-demo"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
# The smallest real PNG: a 1x1 transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082")


class Visitor:
    """One person with their own cookies, using the pages as a browser would."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self._token: str | None = None

    def token(self) -> str:
        """The session's CSRF token, as every form carries it."""
        if self._token is None:
            found = _TOKEN.search(self.client.get("/masuk", follow_redirects=True).text)
            assert found, "no CSRF token on the page"
            self._token = found.group(1)
        return self._token

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        """GET a page."""
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, Any] | None = None,
             csrf: bool = True, **kwargs: Any) -> TestResponse:
        """POST a form, with the CSRF token unless told otherwise."""
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf_token", self.token())
        return self.client.post(path, data=form, **kwargs)

    def sign_in(self, username: str, password: str = DEMO_PASSWORD,
                **extra: Any) -> TestResponse:
        """Send the sign-in form."""
        response = self.post("/masuk", {"username": username, "password": password, **extra})
        self._token = None  # signing in starts a fresh session
        return response


def visitor(app: Flask, username: str | None = None) -> Visitor:
    """A new visitor, signed in as `username` when given."""
    person = Visitor(app.test_client())
    if username is not None:
        response = person.sign_in(username)
        assert response.status_code == 302, response.text
    return person


def html(response: TestResponse) -> Any:
    """The response body as an lxml tree, to query with XPath."""
    return lxml.html.fromstring(response.text)


def texts(response: TestResponse, xpath: str) -> list[str]:
    """The whitespace-normalised text of every element matching `xpath`."""
    return [" ".join(element.text_content().split()) for element in html(response).xpath(xpath)]


def field_errors(response: TestResponse) -> dict[str, str]:
    """Field name -> its error message, as shown next to each field."""
    return {element.get("id").removesuffix("-error"): " ".join(element.text_content().split())
            for element in html(response).xpath('//p[@class="field-error"]')}


def task_id(response: TestResponse, step: str) -> str:
    """The id of the inbox row for `step` (the first one)."""
    rows = html(response).xpath(f'//tr[@data-step="{step}"]')
    assert rows, f"no {step} in the inbox"
    return str(rows[0].get("data-task-id"))
