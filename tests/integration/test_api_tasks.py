"""The JSON API's tasks as every role, and a whole SOP path through the API alone."""

from __future__ import annotations

import pytest

import engine
from tests.desk import STEP_DATA, Desk
from tests.integration.api_client import USERS, Api

# A ticket of LPSE Kota Bandung at a step of each lane, and who may complete it.
AT_STEP = {
    "step02_terima": ((), "helpdesk.lkpp"),
    "step07_terima_permintaan": (
        ("step02_terima", "step03_kewenangan",
         ("step05_kelengkapan", {"perlu_data_tambahan": True}), "step06_minta_data"),
        "admin.bandung"),
    "step15_periksa": (
        ("step02_terima", "step03_kewenangan", "step05_kelengkapan", "step12_penanganan",
         "step13_cek_selesai", "step14_balas_selesai"),
        "pengguna.bandung"),
}
UNKNOWN_TASK = "00000000-0000-4000-8000-000000000000"


def at(desk: Desk, step: str) -> tuple[engine.Ticket, engine.Task]:
    """A new Bandung ticket brought to `step`, and that step's task."""
    before, _ = AT_STEP[step]
    ticket = desk.run(desk.open(), *before)
    return ticket, desk.task(ticket, step, AT_STEP[step][1])


def holders(owner: str) -> set[str]:
    """Who may complete a task of `owner`'s lane: every Helpdesk LKPP for the helpdesk's."""
    return {owner, "helpdesk2.lkpp"} if owner == "helpdesk.lkpp" else {owner}


def snapshot(desk: Desk, ticket: engine.Ticket) -> tuple[list[str], list[str]]:
    return desk.pending(ticket), desk.trail(ticket)


@pytest.mark.parametrize("step", sorted(AT_STEP))
def test_a_task_is_listed_and_shown_only_to_who_may_complete_it(
        api: Api, desk: Desk, step: str) -> None:
    ticket, task = at(desk, step)
    owner = AT_STEP[step][1]
    owners = holders(owner)
    listed = {user: [t["id"] for t in api.get("/tasks", user).json["items"]] for user in USERS}
    assert listed == {user: [task.id] if user in owners else [] for user in USERS}
    shown = {user: api.get(f"/tasks/{task.id}", user) for user in USERS}
    assert {user: r.status_code for user, r in shown.items()} == {
        user: 200 if user in owners else 404 for user in USERS}
    mine = shown[owner].json
    assert mine == api.get("/tasks", owner).json["items"][0]
    assert (mine["ticket_id"], mine["step"], mine["sop_step"]) == (ticket.id, step,
                                                                   int(step[4:6]))
    assert (mine["lane"], mine["form"]["type"]) == (task.lane, "object")
    unknown = {user: api.get(f"/tasks/{UNKNOWN_TASK}", user).json for user in USERS}
    assert {user: r.json for user, r in shown.items() if user not in owners} == {
        user: body for user, body in unknown.items() if user not in owners}


@pytest.mark.parametrize("step", sorted(AT_STEP))
def test_completing_someone_elses_task_is_404_and_changes_nothing(
        api: Api, desk: Desk, step: str) -> None:
    ticket, task = at(desk, step)
    before = snapshot(desk, ticket)
    others = [user for user in USERS if user not in holders(AT_STEP[step][1])]
    answers = {user: api.post(f"/tasks/{task.id}/complete", user,
                              json={"data": STEP_DATA[step]}).status_code for user in others}
    assert answers == dict.fromkeys(others, 404)
    assert snapshot(desk, ticket) == before


INVALID_STEP_3: list[tuple[object, set[str]]] = [
    ({}, {"kewenangan", "alasan_kewenangan"}),
    ({"kewenangan": "Presiden", "alasan_kewenangan": "Bukan wewenang kami."}, {"kewenangan"}),
    ({"kewenangan": "LKPP", "alasan_kewenangan": 5}, {"alasan_kewenangan"}),
    ({**STEP_DATA["step03_kewenangan"], "tambahan": True}, {"tambahan"}),
    ([1, 2], {"_form"}),
    (None, {"_form"}),
]


def test_invalid_data_gives_422_with_field_errors_and_changes_nothing(
        api: Api, desk: Desk) -> None:
    ticket = desk.run(desk.open(), "step02_terima")
    task = desk.task(ticket, "step03_kewenangan")
    before = snapshot(desk, ticket)
    for data, fields in INVALID_STEP_3:
        response = api.post(f"/tasks/{task.id}/complete", "helpdesk.lkpp", json={"data": data})
        assert response.status_code == 422, data
        assert set(response.json["errors"]) == fields, data
    assert snapshot(desk, ticket) == before


def test_a_second_completion_is_409_and_changes_nothing(api: Api, desk: Desk) -> None:
    ticket, task = at(desk, "step02_terima")
    path, body = f"/tasks/{task.id}/complete", {"data": STEP_DATA["step02_terima"]}
    first = api.post(path, "helpdesk.lkpp", json=body)
    assert first.status_code == 200
    assert [t["step"] for t in first.json["tasks"]] == ["step03_kewenangan"]
    after = snapshot(desk, ticket)
    second = api.post(path, "helpdesk.lkpp", json=body)
    assert second.status_code == 409
    assert snapshot(desk, ticket) == after
    assert api.get(f"/tasks/{task.id}", "helpdesk.lkpp").status_code == 404


def test_completing_an_unknown_task_is_404(api: Api) -> None:
    response = api.post(f"/tasks/{UNKNOWN_TASK}/complete", "helpdesk.lkpp", json={"data": {}})
    assert response.status_code == 404


def test_a_diagram_script_that_fails_is_a_422_problem(
        api: Api, desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    _, task = at(desk, "step02_terima")

    def refuse(*_args: object, **_kwargs: object) -> engine.Ticket:
        raise engine.SandboxError("script 'hitung' divided by zero")

    monkeypatch.setattr(engine, "complete_task", refuse)
    response = api.post(f"/tasks/{task.id}/complete", "helpdesk.lkpp",
                        json={"data": STEP_DATA["step02_terima"]},
                        headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.json["detail"].startswith("The process could not continue")


def test_the_sop_runs_start_to_end_through_the_api_alone_and_verifies(api: Api) -> None:
    opened = api.post("/tickets", "admin.bandung",
                      json={"reporter": "pengguna.bandung", "data": STEP_DATA["step01_eskalasi"]})
    assert opened.status_code == 201
    ticket_id = opened.json["id"]
    turns = [("helpdesk.lkpp", "step02_terima"), ("helpdesk.lkpp", "step03_kewenangan"),
             ("helpdesk.lkpp", "step05_kelengkapan"), ("helpdesk.lkpp", "step12_penanganan"),
             ("helpdesk.lkpp", "step13_cek_selesai"), ("helpdesk.lkpp", "step14_balas_selesai"),
             ("pengguna.bandung", "step15_periksa"), ("pengguna.bandung", "step16_konfirmasi"),
             ("admin.bandung", "step17_tutup")]
    for username, step in turns:
        inbox = api.get("/tasks", username).json["items"]
        [task] = [t for t in inbox if t["ticket_id"] == ticket_id]
        assert task["step"] == step
        done = api.post(f"/tasks/{task['id']}/complete", username,
                        json={"data": STEP_DATA[step]})
        assert done.status_code == 200, done.json
    ticket = api.get(f"/tickets/{ticket_id}", "auditor").json
    assert (ticket["status"], ticket["tasks"]) == ("closed", [])
    assert ticket["closed_at"] is not None
    events = api.get(f"/tickets/{ticket_id}/events", "auditor").json["items"]
    assert [e["sop_step"] for e in events] == [1, 2, 3, 5, 12, 13, 14, 15, 16, 17]
    assert api.get(f"/tickets/{ticket_id}/verify", "auditor").json["ok"] is True
