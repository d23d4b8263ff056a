"""The accounts API of CONTRACT.md (GET/POST /users, POST /users/{username}/deactivate) as
every role, the invitation a new account gets (through the outbox to a real SMTP server),
and the administrator, who manages accounts and never sees a ticket."""

from __future__ import annotations

import re
import threading

from flask import Flask
from sqlalchemy import text

import engine
from engine import Database
from engine.background import outbox
from tests.desk import Desk
from tests.integration.api_client import USERS, Answer, Api
from tests.integration.smtp import SmtpServer
from tests.pages import visitor

SYS = "admin.sistem"
USER_KEYS = {"username", "name", "email", "role", "lpse", "active"}
NEW = {"username": "sari.bandung", "name": "Sari Wulandari", "email": "sari@bandung.go.id",
       "role": "pengguna", "lpse": "kota-bandung"}


def usernames(answer: Answer) -> list[str]:
    return [item["username"] for item in answer.json["items"]]


def test_the_administrator_lists_every_account_and_narrows_it_by_words_role_and_lpse(
        api: Api) -> None:
    listed = api.get("/users", SYS)
    assert listed.status_code == 200
    assert sorted(usernames(listed)) == sorted(USERS)
    assert all(set(item) == USER_KEYS for item in listed.json["items"])
    me = next(item for item in listed.json["items"] if item["username"] == "admin.bandung")
    assert me == {"username": "admin.bandung", "name": "Admin LPSE Kota Bandung",
                  "email": None, "role": "Admin LPSE", "lpse": "LPSE Kota Bandung",
                  "active": True}
    assert usernames(api.get("/users?q=surabaya", SYS)) == ["admin.surabaya",
                                                              "pengguna.surabaya"]
    assert usernames(api.get("/users?role=helpdesk", SYS)) == ["helpdesk.lkpp",
                                                                 "helpdesk2.lkpp"]
    assert usernames(api.get("/users?role=Admin%20LPSE&lpse=kota-bandung", SYS)) == [
        "admin.bandung"]
    assert usernames(api.get("/users?limit=2&offset=1", SYS)) == sorted(USERS)[1:3]
    wrong = api.get("/users?role=raja", SYS)
    assert wrong.status_code == 422 and list(wrong.json["errors"]) == ["role"]


def test_an_admin_lpse_lists_only_the_pengguna_spse_of_their_lpse_and_others_are_refused(
        api: Api) -> None:
    assert usernames(api.get("/users", "admin.bandung")) == ["pengguna.bandung"]
    assert usernames(api.get("/users?role=helpdesk&lpse=kota-surabaya",
                             "admin.bandung")) == ["pengguna.bandung"]
    assert usernames(api.get("/users", "admin.surabaya")) == ["pengguna.surabaya"]
    for user in ("pengguna.bandung", "helpdesk.lkpp", "pemilik.proses", "auditor"):
        assert api.get("/users", user).status_code == 403, user
    assert api.get("/users").status_code == 401


def test_a_new_account_answers_201_and_gets_an_invitation_mail(
        api: Api, database: Database, smtp: SmtpServer) -> None:
    response = api.post("/users", SYS, json=NEW)
    assert response.status_code == 201
    assert response.json == {"username": "sari.bandung", "name": "Sari Wulandari",
                             "email": "sari@bandung.go.id", "role": "Pengguna SPSE",
                             "lpse": "LPSE Kota Bandung", "active": True}
    outbox.send_due(database, smtp.settings)
    [mail] = smtp.to("sari@bandung.go.id")
    assert "Undangan" in mail.subject and "sari.bandung" in mail.body
    assert re.search(r"/sandi/[A-Za-z0-9_-]+", mail.body)
    assert "sari.bandung" in usernames(api.get("/users", "admin.bandung"))


def test_a_taken_username_is_409_and_bad_fields_are_422_by_name(api: Api) -> None:
    taken = api.post("/users", SYS, json={**NEW, "username": "pengguna.bandung"})
    assert taken.status_code == 409
    bad = api.post("/users", SYS, json={**NEW, "email": "bukan email", "lpse": "kota-x"})
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"email"}
    unknown = api.post("/users", SYS, json={**NEW, "lpse": "kota-atlantis"})
    assert unknown.status_code == 422 and set(unknown.json["errors"]) == {"lpse"}
    national = api.post("/users", SYS, json={**NEW, "role": "auditor"})
    assert national.status_code == 422 and set(national.json["errors"]) == {"lpse"}
    typed = api.post("/users", SYS, json={**NEW, "name": 5})
    assert typed.status_code == 422 and set(typed.json["errors"]) == {"name"}
    assert api.post("/users", SYS, json=NEW).status_code == 201
    assert api.post("/users", SYS, json={**NEW, "email": "lain@x.go.id"}).status_code == 409
    again = api.post("/users", SYS, json={**NEW, "username": "sari.tiga"})
    assert again.status_code == 422 and set(again.json["errors"]) == {"email"}


def test_an_admin_lpse_adds_only_pengguna_spse_of_their_own_lpse(api: Api) -> None:
    mine = api.post("/users", "admin.bandung", json={
        "username": "dodi.bandung", "name": "Dodi", "email": "dodi@bandung.go.id",
        "role": "pengguna"})
    assert mine.status_code == 201 and mine.json["lpse"] == "LPSE Kota Bandung"
    for body in ({**NEW, "lpse": "kota-surabaya"}, {**NEW, "role": "admin_lpse"},
                 {**NEW, "role": "helpdesk", "lpse": None}):
        assert api.post("/users", "admin.bandung", json=body).status_code == 403, body
    for user in ("pengguna.bandung", "helpdesk.lkpp", "pemilik.proses", "auditor",
                 "helpdesk2.lkpp"):
        assert api.post("/users", user, json=NEW).status_code == 403, user
    assert "sari.bandung" not in usernames(api.get("/users", SYS))


def test_a_deactivated_users_token_and_cookie_are_refused_at_once(
        app: Flask, api: Api) -> None:
    person = visitor(app, "pengguna.bandung")
    assert person.get("/tugas").status_code == 200
    assert api.get("/me", "pengguna.bandung").status_code == 200
    assert api.post("/users/pengguna.surabaya/deactivate",
                    "admin.bandung").status_code == 403
    assert api.post("/users/pengguna.bandung/deactivate", "pengguna.bandung").status_code == 403
    done = api.post("/users/pengguna.bandung/deactivate", "admin.bandung")
    assert done.status_code == 200 and done.json["active"] is False
    assert api.get("/me", "pengguna.bandung").status_code == 401
    page = person.get("/tugas")
    assert page.status_code == 302 and "/masuk" in page.headers["Location"]
    assert api.post("/auth/token", json={"username": "pengguna.bandung",
                                         "password": "eskalasi-demo"}).status_code == 401
    assert api.post("/users/nobody/deactivate", SYS).status_code == 404
    assert api.post(f"/users/{SYS}/deactivate", SYS).status_code == 403


def test_the_administrator_is_named_administrator_and_sees_no_ticket_content(
        app: Flask, api: Api, desk: Desk) -> None:
    ticket = desk.run(desk.open(), "step02_terima")
    assert api.get("/me", SYS).json["role"] == "administrator"
    assert api.get("/tickets", SYS).json["items"] == []
    assert api.get("/tasks", SYS).json["items"] == []
    for path in (f"/tickets/{ticket.id}", f"/tickets/{ticket.id}/events",
                 f"/tickets/{ticket.id}/verify"):
        assert api.get(path, SYS).status_code == 404, path
    assert api.get("/tickets/start-form", SYS).status_code == 403
    assert api.get("/process-versions", SYS).status_code == 403
    person = visitor(app, SYS)
    for path in (f"/tiket/{ticket.id}", "/audit/", "/proses", "/tiket/baru"):
        assert person.get(path).status_code == 404, path
    assert ticket.number not in person.get("/tiket").text
    assert ticket.number not in person.get("/tugas").text


def test_accounts_added_at_the_same_time_all_land_in_one_unbroken_chain(
        database: Database) -> None:
    administrator = engine.get_user(database.uow(), SYS)
    start = threading.Barrier(6)
    failures: list[BaseException] = []

    def add(number: int) -> None:
        start.wait()
        try:
            engine.add_user(database.uow(), administrator, f"serentak{number}",
                            f"Serentak {number}", f"serentak{number}@lkpp.go.id", "helpdesk")
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=add, args=(number,)) for number in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with database.engine.connect() as connection:
        seqs = [seq for (seq,) in connection.execute(text(
            "SELECT seq FROM events WHERE stream = 'people' ORDER BY seq"))]
    assert seqs == [1, 2, 3, 4, 5, 6]
    assert all(result.ok for result in engine.verify_tickets(database.uow()))
