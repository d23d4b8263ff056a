"""Text that a database refuses (U+0000) is refused as input, never a server error.

PostgreSQL cannot store NUL in text, and psycopg refuses it in query parameters: before
these checks, a NUL typed into a page's form or sign-in answered 503 on PostgreSQL (the
database error) while SQLite stored it. The JSON API refuses NUL in bodies with 400.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

import engine
from tests.desk import STEP_DATA, Desk
from tests.integration.api_client import Api
from tests.pages import field_errors, visitor


def counts(desk: Desk) -> tuple[int, int]:
    tickets = engine.list_tickets(desk.database.uow(), desk.user("auditor"), limit=500)
    return len(tickets), sum(len(desk.trail(t.id)) for t in tickets)


def test_a_nul_in_a_new_tickets_field_is_a_field_error_and_opens_nothing(
        app: Flask, desk: Desk) -> None:
    admin = visitor(app, "admin.bandung")
    form = {**STEP_DATA["step01_eskalasi"], "reporter": "pengguna.bandung",
            "judul": "Gagal\x00 unggah dokumen"}
    response = admin.post("/tiket/baru", form)
    assert response.status_code == 422
    assert "judul" in field_errors(response)
    assert counts(desk) == (0, 0)


def test_a_nul_in_the_reporter_is_a_field_error(app: Flask, desk: Desk) -> None:
    admin = visitor(app, "admin.bandung")
    form = {**STEP_DATA["step01_eskalasi"], "reporter": "pengguna.bandung\x00"}
    response = admin.post("/tiket/baru", form)
    assert response.status_code == 422
    assert counts(desk) == (0, 0)


def test_a_nul_in_a_tasks_field_is_a_field_error_and_the_task_stays(
        app: Flask, desk: Desk) -> None:
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima")
    before = counts(desk)
    response = visitor(app, "helpdesk.lkpp").post(f"/tugas/{task.id}",
                                                  {"catatan_telaah": "cek\x00 log"})
    assert response.status_code == 422
    assert "catatan_telaah" in field_errors(response)
    assert counts(desk) == before
    assert desk.pending(ticket) == ["step02_terima"]


def test_the_engine_refuses_nul_in_form_data_with_a_field_message(desk: Desk) -> None:
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima")
    refused = None
    try:
        engine.complete_task(desk.database.uow(), desk.user("helpdesk.lkpp"), task.id,
                             {"catatan_telaah": "a\x00b"})
    except engine.InvalidData as error:
        refused = error
    assert refused is not None and list(refused.errors) == ["catatan_telaah"]


def test_a_nul_in_the_username_is_a_wrong_sign_in_not_a_server_error(app: Flask) -> None:
    person = visitor(app)
    response = person.post("/masuk", {"username": "admin.bandung\x00", "password": "x"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.text


# Text no database stores: NUL, and lone surrogates (a JSON "\udfff" escape decodes to one).
ODD_TEXTS = ("\udfff", "a\ud800b", "cek\x00 log")


def test_a_lone_surrogate_in_any_string_of_a_new_ticket_is_refused_naming_it(
        app: Flask, client: FlaskClient, desk: Desk) -> None:
    # POST /tickets with "\udfff" in a field answered 500 (the database could not encode it).
    api = Api(app, client)
    body: dict[str, Any] = {"reporter": "pengguna.bandung",
                            "data": dict(STEP_DATA["step01_eskalasi"])}
    fields = ["reporter", *(f"data.{name}" for name, value in body["data"].items()
                            if isinstance(value, str))]
    for field in fields:
        for odd in ODD_TEXTS:
            sent = json.loads(json.dumps(body))
            where, _dot, name = field.rpartition(".")
            (sent[where] if where else sent)[name] = odd
            response = api.post("/tickets", "admin.bandung", json=sent)
            assert response.status_code == 422, (field, odd, response.json)
            assert list(response.json["errors"]) == [name], (field, response.json)
    assert counts(desk) == (0, 0)


def test_a_lone_surrogate_in_a_completion_is_refused_naming_it_and_the_task_stays(
        app: Flask, client: FlaskClient, desk: Desk) -> None:
    api = Api(app, client)
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima")
    before = counts(desk)
    for data, field in (({"catatan_telaah": "\udfff"}, "catatan_telaah"),
                        ({"\udfffkolom": "isi"}, "\ufffdkolom"),
                        ({"catatan_telaah": ["a", "\ud800"]}, "catatan_telaah.1")):
        response = api.post(f"/tasks/{task.id}/complete", "helpdesk.lkpp", json={"data": data})
        assert response.status_code == 422, response.json
        assert list(response.json["errors"]) == [field], response.json
    assert counts(desk) == before
    assert desk.pending(ticket) == ["step02_terima"]


def test_a_lone_surrogate_in_a_drafts_json_is_refused_and_changes_nothing(app: Flask) -> None:
    owner = visitor(app, "pemilik.proses")
    response = owner.client.post("/proses/validasi", data=json.dumps({"xml": "\udfff"}),
                                 content_type="application/json",
                                 headers={"X-CSRFToken": owner.token()})
    assert response.status_code == 422, response.text
    assert response.json and response.json["field"] == "xml"


# Ids no id column holds (PostgreSQL's `integer` is 32-bit; SQLite's 64-bit), and one
# longer than Python parses: each must be a page that does not exist, as an unknown id.
HUGE_IDS = ("2147483648", "9223372036854775808", "99999999999999999999999", "9" * 5000)
ID = re.compile(r"<(?:int|id):[a-z_]+>")


def test_an_id_beyond_the_columns_range_is_not_found_on_every_route_for_every_role(
        app: Flask, desk: Desk) -> None:
    # /tiket/99999999999999999999999 and the same id on 4 other pages answered 500.
    desk.open()
    rules = [(rule.rule, method) for rule in app.url_map.iter_rules() if ID.search(rule.rule)
             for method in ("GET", "POST") if method in (rule.methods or set())]
    assert len(rules) >= 15, rules  # every page and API route that takes an id
    people = {name: visitor(app, name) for name in ("auditor", "pemilik.proses",
                                                    "helpdesk.lkpp", "admin.bandung")}
    api = Api(app, app.test_client())

    def send(method: str, path: str, username: str) -> int:
        answer: TestResponse
        if path.startswith("/api/"):
            answer = api.call(method, path.removeprefix("/api/v1"), username)
        elif method == "GET":
            answer = people[username].get(path)
        else:
            answer = people[username].post(path, {})
        answer.close()
        return answer.status_code

    failed = []
    for rule, method in rules:
        for username in people:
            path = rule.replace("<sha256>", "0" * 64)
            unknown = send(method, ID.sub("0", path), username)  # in range, names nothing
            for number in HUGE_IDS:
                status = send(method, ID.sub(number, path), username)
                if status != unknown or status >= 500:
                    failed.append((method, rule, username, number[:25], status, unknown))
    assert not failed


# What a person can type into the address bar, for every query parameter a page reads:
# NUL, invalid UTF-8, ids and numbers beyond any column, dates that are no dates.
JUNK_VALUES = ("%00", "%ED%BF%BF", "99999999999999999999999", "-1", "9999-99-99", "ESK%00x")
QUERY_NAMES = ("halaman", "lpse", "nomor", "langkah", "dari", "sampai", "status", "rating",
               "next", "terlambat", "versi", "dasar", "base", "q", "limit", "offset",
               "penanggung", "urut")


def test_junk_in_the_query_string_of_any_page_is_never_a_server_error(
        app: Flask, desk: Desk) -> None:
    # /audit/?nomor=%00 answered 503 on PostgreSQL: the NUL reached the database.
    # A NUL in any parameter is now refused (400) before a view reads it.
    ticket = desk.open()
    rules = [ID.sub(str(ticket.id), rule.rule) for rule in app.url_map.iter_rules()
             if "GET" in (rule.methods or set()) and not rule.rule.startswith("/api")
             and "<" not in ID.sub("", rule.rule)]
    queries = ["&".join(f"{name}={junk}" for name in QUERY_NAMES) for junk in JUNK_VALUES]
    failed = []
    for username in ("auditor", "pemilik.proses", "helpdesk.lkpp", "admin.bandung"):
        person = visitor(app, username)
        for path in rules:
            for junk in queries:
                response = person.get(f"{path}?{junk}")
                response.close()
                if response.status_code >= 500 or ("%00" in junk
                                                   and response.status_code != 400):
                    failed.append((username, path, junk[:20], response.status_code))
    assert not failed
