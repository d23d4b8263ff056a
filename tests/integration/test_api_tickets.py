"""The JSON API's tickets as every role: start form, opening, reading, events, verifying.

Each test asks as every demo user in turn and compares the answers with a table, so one
database serves the whole table (a fresh one per test costs most of a test's time).
"""

from __future__ import annotations

from typing import Any

import engine
from tests.desk import STEP_DATA, Desk
from tests.integration.api_client import USERS, Api

# Who sees a ticket of LPSE Kota Bandung reported by pengguna.bandung (CONTRACT.md).
SEES_BANDUNG_TICKET = {"pengguna.bandung", "admin.bandung", "helpdesk.lkpp", "auditor",
                       "helpdesk2.lkpp"}
SEES_SURABAYA_TICKET = {"pengguna.surabaya", "admin.surabaya", "helpdesk.lkpp", "auditor",
                        "helpdesk2.lkpp"}
ADMINS_LPSE = {"admin.bandung", "admin.surabaya"}
START = STEP_DATA["step01_eskalasi"]


def everything(desk: Desk) -> list[tuple[int, str, list[str], list[str]]]:
    """Every ticket with its status, pending steps and trail, as the engine has them."""
    tickets = engine.list_tickets(desk.database.uow(), desk.user("auditor"))
    return [(t.id, t.status, desk.pending(t), desk.trail(t)) for t in tickets]


def test_only_an_admin_lpse_gets_the_start_form(api: Api) -> None:
    answers = {user: api.get("/tickets/start-form", user) for user in USERS}
    assert {user: r.status_code for user, r in answers.items()} == {
        user: 200 if user in ADMINS_LPSE else 403 for user in USERS}
    assert "judul" in answers["admin.surabaya"].json["form"]["properties"]


def test_only_the_admin_of_the_reporters_lpse_opens_a_ticket(api: Api, desk: Desk) -> None:
    body = {"reporter": "pengguna.bandung", "data": START}
    refused = {user: api.post("/tickets", user, json=body) for user in USERS
               if user != "admin.bandung"}
    assert {user: r.status_code for user, r in refused.items()} == {
        user: 422 if user == "admin.surabaya" else 403 for user in refused}
    assert list(refused["admin.surabaya"].json["errors"]) == ["reporter"]
    assert everything(desk) == []

    response = api.post("/tickets", "admin.bandung", json=body)
    assert response.status_code == 201
    ticket = response.json
    assert response.headers["Location"].endswith(f"/api/v1/tickets/{ticket['id']}")
    assert (ticket["status"], ticket["lpse"], ticket["reporter"], ticket["title"]) == (
        "open", "LPSE Kota Bandung", "pengguna.bandung", START["judul"])
    assert ticket["number"].startswith("ESK-")
    assert [(t["sop_step"], t["lane"]) for t in ticket["tasks"]] == [(2, "Helpdesk LKPP")]
    assert desk.trail(ticket["id"]) == ["step01_eskalasi"]


INVALID_OPENINGS: list[tuple[dict[str, Any], set[str]]] = [
    ({"reporter": "pengguna.bandung", "data": {**START, "judul": "x"}}, {"judul"}),
    ({"reporter": "pengguna.bandung", "data": {**START, "aplikasi": "Excel"}}, {"aplikasi"}),
    ({"reporter": "pengguna.bandung", "data": {"judul": "Tanpa yang lain"}},
     {"aplikasi", "tipe_tiket", "deskripsi"}),
    ({"reporter": "pengguna.bandung", "data": {**START, "extra": 1}}, {"extra"}),
    ({"reporter": "pengguna.bandung", "data": "not an object"}, {"_form"}),
    ({"reporter": "pengguna.bandung"}, {"_form"}),
    ({"reporter": "admin.bandung", "data": START}, {"reporter"}),
    ({"reporter": "pengguna.surabaya", "data": START}, {"reporter"}),
    ({"reporter": "nobody", "data": START}, {"reporter"}),
    ({"reporter": 42, "data": START}, {"reporter"}),
    ({"data": START}, {"reporter"}),
]


def test_opening_with_invalid_data_gives_field_errors_and_opens_nothing(
        api: Api, desk: Desk) -> None:
    for body, fields in INVALID_OPENINGS:
        response = api.post("/tickets", "admin.bandung", json=body)
        assert response.status_code == 422, body
        assert set(response.json["errors"]) == fields, body
        messages = [m for ms in response.json["errors"].values() for m in ms]
        assert messages and all(isinstance(m, str) and m for m in messages)
    assert everything(desk) == []


NOT_JSON_OBJECTS: list[tuple[dict[str, Any], int]] = [
    ({"data": b'{"reporter": "pengguna.bandung",', "content_type": "application/json"}, 400),
    ({"data": b"[1, 2]", "content_type": "application/json"}, 400),
    ({"data": b'{"reporter": NaN}', "content_type": "application/json"}, 400),
    ({"data": b"[" * 100_000 + b"]" * 100_000, "content_type": "application/json"}, 400),
    ({"json": {"reporter": "pengguna.bandung\u0000", "data": START}}, 422),
    ({"data": b"reporter=pengguna.bandung",
      "content_type": "application/x-www-form-urlencoded"}, 415),
    ({"data": b'{"reporter": "pengguna.bandung"}'}, 415),
]


def test_a_body_that_is_not_a_json_object_is_refused_clearly(api: Api, desk: Desk) -> None:
    for options, status in NOT_JSON_OBJECTS:
        response = api.post("/tickets", "admin.bandung", **options)
        assert response.status_code == status, options
        assert response.json["detail"]
    assert everything(desk) == []


def test_each_user_lists_only_the_tickets_they_may_see(api: Api, desk: Desk) -> None:
    bandung = desk.open()
    surabaya = desk.open(admin="admin.surabaya", reporter="pengguna.surabaya")
    listed = {user: [t["id"] for t in api.get("/tickets", user).json["items"]]
              for user in USERS}
    assert listed == {user: ([surabaya.id] if user in SEES_SURABAYA_TICKET else [])
                      + ([bandung.id] if user in SEES_BANDUNG_TICKET else [])
                      for user in USERS}


def test_a_ticket_is_shown_to_who_may_see_it_and_is_404_for_everyone_else(
        api: Api, desk: Desk) -> None:
    ticket = desk.open()
    answers = {user: api.get(f"/tickets/{ticket.id}", user) for user in USERS}
    assert {user: r.status_code for user, r in answers.items()} == {
        user: 200 if user in SEES_BANDUNG_TICKET else 404 for user in USERS}
    shown = answers["pengguna.bandung"].json
    assert (shown["number"], shown["process_version"]) == (ticket.number,
                                                           ticket.process_version)
    nonexistent = api.get("/tickets/999999", "admin.surabaya").json
    assert answers["admin.surabaya"].json == nonexistent


def test_events_are_for_the_auditor_and_the_tickets_participants(
        api: Api, desk: Desk) -> None:
    ticket = desk.run(desk.open(), "step02_terima")
    answers = {user: api.get(f"/tickets/{ticket.id}/events", user) for user in USERS}
    assert {user: r.status_code for user, r in answers.items()} == {
        user: 200 if user in SEES_BANDUNG_TICKET else 404 for user in USERS}
    events = answers["auditor"].json["items"]
    assert [(e["seq"], e["type"], e["task"], e["sop_step"]) for e in events] == [
        (1, "ticket_opened", "step01_eskalasi", 1),
        (2, "task_completed", "step02_terima", 2)]
    assert events[0]["actor"] == "admin.bandung"
    assert events[1]["prev_hash"] == events[0]["hash"]
    assert events[1]["data"] == {"form": STEP_DATA["step02_terima"]}
    assert answers["helpdesk.lkpp"].json == answers["auditor"].json


def test_only_the_auditor_verifies_and_who_may_not_see_the_ticket_gets_404(
        api: Api, desk: Desk) -> None:
    ticket = desk.run(desk.open(), "step02_terima")
    answers = {user: api.get(f"/tickets/{ticket.id}/verify", user) for user in USERS}
    assert {user: r.status_code for user, r in answers.items()} == {
        "auditor": 200,
        "helpdesk.lkpp": 403, "admin.bandung": 403, "pengguna.bandung": 403,
        "admin.surabaya": 404, "pengguna.surabaya": 404, "pemilik.proses": 404,
        "helpdesk2.lkpp": 403, "admin.sistem": 404}
    assert answers["auditor"].json == {"ok": True, "detail": [], "ticket": ticket.number}
    assert api.get("/tickets/424242/verify", "auditor").status_code == 404


def test_tickets_are_paged_with_limit_and_offset(api: Api, desk: Desk) -> None:
    ids = [desk.open().id for _ in range(3)]
    page = api.get("/tickets?limit=2&offset=1", "helpdesk.lkpp").json["items"]
    assert [t["id"] for t in page] == sorted(ids, reverse=True)[1:3]
    for query in ("limit=0", "limit=501", "limit=two", "offset=-1", "limit=1_0",
                  "limit=%C2%B2"):
        response = api.get(f"/tickets?{query}", "helpdesk.lkpp")
        assert response.status_code == 422, query
        assert set(response.json["errors"]) == {query.split("=")[0]}


def test_tickets_that_cannot_exist_are_404(api: Api) -> None:
    for path in ("/tickets/0", "/tickets/99999999999999999999", "/tickets/-1",
                 "/tickets/abc", "/tickets/1/nothing"):
        assert api.get(path, "auditor").status_code == 404, path
