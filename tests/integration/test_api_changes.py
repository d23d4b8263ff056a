"""Comparing versions and migrating tickets through the JSON API (process owners only)."""

from __future__ import annotations

import pytest
from flask import Flask

import engine
from engine import Database
from tests.desk import Desk
from tests.diagram_edits import form_with_field, replaced_id
from tests.integration.api_client import USERS, Api
from web.config import DATABASE_EXTENSION

OWNER = "pemilik.proses"


@pytest.fixture
def desk(app: Flask) -> Desk:
    database: Database = app.extensions[DATABASE_EXTENSION]
    return Desk(database)


def deploy(desk: Desk) -> engine.ProcessVersion:
    version, _ = engine.deploy(desk.database.uow(), engine.command_line_operator(OWNER),
                               replaced_id("step04_panduan", "step04_arahan"),
                               form_with_field("step12_penanganan.json", "v", "V"))
    return version


def test_an_owner_compares_dry_runs_and_migrates(api: Api, desk: Desk) -> None:
    movable = desk.run(desk.open(), "step02_terima")
    stuck = desk.run(desk.open(), "step02_terima", ("step03_kewenangan", {"kewenangan": "LPSE"}))
    version = deploy(desk)
    compared = api.get(f"/process-versions/{version.id}/comparison", OWNER)
    assert compared.status_code == 200
    assert {"kind": "removed", "element": "step04_panduan"}.items() <= next(
        c for c in compared.json["changes"] if c["kind"] == "removed").items()
    assert compared.json["after"]["marks"]["step04_arahan"] == "added"
    plan = api.get(f"/process-versions/{version.id}/migration", OWNER)
    assert plan.status_code == 200
    checks = {c["ticket_number"]: c for c in plan.json["items"]}
    assert checks[movable.number]["can_migrate"]
    assert checks[stuck.number]["reasons"][0]["code"] == "position_removed"
    done = api.post(f"/process-versions/{version.id}/migration", OWNER,
                    json={"tickets": [movable.id, stuck.id]})
    assert done.status_code == 200
    assert [(r["ticket_id"], r["migrated"]) for r in done.json["items"]] == [
        (movable.id, True), (stuck.id, False)]
    assert all(r.ok for r in engine.verify_tickets(desk.database.uow()))


@pytest.mark.parametrize("body", [{}, {"tickets": []}, {"tickets": ["1"]}, {"tickets": [0]},
                                  {"tickets": [2**40]}, {"tickets": [True]},
                                  {"tickets": list(range(1, 502))}])
def test_bad_choices_are_refused_and_change_nothing(api: Api, desk: Desk,
                                                    body: dict[str, object]) -> None:
    ticket = desk.run(desk.open(), "step02_terima")
    version = deploy(desk)
    answer = api.post(f"/process-versions/{version.id}/migration", OWNER, json=body)
    assert answer.status_code == 422 and "tickets" in answer.json["errors"]
    assert engine.get_ticket(desk.database.uow(), desk.user("helpdesk.lkpp"),
                             ticket.id).process_version == ticket.process_version


def test_everyone_but_the_owner_gets_404(api: Api, desk: Desk) -> None:
    version = deploy(desk)
    for user in USERS:
        if user == OWNER:
            continue
        for path in ("comparison", "migration"):
            assert api.get(f"/process-versions/{version.id}/{path}", user).status_code == 404
        assert api.post(f"/process-versions/{version.id}/migration", user,
                        json={"tickets": [1]}).status_code == 404
    assert api.get(f"/process-versions/{version.id}/migration").status_code == 401
    assert api.get("/process-versions/nope/migration", OWNER).status_code == 404
    assert api.post("/process-versions/nope/migration", OWNER,
                    json={"tickets": [1]}).status_code == 404
