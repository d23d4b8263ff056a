"""Every error inside /api/v1 is problem+json: routing misses, big bodies, failures, bugs."""

from __future__ import annotations

import logging

import pytest
from flask.testing import FlaskClient

import engine
from tests.desk import STEP_DATA, Desk
from tests.integration.api_client import Api


def test_a_path_the_api_does_not_have_is_a_404_problem(api: Api) -> None:
    for path in ("/", "/nothing", "/tickets/abc", "/tasks/not-a-uuid", "/tickets/1/events/2",
                 "/process-versions/1"):
        for user in (None, "auditor"):
            assert api.get(path, user).status_code == 404, (path, user)


def test_a_method_the_path_does_not_take_is_a_405_problem_with_allow(api: Api) -> None:
    for method, path, allowed in (
            ("DELETE", "/tickets", {"GET", "HEAD", "OPTIONS", "POST"}),
            ("PUT", "/me", {"GET", "HEAD", "OPTIONS"}),
            ("GET", "/auth/token", {"POST", "OPTIONS"}),
            ("PATCH", "/tasks/00000000-0000-4000-8000-000000000000", {"GET", "HEAD", "OPTIONS"}),
            ("GET", "/process-versions/validate", {"POST", "OPTIONS"})):
        response = api.call(method, path, "auditor")
        assert response.status_code == 405, (method, path)
        assert set(response.headers["Allow"].split(", ")) == allowed


def test_pages_outside_the_api_keep_their_own_errors(client: FlaskClient) -> None:
    assert client.get("/no-such-page").mimetype != "application/problem+json"


def test_a_body_over_the_api_limit_is_a_413_problem(api: Api, desk: Desk) -> None:
    api.app.config["API_MAX_CONTENT_LENGTH"] = 1024
    response = api.post("/tickets", "admin.bandung",
                        json={"reporter": "pengguna.bandung",
                              "data": {**STEP_DATA["step01_eskalasi"], "deskripsi": "x" * 2000}})
    assert response.status_code == 413
    assert engine.list_tickets(desk.database.uow(), desk.user("auditor")) == []


def test_a_bug_is_a_500_problem_logged_without_a_trace_in_the_answer(
        api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(*_args: object, **_kwargs: object) -> list[engine.Ticket]:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(engine, "find_tickets", broken)
    with caplog.at_level(logging.ERROR):
        response = api.get("/tickets", "auditor")
    assert response.status_code == 500
    assert "secret" not in response.get_data(as_text=True)
    assert "secret internals" in caplog.text


def test_no_deployed_process_is_a_503_problem(
        api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    # A real outage (a broken SQLite file, a stopped PostgreSQL): test_database_outage.py.
    def unavailable(*_args: object, **_kwargs: object) -> list[engine.Task]:
        raise engine.NoProcessDeployed("no process version is deployed; run `eskalasi init`")

    monkeypatch.setattr(engine, "list_tasks", unavailable)
    response = api.get("/tasks", "helpdesk.lkpp")
    assert response.status_code == 503
    assert response.json["title"]
