"""Task ownership (issue 13): claim, release, assign, the filters, the chain and reminders."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

import engine
from engine import Database, Ticket
from engine.persistence.tables import EventRow, TaskRow
from engine.tickets.notifications import list_notifications
from tests.desk import Desk
from tests.integration.api_client import USERS, Api
from tests.integration.migrations import move

HD, HD2 = "helpdesk.lkpp", "helpdesk2.lkpp"
CALLERS = tuple(dict.fromkeys((*USERS, HD2)))
WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def ticket(desk: Desk) -> Ticket:
    """A Bandung ticket waiting at step 2 (Helpdesk LKPP)."""
    return desk.open()


def step2(ticket: Ticket) -> str:
    [task] = ticket.tasks
    assert task.spec_name == "step02_terima"
    return task.id


def events(database: Database, ticket_id: int) -> list[tuple[str, dict[str, Any]]]:
    with database.uow() as uow:
        return [(row.type, dict(row.data)) for row in uow.session.scalars(
            select(EventRow).where(EventRow.ticket_id == ticket_id).order_by(EventRow.seq))]


def test_a_claim_holds_the_task_and_the_other_agent_gets_409_naming_the_holder(
        api: Api, ticket: Ticket) -> None:
    task_id = step2(ticket)
    claimed = api.post(f"/tasks/{task_id}/claim", HD)
    assert claimed.status_code == 200 and claimed.json["assignee"] == HD
    refused = api.post(f"/tasks/{task_id}/claim", HD2)
    assert refused.status_code == 409
    assert HD in refused.json["detail"] and "Helpdesk LKPP" in refused.json["detail"]
    # Claiming one's own task again is fine and changes nothing.
    again = api.post(f"/tasks/{task_id}/claim", HD)
    assert again.status_code == 200 and again.json["assignee"] == HD
    assert api.get(f"/tasks/{task_id}", HD2).json["assignee"] == HD


def test_completing_a_task_someone_else_holds_is_409_naming_them(
        api: Api, ticket: Ticket, desk: Desk) -> None:
    task_id = step2(ticket)
    api.post(f"/tasks/{task_id}/claim", HD)
    data = {"data": {"catatan_telaah": "Sudah dipelajari."}}
    refused = api.post(f"/tasks/{task_id}/complete", HD2, json=data)
    assert refused.status_code == 409 and HD in refused.json["detail"]
    assert desk.pending(ticket) == ["step02_terima"]
    done = api.post(f"/tasks/{task_id}/complete", HD, json=data)
    assert done.status_code == 200
    assert [t["step"] for t in done.json["tasks"]] == ["step03_kewenangan"]
    assert done.json["tasks"][0]["assignee"] is None  # the next step is in the queue again


def test_a_task_can_be_assigned_only_to_someone_who_may_complete_it(
        api: Api, ticket: Ticket, database: Database, desk: Desk) -> None:
    task_id = step2(ticket)
    for wrong in ("admin.bandung", "pengguna.bandung", "auditor", "nobody", ""):
        refused = api.post(f"/tasks/{task_id}/assign", HD, json={"username": wrong})
        assert refused.status_code == 422, wrong
        assert list(refused.json["errors"]) == ["username"], wrong
    assert api.get(f"/tasks/{task_id}", HD).json["assignee"] is None
    given = api.post(f"/tasks/{task_id}/assign", HD, json={"username": HD2})
    assert given.status_code == 200 and given.json["assignee"] == HD2
    told = list_notifications(database.uow(), desk.user(HD2))
    assert any("Ditugaskan kepada Anda" in n.subject and n.link == f"/tugas/{task_id}"
               for n in told)
    # Now HD2 holds it: HD may not complete it, HD2 may.
    refused = api.post(f"/tasks/{task_id}/complete", HD,
                       json={"data": {"catatan_telaah": "x"}})
    assert refused.status_code == 409 and HD2 in refused.json["detail"]


def test_an_inactive_colleague_cannot_be_assigned(
        api: Api, ticket: Ticket, database: Database) -> None:
    from sqlalchemy import update

    from engine.persistence.tables import UserRow
    with database.uow() as uow:
        uow.session.execute(update(UserRow).where(UserRow.username == HD2).values(active=False))
        uow.commit()
    refused = api.post(f"/tasks/{step2(ticket)}/assign", HD, json={"username": HD2})
    assert refused.status_code == 422 and HD2 in refused.json["errors"]["username"][0]


def test_only_the_assignee_may_release_a_task(api: Api, ticket: Ticket) -> None:
    task_id = step2(ticket)
    api.post(f"/tasks/{task_id}/claim", HD)
    refused = api.post(f"/tasks/{task_id}/release", HD2)
    assert refused.status_code == 403 and HD in refused.json["detail"]
    released = api.post(f"/tasks/{task_id}/release", HD)
    assert released.status_code == 200 and released.json["assignee"] is None
    # Now anyone of the lane may claim it.
    assert api.post(f"/tasks/{task_id}/claim", HD2).json["assignee"] == HD2


def test_claim_release_and_assign_answer_every_role_as_the_task_does(
        api: Api, ticket: Ticket) -> None:
    task_id = step2(ticket)
    for action, body in (("claim", None), ("release", None), ("assign", {"username": HD})):
        answers = {user: api.post(f"/tasks/{task_id}/{action}", user, json=body).status_code
                   if body else api.post(f"/tasks/{task_id}/{action}", user).status_code
                   for user in CALLERS}
        expected = {user: 200 if user in (HD, HD2) else 404 for user in CALLERS}
        if action == "claim":  # HD claimed first; HD2 is refused
            expected[HD2] = 409
        if action == "release":  # HD released; HD2 then finds it unheld: nothing to do
            expected[HD2] = 200
        assert answers == expected, action
        assert api.post(f"/tasks/{task_id}/{action}", None).status_code == 401


def test_the_task_list_filters_by_assignee(api: Api, desk: Desk) -> None:
    mine, theirs, free = (step2(desk.open()) for _ in range(3))
    api.post(f"/tasks/{mine}/claim", HD)
    api.post(f"/tasks/{theirs}/claim", HD2)

    def listed(query: str, user: str = HD) -> set[str]:
        answer = api.get(f"/tasks{query}", user)
        assert answer.status_code == 200
        return {item["id"] for item in answer.json["items"]}

    assert listed("?assignee=me") == {mine}
    assert listed("?assignee=me", HD2) == {theirs}
    assert listed("?assignee=none") == {free}
    assert listed(f"?assignee={HD2}") == {theirs}
    assert listed("") == {mine, theirs, free}
    assert listed("?assignee=nobody.here") == set()
    # Someone who may not complete the tasks sees none of them, whatever the filter.
    assert listed(f"?assignee={HD}", "admin.bandung") == set()


def test_claims_and_assignments_are_events_in_the_chain_and_verify_passes(
        api: Api, ticket: Ticket, database: Database, desk: Desk) -> None:
    task_id = step2(ticket)
    api.post(f"/tasks/{task_id}/claim", HD)
    api.post(f"/tasks/{task_id}/release", HD)
    api.post(f"/tasks/{task_id}/assign", HD, json={"username": HD2})
    desk.do(ticket, "step02_terima", HD2)
    kinds = [(kind, data.get("assignee"), data.get("previous"))
             for kind, data in events(database, ticket.id)]
    assert kinds[1:5] == [("task_claimed", HD, None), ("task_released", None, HD),
                          ("task_assigned", HD2, None), ("task_completed", None, None)]
    [result] = engine.verify_tickets(database.uow(), [ticket.number])
    assert result.ok, result.problems
    listed = api.get(f"/tickets/{ticket.id}/events", "auditor").json["items"]
    assert [e["type"] for e in listed][1:4] == ["task_claimed", "task_released",
                                                "task_assigned"]


def test_eskalasi_verify_passes_on_a_ticket_with_claims(
        api: Api, ticket: Ticket, database_url: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from cli.main import main

    api.post(f"/tasks/{step2(ticket)}/claim", HD2)
    monkeypatch.setenv("ESKALASI_DATABASE_URL", database_url)
    assert main(["verify", ticket.number]) == 0, capsys.readouterr()


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(datetime(2026, 11, 24, 9, tzinfo=WIB), tick=False) as traveller:
        yield traveller


def test_the_reminder_goes_to_the_assignee_and_names_them(
        api: Api, database: Database, desk: Desk, clock: time_machine.Traveller) -> None:
    ticket = desk.open()
    task_id = step2(ticket)
    api.post(f"/tasks/{task_id}/claim", HD2)
    clock.move_to(datetime(2026, 11, 24, 13, 1, tzinfo=WIB))
    assert engine.fire_due_timers(database) == 1
    [overdue] = [data for kind, data in events(database, ticket.id) if kind == "step_overdue"]
    assert overdue["holder"] == overdue["assignee"] == HD2
    reminders = [n for n in list_notifications(database.uow(), desk.user(HD2))
                 if n.kind == "reminder"]
    assert len(reminders) == 1 and f"Ditugaskan kepada: {HD2}" in reminders[0].body
    assert not [n for n in list_notifications(database.uow(), desk.user(HD))
                if n.kind == "reminder"]
    owner = [n for n in list_notifications(database.uow(), desk.user("pemilik.proses"))
             if n.kind == "reminder"]
    assert owner and f"Dipegang oleh: {HD2}" in owner[0].body


def test_the_workload_counts_open_and_overdue_tasks_per_person(
        api: Api, database: Database, desk: Desk, clock: time_machine.Traveller) -> None:
    first, second = desk.open(), desk.open()
    api.post(f"/tasks/{step2(first)}/claim", HD2)
    desk.open(admin="admin.surabaya", reporter="pengguna.surabaya")
    clock.move_to(datetime(2026, 11, 24, 13, 1, tzinfo=WIB))
    rows = {(w.username or w.role): (w.open, w.overdue)
            for w in engine.workload(database.uow(), desk.user(HD))}
    assert rows[HD2] == (1, 1) and rows[HD] == (0, 0)
    assert rows["Helpdesk LKPP"] == (2, 2)  # the queue: nobody holds them
    # An Admin LPSE sees only their LPSE's people; none of these tasks is theirs.
    admin = {(w.username or w.role) for w in
             engine.workload(database.uow(), desk.user("admin.bandung"))}
    assert admin == {"admin.bandung"}
    with pytest.raises(engine.NotFound):
        engine.workload(database.uow(), desk.user("pengguna.bandung"))
    assert second.id  # two Bandung tickets, one Surabaya: all three at step 2


def test_a_claim_race_has_one_winner(database: Database, desk: Desk) -> None:
    import threading

    task_id = step2(desk.open())
    agents = [desk.user(HD), desk.user(HD2)]
    results: dict[str, str] = {}
    barrier = threading.Barrier(2)

    def claim(user: engine.User) -> None:
        barrier.wait()
        try:
            engine.claim_task(database.uow(), user, task_id)
            results[user.username] = "won"
        except engine.Conflict as conflict:
            results[user.username] = str(conflict.message)

    threads = [threading.Thread(target=claim, args=(agent,)) for agent in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()).count("won") == 1, results
    with database.uow() as uow:
        row = uow.session.get(TaskRow, task_id)
        assert row is not None and row.assignee_id is not None
    kinds = [kind for kind, _ in events(database, task_id_ticket(database, task_id))]
    assert kinds.count("task_claimed") == 1


def task_id_ticket(database: Database, task_id: str) -> int:
    with database.uow() as uow:
        row = uow.session.get(TaskRow, task_id)
        assert row is not None
        return row.ticket_id



def test_migration_0017_goes_down_and_up_again(empty_database_url: str) -> None:
    from sqlalchemy import create_engine, inspect

    from engine.persistence import migrate
    from tests.integration.test_models_and_migrations import differences

    database = create_engine(empty_database_url)

    def columns() -> set[str]:
        return {column["name"] for column in inspect(database).get_columns("tasks")}

    try:
        migrate.upgrade(database)
        assert "assignee_id" in columns()
        move(database, "0016")
        assert "assignee_id" not in columns()
        indexes = {index["name"] for index in inspect(database).get_indexes("tasks")}
        assert "ix_tasks_pending_lane_lpse" in indexes  # the table's other indexes stay
        move(database, "head")
        assert "assignee_id" in columns()
    finally:
        database.dispose()
    assert differences(empty_database_url) == []


def test_the_holder_is_named_in_english_when_english_is_asked(api: Api, ticket: Ticket) -> None:
    task_id = step2(ticket)
    api.post(f"/tasks/{task_id}/claim", HD)
    refused = api.post(f"/tasks/{task_id}/claim", HD2, headers={"Accept-Language": "en"})
    assert refused.json["detail"] == "Helpdesk LKPP (helpdesk.lkpp) is working on this task."
    wrong = api.post(f"/tasks/{task_id}/assign", HD, json={"username": "auditor"},
                     headers={"Accept-Language": "en"})
    assert wrong.json["errors"] == {"username": ["auditor cannot work on this task."]}
