"""The ticket store (engine.tickets.store): one way a ticket changes, all of it or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

import engine
from engine import Database
from engine.evidence import chain, journal
from engine.persistence.tables import EventRow, NotificationRow, TaskRow, TicketRow, TimerRow
from engine.process.files import DEFAULT_DIAGRAM, read_forms
from engine.tickets import runtime, store
from tests.desk import Desk
from tests.diagram_edits import renamed


class Boom(Exception):
    """Stands for anything going wrong after the change was appended."""


def counts(database: Database) -> dict[str, int]:
    with database.uow() as uow:
        return {table.__tablename__: int(uow.session.scalar(
                    select(func.count()).select_from(table)) or 0)
                for table in (EventRow, TaskRow, TimerRow, NotificationRow)}


def ticket_state(database: Database, ticket_id: int) -> tuple[int, int, str, bytes]:
    with database.uow() as uow:
        row = uow.session.get(TicketRow, ticket_id)
        assert row is not None
        return row.revision, row.event_count, row.last_hash, row.workflow


def test_a_change_that_fails_after_appending_and_saving_leaves_nothing_written(
        desk: Desk) -> None:
    ticket = desk.open()
    [task] = desk.pending(ticket)
    before, state = counts(desk.database), ticket_state(desk.database, ticket.id)
    uow = desk.database.uow()
    with pytest.raises(Boom), uow:
        row = uow.session.get(TicketRow, ticket.id)
        assert row is not None
        change = store.begin(uow, row)
        change.apply(lambda workflow: runtime.complete(
            workflow, runtime.ready_tasks(workflow)[0], {"catatan_telaah": "x"}))
        change.append(chain.TASK_COMPLETED, actor="helpdesk.lkpp", role="Helpdesk LKPP",
                      step=task, data={"form": {}})
        assert change.save()  # new task rows, their timers and notifications are added
        raise Boom
    assert counts(desk.database) == before
    assert ticket_state(desk.database, ticket.id) == state
    assert desk.pending(ticket) == [task]
    assert all(r.ok for r in engine.verify_tickets(desk.database.uow(), [ticket.number]))


def test_the_next_change_after_a_failed_one_starts_from_the_stored_ticket(desk: Desk) -> None:
    ticket = desk.open()
    uow = desk.database.uow()
    with pytest.raises(Boom), uow:
        row = uow.session.get(TicketRow, ticket.id)
        assert row is not None
        change = store.begin(uow, row)
        change.apply(lambda workflow: runtime.complete(
            workflow, runtime.ready_tasks(workflow)[0], {"catatan_telaah": "x"}))
        raise Boom
    # a half-changed workflow never reaches the cache: the real completion still finds step 2
    after = desk.run(ticket, "step02_terima")
    assert "step02_terima" not in desk.pending(after)
    assert all(r.ok for r in engine.verify_tickets(desk.database.uow(), [ticket.number]))


def test_a_change_without_a_workflow_step_appends_and_keeps_the_workflow(desk: Desk) -> None:
    """What comments and claims will do: an event on the chain, the workflow untouched."""
    ticket = desk.open()
    _, count, _, workflow = ticket_state(desk.database, ticket.id)
    with desk.database.uow() as uow:
        row = uow.session.get(TicketRow, ticket.id)
        assert row is not None
        change = store.begin(uow, row)
        event = change.append("comment_added", actor="helpdesk.lkpp", role="Helpdesk LKPP",
                              data={"text": "Sedang kami periksa."})
        pending = change.save()
        change.commit()
    assert [r.spec_name for r in pending] == desk.pending(ticket)
    _, new_count, head, same = ticket_state(desk.database, ticket.id)
    assert (new_count, head, same) == (count + 1, event.hash, workflow)
    with desk.database.uow() as uow:
        events = [engine_event(r) for r in uow.session.scalars(
            select(EventRow).where(EventRow.stream == journal.ticket_stream(ticket.id))
            .order_by(EventRow.seq))]
    assert chain.check_chain(journal.ticket_stream(ticket.id), events, new_count, head) == []


def engine_event(row: EventRow) -> engine.Event:
    return engine.Event(seq=row.seq, at=row.at, actor=row.actor, role=row.role, type=row.type,
                        task=row.task, sop_step=row.sop_step, data=row.data, hash=row.hash,
                        prev_hash=row.prev_hash)


def test_a_stale_ticket_row_is_a_conflict_and_changes_nothing(desk: Desk) -> None:
    ticket = desk.open()
    uow = desk.database.uow()

    @store.one_writer
    def change_from_an_old_read(stale: TicketRow) -> None:
        with uow:
            uow.session.add(stale)
            change = store.begin(uow, stale)
            change.append("comment_added", actor="helpdesk.lkpp", role="Helpdesk LKPP",
                          data={"text": "terlambat"})
            change.save()
            change.commit()

    with desk.database.uow() as reader:
        stale = reader.session.get(TicketRow, ticket.id)
        assert stale is not None
        reader.session.expunge(stale)
    desk.run(ticket, "step02_terima")  # someone else changes the ticket meanwhile
    before = counts(desk.database)
    with pytest.raises(engine.Conflict):
        change_from_an_old_read(stale)
    assert counts(desk.database) == before
    assert all(r.ok for r in engine.verify_tickets(desk.database.uow(), [ticket.number]))


@pytest.mark.parametrize("username", ["helpdesk.lkpp", "admin.bandung", "pengguna.bandung",
                                      "auditor"])
def test_the_engine_refuses_a_deploy_by_anyone_but_a_process_owner(desk: Desk,
                                                                    username: str) -> None:
    actor = desk.user(username)
    bpmn, forms = renamed("step02_terima", "Telaah"), read_forms(DEFAULT_DIAGRAM)
    before = counts(desk.database)
    with pytest.raises(engine.Forbidden):
        engine.deploy(desk.database.uow(), actor, bpmn, forms, note="tidak boleh")
    with pytest.raises(engine.Forbidden):
        engine.validate(desk.database.uow(), actor, bpmn, forms)
    assert counts(desk.database) == before
    owner = desk.user("pemilik.proses")
    assert len(engine.list_versions(desk.database.uow(), owner)) == 1


@pytest.mark.parametrize("username", ["helpdesk.lkpp", "admin.bandung", "pengguna.bandung"])
def test_only_owners_and_auditors_list_versions(desk: Desk, username: str) -> None:
    with pytest.raises(engine.Forbidden):
        engine.list_versions(desk.database.uow(), desk.user(username))
    assert engine.list_versions(desk.database.uow(), desk.user("auditor"))


def test_the_command_line_deploys_as_a_named_process_owner(desk: Desk) -> None:
    bpmn = renamed("step02_terima", "Telaah")
    operator = engine.command_line_operator("eskalasi deploy")
    assert operator.role is engine.Role.PROCESS_OWNER
    version, outcome = engine.deploy(desk.database.uow(), operator, bpmn,
                                     read_forms(DEFAULT_DIAGRAM), note="dari baris perintah")
    assert outcome == "deployed" and version.deployed_by == "eskalasi deploy"
    [log, *_] = engine.deploy_log(desk.database.uow(), desk.user("pemilik.proses"))
    assert (log.actor, log.role, log.data["number"]) == ("eskalasi deploy", "process owner", 2)


def test_a_completion_writes_with_plain_statements_one_each(desk: Desk) -> None:
    ticket = desk.open()
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(desk.database.engine, "before_cursor_execute", record)
    try:
        desk.run(ticket, "step02_terima")
    finally:
        event.remove(desk.database.engine, "before_cursor_execute", record)
    writes = [s.split(" (")[0].split(" SET")[0] for s in seen
              if s.startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes.count("UPDATE tickets") == 1 and writes.count("UPDATE tasks") == 1
    assert writes.count("INSERT INTO events") == 1 and writes.count("INSERT INTO tasks") == 1
    [save] = [s for s in seen if s.startswith("UPDATE tickets")]
    assert "revision" in save.split(" WHERE ")[1]  # the revision check, in the same UPDATE
