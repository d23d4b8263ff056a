"""A small helper for API tests: call /api/v1 as a demo user; every answer is checked
against the OpenAPI document the app serves (documented status, content type and schema)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.test import TestResponse

from web.api import auth, openapi

PREFIX = "/api/v1"
DOC_URI = "urn:eskalasi:openapi"
PROBLEM_KEYS = {"type", "title", "status", "detail"}
USERS = ("pengguna.bandung", "admin.bandung", "pengguna.surabaya", "admin.surabaya",
         "helpdesk.lkpp", "pemilik.proses", "auditor", "helpdesk2.lkpp", "admin.sistem")


def openapi_path(rule: str) -> str:
    """`/api/v1/tickets/<id:ticket_id>` -> `/tickets/{ticket_id}`."""
    return re.sub(r"<(?:[^<>]*:)?([^<>:]+)>", r"{\1}", rule.removeprefix(PREFIX))


if TYPE_CHECKING:
    class Answer(TestResponse):
        """A response whose JSON body the tests index freely (werkzeug: `Any | None`)."""

        @property
        def json(self) -> Any: ...
else:
    Answer = TestResponse


def escape(token: str) -> str:
    """A JSON Pointer reference token."""
    return token.replace("~", "~0").replace("/", "~1")


class Api:
    """Calls the JSON API with bearer tokens of the demo users."""

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app = app
        self.client = client
        self.document = openapi.document()
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(DOC_URI, resource)
        self.tokens: dict[str, str] = {}

    def token(self, username: str) -> str:
        """A token for the user, minted as POST /auth/token would (no password hashing)."""
        if username not in self.tokens:
            with self.app.app_context():
                self.tokens[username] = auth.issue(username)[0]
        return self.tokens[username]

    def call(self, method: str, path: str, user: str | None = None, *,
             headers: dict[str, str] | None = None, check: bool = True,
             **options: Any) -> Answer:
        """Send a request (options as for the test client: json=, data=, content_type=)."""
        sent = dict(headers or {})
        if user is not None:
            sent["Authorization"] = f"Bearer {self.token(user)}"
        response = cast(Answer, self.client.open(PREFIX + path, method=method, headers=sent,
                                                 **options))
        if check:
            self.check(method, path, response)
        return response

    def get(self, path: str, user: str | None = None, **options: Any) -> Answer:
        return self.call("GET", path, user, **options)

    def post(self, path: str, user: str | None = None, **options: Any) -> Answer:
        return self.call("POST", path, user, **options)

    def check(self, method: str, path: str, response: TestResponse) -> None:
        """Errors are problems; answers of documented endpoints match the document."""
        if response.status_code >= 400:
            assert response.mimetype == "application/problem+json", response.data[:300]
            body = response.get_json()
            assert set(body) >= PROBLEM_KEYS, body
            assert body["status"] == response.status_code
            assert "Traceback" not in response.get_data(as_text=True)
        adapter = self.app.url_map.bind("localhost")
        rule, _ = adapter.match(PREFIX + path.split("?")[0], method=method, return_rule=True)
        if rule.endpoint == "api.unmatched":
            return
        operation = f"#/paths/{escape(openapi_path(rule.rule))}/{method.lower()}"
        responses = self.document["paths"][openapi_path(rule.rule)][method.lower()]["responses"]
        status = str(response.status_code)
        if response.status_code < 400:
            assert status in responses, f"{method} {path}: {status} is not documented"
        pointer = f"{operation}/responses/{status if status in responses else 'default'}"
        found = responses.get(status, responses["default"])
        if "$ref" in found:
            pointer = found["$ref"]
            found = self.resolve(pointer)
        mimetype = response.mimetype or ""
        assert mimetype in found["content"], f"{method} {path}: {mimetype}"
        schema = {"$ref": f"{DOC_URI}{pointer}/content/{escape(mimetype)}/schema"}
        validator = Draft202012Validator(schema, registry=self.registry,
                                         format_checker=Draft202012Validator.FORMAT_CHECKER)
        # A non-JSON answer (the XES export) is checked as the text it is.
        validator.validate(response.get_json() if mimetype.endswith("json")
                           else response.get_data(as_text=True))

    def resolve(self, pointer: str) -> Any:
        found: Any = self.document
        for token in pointer.removeprefix("#/").split("/"):
            found = found[token.replace("~1", "/").replace("~0", "~")]
        return found
