"""Moving open tickets to a newer version: the dry run, the move, and verify afterwards."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

import engine
from engine.process.validation import NS
from engine.tickets import version_moves
from tests.desk import Desk
from tests.diagram_edits import (
    FORMS,
    NO_SCENARIOS,
    SOURCE,
    edit,
    form_with_field,
    renamed,
    replaced_id,
)

WIB = ZoneInfo("Asia/Jakarta")
# Version 2: step 4 replaced by a new element, and a field added to step 12's form.
V2_BPMN = replaced_id("step04_panduan", "step04_arahan")
V2_FORMS = form_with_field("step12_penanganan.json", "nomor_tiket_vendor", "Nomor Tiket Vendor")


def deploy(desk: Desk, bpmn: bytes = V2_BPMN,
           forms: dict[str, bytes] = V2_FORMS) -> engine.ProcessVersion:
    # Versions that change the paths the shipped scenarios walk: deployed without them.
    version, outcome = engine.deploy(desk.database.uow(),
                                     engine.command_line_operator("pemilik.proses"), bpmn, forms,
                                     "v2", scenarios=NO_SCENARIOS)
    assert outcome == "deployed"
    return version


def owner(desk: Desk) -> engine.User:
    return desk.user("pemilik.proses")


def plan(desk: Desk, version: engine.ProcessVersion) -> dict[str, engine.MigrationCheck]:
    found = engine.plan_migration(desk.database.uow(), owner(desk), version.id)
    return {check.ticket_number: check for check in found.tickets}


def at_step03(desk: Desk) -> engine.Ticket:
    return desk.run(desk.open(), "step02_terima")


def at_step04(desk: Desk) -> engine.Ticket:
    return desk.run(desk.open(), "step02_terima", ("step03_kewenangan", {"kewenangan": "LPSE"}))


def at_step12(desk: Desk) -> engine.Ticket:
    return desk.run(desk.open(), "step02_terima", "step03_kewenangan", "step05_kelengkapan")


def verified(desk: Desk) -> dict[str, engine.Verification]:
    return {r.ticket_number: r for r in engine.verify_tickets(desk.database.uow())}


def test_the_dry_run_says_which_tickets_can_move_and_why_the_others_cannot(desk: Desk) -> None:
    upstream, on_removed, on_changed = at_step03(desk), at_step04(desk), at_step12(desk)
    closed = desk.run(at_step04(desk), "step04_panduan")
    version = deploy(desk)
    checks = plan(desk, version)
    assert set(checks) == {upstream.number, on_removed.number, on_changed.number}
    assert closed.number not in checks
    assert checks[upstream.number].can_migrate
    assert "step03" not in checks[upstream.number].positions[0]  # step names, not ids
    [removed] = checks[on_removed.number].blockers
    assert removed.code == "position_removed" and removed.element == "step04_panduan"
    assert "dihapus pada versi 2" in removed.message
    [changed] = checks[on_changed.number].blockers
    assert (changed.code, changed.element, changed.detail) == (
        "position_changed", "step12_penanganan", "form_changed")
    assert "formulir diubah" in changed.message
    # a dry run changes nothing
    assert desk.trail(upstream)[-1] == "step02_terima"
    assert engine.get_ticket(desk.database.uow(), desk.user("helpdesk.lkpp"),
                             upstream.id).process_version == upstream.process_version


def test_a_ticket_past_a_changed_step_cannot_move_but_one_before_it_can(desk: Desk) -> None:
    before, past = desk.open(), at_step12(desk)
    version = deploy(desk, SOURCE, form_with_field("step03_kewenangan.json", "x", "X"))
    checks = plan(desk, version)
    [blocker] = checks[past.number].blockers
    assert (blocker.code, blocker.element) == ("passed_changed", "step03_kewenangan")
    assert "sudah dilalui" in blocker.message
    assert checks[before.number].can_migrate


def test_a_rename_anywhere_never_stops_a_ticket(desk: Desk) -> None:
    ticket = at_step03(desk)
    version = deploy(desk, renamed("step03_kewenangan", "Kewenangan"), FORMS)
    assert plan(desk, version)[ticket.number].can_migrate
    [result] = engine.migrate_tickets(desk.database.uow, owner(desk), version.id, [ticket.id])
    assert result.migrated
    assert desk.task(ticket, "step03_kewenangan").name == "Kewenangan"


def test_migrated_tickets_go_on_on_the_new_version_and_verify(desk: Desk) -> None:
    movable, stuck = at_step03(desk), at_step04(desk)
    task_before = desk.task(movable, "step03_kewenangan")
    version = deploy(desk)
    results = engine.migrate_tickets(desk.database.uow, owner(desk), version.id,
                                     [movable.id, stuck.id])
    assert [(r.ticket_number, r.migrated) for r in results] == [(movable.number, True),
                                                               (stuck.number, False)]
    assert results[1].blockers[0].code == "position_removed"
    helpdesk = desk.user("helpdesk.lkpp")
    moved = engine.get_ticket(desk.database.uow(), helpdesk, movable.id)
    assert moved.process_version == version.id
    assert [t.id for t in moved.tasks] == [task_before.id]  # the same pending task, re-pinned
    events = engine.list_events(desk.database.uow(), desk.user("auditor"), movable.id)
    assert events[-1].type == "ticket_migrated"
    assert events[-1].data == {"from_version": movable.process_version,
                               "to_version": version.id, "from_number": 1, "to_number": 2}
    assert engine.get_ticket(desk.database.uow(), helpdesk,
                             stuck.id).process_version == stuck.process_version
    # new tickets start on the newest version; the stuck one stays where it was
    assert desk.open().process_version == version.id
    assert all(r.ok for r in verified(desk).values()), verified(desk)
    # the moved ticket now takes the new version's path
    desk.do(movable, "step03_kewenangan", kewenangan="LPSE")
    assert desk.pending(movable) == ["step04_arahan"]
    task = desk.task(movable, "step04_arahan")
    closed = engine.complete_task(desk.database.uow(), helpdesk, task.id,
                                  {"panduan": "Ikuti panduan."})
    assert closed.status == "closed"
    desk.do(stuck, "step04_panduan")
    results_after = verified(desk)
    assert all(r.ok for r in results_after.values()), results_after


def test_a_second_migration_does_nothing_to_a_moved_ticket(desk: Desk) -> None:
    ticket = at_step03(desk)
    version = deploy(desk)
    engine.migrate_tickets(desk.database.uow, owner(desk), version.id, [ticket.id])
    [again] = engine.migrate_tickets(desk.database.uow, owner(desk), version.id, [ticket.id])
    assert not again.migrated and again.blockers[0].code == "same_version"
    assert ticket.number not in plan(desk, version)


def test_an_edited_migration_event_fails_verify(desk: Desk) -> None:
    ticket = at_step03(desk)
    version = deploy(desk)
    engine.migrate_tickets(desk.database.uow, owner(desk), version.id, [ticket.id])
    desk.tamper("UPDATE events SET data = :data WHERE stream = :s AND type = 'ticket_migrated'",
                data='{"from_version": "x", "to_version": "y", "from_number": 1, "to_number": 2}',
                s=f"ticket:{ticket.id}")
    result = verified(desk)[ticket.number]
    assert not result.ok
    assert any("edited" in p for p in result.problems)
    assert any("moves the ticket from version 'x'" in p for p in result.problems), result


def test_a_deleted_migration_event_fails_verify(desk: Desk) -> None:
    ticket = at_step03(desk)
    version = deploy(desk)
    engine.migrate_tickets(desk.database.uow, owner(desk), version.id, [ticket.id])
    desk.tamper("DELETE FROM events WHERE stream = :s AND type = 'ticket_migrated'",
                s=f"ticket:{ticket.id}")
    assert not verified(desk)[ticket.number].ok


def test_a_ticket_pinned_back_without_its_events_fails_verify(desk: Desk) -> None:
    ticket = at_step03(desk)
    version = deploy(desk)
    engine.migrate_tickets(desk.database.uow, owner(desk), version.id, [ticket.id])
    desk.tamper("UPDATE tickets SET process_version_id = :v WHERE id = :t",
                v=ticket.process_version, t=ticket.id)
    result = verified(desk)[ticket.number]
    assert not result.ok and any("pinned" in p for p in result.problems)


def test_bad_requests_change_nothing(desk: Desk) -> None:
    ticket = at_step03(desk)
    version = deploy(desk)
    with pytest.raises(engine.InvalidData):
        engine.migrate_tickets(desk.database.uow, owner(desk), version.id, [])
    with pytest.raises(engine.NotFound):
        engine.migrate_tickets(desk.database.uow, owner(desk), "nope", [ticket.id])
    with pytest.raises(engine.NotFound):
        engine.plan_migration(desk.database.uow(), owner(desk), "nope")
    [missing] = engine.migrate_tickets(desk.database.uow, owner(desk), version.id, [999999])
    assert not missing.migrated and missing.blockers[0].code == "not_found"
    for username in ("admin.bandung", "helpdesk.lkpp", "auditor", "pengguna.bandung"):
        with pytest.raises(engine.Forbidden):
            engine.migrate_tickets(desk.database.uow, desk.user(username), version.id,
                                   [ticket.id])
        with pytest.raises(engine.Forbidden):
            engine.plan_migration(desk.database.uow(), desk.user(username), version.id)
    assert desk.trail(ticket)[-1] == "step02_terima"
    assert engine.get_ticket(desk.database.uow(), desk.user("helpdesk.lkpp"),
                             ticket.id).process_version == ticket.process_version


def test_a_moved_ticket_s_time_limit_still_fires_and_replays(desk: Desk) -> None:
    with time_machine.travel(datetime(2026, 11, 24, 9, tzinfo=WIB), tick=False) as clock:
        late, waiting = desk.open(), desk.open()
        clock.move_to(datetime(2026, 11, 24, 13, 1, tzinfo=WIB))
        assert engine.fire_due_timers(desk.database) == 2
        engine.fire_due_timers(desk.database)
        later = desk.open()
        due = desk.task(later, "step02_terima").due_at
        assert due is not None
        version = deploy(desk)
        results = engine.migrate_tickets(desk.database.uow, owner(desk), version.id,
                                         [late.id, waiting.id, later.id])
        assert all(r.migrated for r in results), results
        assert desk.task(later, "step02_terima").due_at == due  # the clock is not reset
        clock.move_to(due + timedelta(minutes=1))
        assert engine.fire_due_timers(desk.database) == 1  # the later ticket's step 2
        events = engine.list_events(desk.database.uow(), desk.user("auditor"), later.id)
        assert [e.type for e in events][-3:] == ["ticket_migrated", "timer_fired",
                                                 "step_overdue"]
        for ticket in (late, waiting, later):
            desk.run(ticket, "step02_terima")
        assert all(r.ok for r in verified(desk).values()), verified(desk)


def test_a_ticket_moved_twice_replays_across_three_versions(desk: Desk) -> None:
    ticket = at_step03(desk)
    second = deploy(desk)
    [first_move] = engine.migrate_tickets(desk.database.uow, owner(desk), second.id,
                                          [ticket.id])
    third = deploy(desk, renamed("step05_kelengkapan", "Kelengkapan", V2_BPMN), V2_FORMS)
    [second_move] = engine.migrate_tickets(desk.database.uow, owner(desk), third.id,
                                           [ticket.id])
    assert first_move.migrated and second_move.migrated
    desk.do(ticket, "step03_kewenangan")
    assert desk.task(ticket, "step05_kelengkapan").name == "Kelengkapan"
    moves = [e.data for e in engine.list_events(desk.database.uow(), desk.user("auditor"),
                                                ticket.id) if e.type == "ticket_migrated"]
    assert [(m["from_number"], m["to_number"]) for m in moves] == [(1, 2), (2, 3)]
    assert verified(desk)[ticket.number].ok


def without_timer_of_step03(root: object) -> None:
    for element_id in ("Timer_03_batas_waktu", "EndEvent_03_pengingat", "Flow_03_batas_waktu"):
        for found in root.xpath(  # type: ignore[attr-defined]
                f"//*[@id='{element_id}' or @bpmnElement='{element_id}'] | "
                f"//bpmn:flowNodeRef[text()='{element_id}']", namespaces=NS):
            found.getparent().remove(found)


def test_a_removed_timer_stops_the_tickets_that_reached_its_step(desk: Desk) -> None:
    before_step, on_step = desk.open(), at_step03(desk)
    past_step = desk.run(at_step03(desk), "step03_kewenangan")
    version = deploy(desk, edit(without_timer_of_step03), FORMS)
    checks = plan(desk, version)
    [blocker] = checks[on_step.number].blockers
    assert (blocker.code, blocker.element, blocker.detail) == (
        "position_changed", "step03_kewenangan", "removed:timer")
    assert "pengatur waktu dihapus" in blocker.message
    [blocker] = checks[past_step.number].blockers
    assert (blocker.code, blocker.element) == ("passed_changed", "step03_kewenangan")
    assert checks[before_step.number].can_migrate  # the timer is ahead of it
    [result] = engine.migrate_tickets(desk.database.uow, owner(desk), version.id,
                                      [before_step.id])
    assert result.migrated
    desk.run(before_step, "step02_terima", "step03_kewenangan")
    assert verified(desk)[before_step.number].ok


def test_a_timer_added_to_a_step_already_done_does_not_stop_a_ticket(desk: Desk) -> None:
    first = engine.list_versions(desk.database.uow(), engine.command_line_operator("tests"))[0]
    deploy(desk, edit(without_timer_of_step03), FORMS)
    ticket = desk.run(desk.open(), "step02_terima", "step03_kewenangan")
    back, outcome = engine.deploy(desk.database.uow(),
                                  engine.command_line_operator("pemilik.proses"), SOURCE, FORMS)
    assert outcome == "reactivated" and back.id == first.id
    assert plan(desk, back)[ticket.number].can_migrate
    [result] = engine.migrate_tickets(desk.database.uow, owner(desk), back.id, [ticket.id])
    assert result.migrated
    desk.do(ticket, "step05_kelengkapan")
    assert verified(desk)[ticket.number].ok


def test_a_ticket_changed_during_its_move_is_left_as_the_other_change_made_it(
        desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    ticket = at_step03(desk)
    version = deploy(desk)
    real_check = version_moves.check

    def check_while_someone_completes(*args: object) -> object:
        found = real_check(*args)  # type: ignore[arg-type]
        desk.do(ticket, "step03_kewenangan")  # meanwhile, the helpdesk goes on
        return found

    monkeypatch.setattr(version_moves, "check", check_while_someone_completes)
    [result] = engine.migrate_tickets(desk.database.uow, owner(desk), version.id, [ticket.id])
    assert not result.migrated and result.blockers[0].code == "conflict"
    assert engine.get_ticket(desk.database.uow(), desk.user("helpdesk.lkpp"),
                             ticket.id).process_version == ticket.process_version
    assert desk.trail(ticket)[-1] == "step03_kewenangan"
    assert verified(desk)[ticket.number].ok
