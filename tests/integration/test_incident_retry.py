"""Coba lagi on a diagram incident (issue 15): after a fix is deployed and the ticket moved
to it, the process owner retries the stopped step's engine work (a time limit whose path
failed) through the ticket store: `step_retried` in the chain, the incident cleared, replay
and verify accept it; still broken, the attempt is counted with nothing changed; a step that
waits for a person is refused (completing it is its retry)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

import engine
from engine import Database
from engine.persistence.tables import TimerRow
from tests.desk import Desk
from tests.integration.api_client import Api
from tests.integration.test_diagram_incidents import (
    OWNER,
    complete,
    plant,
    plant_diagram,
    with_script_on_the_reminder_of_step_2,
)
from tests.pages import visitor


def planted(database: Database, script: str, number: int) -> str:
    """A diagram with a script on step 2's reminder path, past deploy's validation."""
    return plant_diagram(database, with_script_on_the_reminder_of_step_2(script), number)


def stopped_reminder(database: Database, desk: Desk) -> tuple[Any, engine.Incident]:
    """A ticket whose step-2 reminder failed: its timer failed, one incident open."""
    planted(database, "x = float('na' + 'n')", 99)
    ticket = desk.open()
    with database.uow() as uow:
        uow.session.execute(update(TimerRow).where(TimerRow.ticket_id == ticket.id)
                            .values(due_at=datetime(2000, 1, 1, tzinfo=UTC)))
        uow.commit()
    assert engine.fire_due_timers(database) == 0
    [incident] = engine.list_incidents(database.uow(), desk.user(OWNER))
    return ticket, incident


def types(desk: Desk, ticket: Any) -> list[str]:
    return [e.type for e in engine.list_events(desk.database.uow(), desk.user("auditor"),
                                               ticket.id)]


def test_retrying_before_the_fix_counts_the_attempt_and_changes_nothing(
        database: Database, desk: Desk) -> None:
    ticket, incident = stopped_reminder(database, desk)
    before = types(desk, ticket)
    with pytest.raises(engine.SandboxError):
        engine.retry_incident(database, desk.user(OWNER), incident.id)
    assert types(desk, ticket) == before
    [again] = engine.list_incidents(database.uow(), desk.user(OWNER))
    assert (again.id, again.count) == (incident.id, 2)
    with database.uow() as uow:
        assert uow.session.scalars(select(TimerRow.state).where(
            TimerRow.ticket_id == ticket.id)).all() == ["failed"]


def test_after_fix_and_move_the_owner_retries_the_step_and_the_incident_clears(
        app: Flask, database: Database, desk: Desk) -> None:
    ticket, incident = stopped_reminder(database, desk)
    fixed = planted(database, "x = 1.5", 100)
    owner = desk.user(OWNER)
    [moved] = engine.migrate_tickets(database.uow, owner, fixed, [ticket.id])
    assert moved.migrated, moved
    page = visitor(app, OWNER)
    listing = page.get("/proses/insiden").text
    assert f"/proses/insiden/{incident.id}/coba-lagi" in listing
    answer = page.post(f"/proses/insiden/{incident.id}/coba-lagi", data={})
    assert answer.status_code == 302
    assert "insiden selesai" in page.get("/proses/insiden").text
    found = types(desk, ticket)
    assert found[-3:] == ["step_retried", "timer_fired", "step_overdue"]
    [retried] = [e for e in engine.list_events(database.uow(), desk.user("auditor"),
                                               ticket.id) if e.type == "step_retried"]
    assert retried.actor == OWNER and retried.data["incident"] == incident.id
    assert engine.list_incidents(database.uow(), owner) == []
    # The ticket's page and the auditor's history show the retried ticket.
    assert visitor(app, "helpdesk.lkpp").get(f"/tiket/{ticket.id}").status_code == 200
    assert visitor(app, "auditor").get(f"/audit/tiket/{ticket.id}").status_code == 200
    [result] = engine.verify_tickets(database.uow(), [ticket.number])
    assert result.ok, result.problems
    # Nothing is left to retry.
    with pytest.raises(engine.NotFound):
        engine.retry_incident(database, owner, incident.id)
    assert page.post(f"/proses/insiden/{incident.id}/coba-lagi", data={}).status_code == 404


def test_a_step_that_waits_for_a_person_is_not_retried_by_the_owner(
        api: Api, desk: Desk) -> None:
    plant(desk, "s = {1, 2}")
    ticket = desk.open()
    assert complete(api, desk, ticket).status_code == 422
    [incident] = engine.list_incidents(desk.database.uow(), desk.user(OWNER))
    with pytest.raises(engine.Conflict):
        engine.retry_incident(desk.database, desk.user(OWNER), incident.id)
    with pytest.raises(engine.Forbidden):
        engine.retry_incident(desk.database, desk.user("helpdesk.lkpp"), incident.id)
