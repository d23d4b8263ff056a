"""Step time limits on the working calendar: due times, timers firing, replay, workers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import delete, select, update

import engine
from engine import Database
from engine.persistence.tables import EventRow, LpseRow, TaskRow, TimerRow
from engine.tickets.notifications import list_notifications
from tests.conftest import POSTGRES_URL
from tests.desk import Desk

WIB, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Jayapura")


def wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    """Time stands still on Tuesday 24 November 2026, 09:00 WIB, until a test moves it."""
    with time_machine.travel(wib(2026, 11, 24, 9), tick=False) as traveller:
        yield traveller


def events_of(database: Database, ticket_id: int, kind: str) -> list[dict[str, Any]]:
    """The data of the ticket's events of one type, in order."""
    with database.uow() as uow:
        return [dict(row.data) for row in uow.session.scalars(select(EventRow).where(
            EventRow.ticket_id == ticket_id, EventRow.type == kind).order_by(EventRow.seq))]


def set_timezone(database: Database, code: str, zone: str) -> None:
    with database.uow() as uow:
        uow.session.execute(update(LpseRow).where(LpseRow.code == code).values(timezone=zone))
        uow.commit()


def test_a_new_task_is_due_after_its_working_hours_across_the_weekend(
        desk: Desk) -> None:
    # Friday 27 November 2026 14:00 WIB; step 2 allows 4 working hours: 2 on Friday, 2 on
    # Monday from 08:00.
    with time_machine.travel(wib(2026, 11, 27, 14), tick=False):
        ticket = desk.open()
    task = desk.task(ticket, "step02_terima")
    assert task.due_at == wib(2026, 11, 30, 10).astimezone(UTC)
    assert ticket.tasks[0].due_at == task.due_at


def test_a_national_holiday_stops_the_clock(desk: Desk) -> None:
    # Friday 14 August 2026 15:00 WIB; Monday 17 August is Independence Day.
    with time_machine.travel(wib(2026, 8, 14, 15), tick=False):
        ticket = desk.open()
    assert desk.task(ticket, "step02_terima").due_at == wib(2026, 8, 18, 11).astimezone(UTC)


def test_the_lpse_time_zone_decides_the_office_hours(database: Database, desk: Desk) -> None:
    set_timezone(database, "kota-bandung", "Asia/Jayapura")  # WIT, two hours ahead of WIB
    with time_machine.travel(datetime(2026, 11, 24, 4, 0, tzinfo=UTC), tick=False):
        bandung = desk.open()  # 13:00 WIT: three office hours left today
        surabaya = desk.open("admin.surabaya", "pengguna.surabaya")  # 11:00 WIB: five left
    wit_due = desk.task(bandung, "step02_terima").due_at
    wib_due = desk.task(surabaya, "step02_terima").due_at
    assert wit_due == datetime(2026, 11, 25, 9, 0, tzinfo=WIT).astimezone(UTC)
    assert wib_due == wib(2026, 11, 24, 15).astimezone(UTC)


def test_a_timer_fires_once_after_the_limit_and_replay_verifies(
        database: Database, desk: Desk, clock: time_machine.Traveller) -> None:
    ticket = desk.open()
    due = desk.task(ticket, "step02_terima").due_at
    assert due == wib(2026, 11, 24, 13).astimezone(UTC)
    clock.move_to(wib(2026, 11, 24, 12, 59))
    assert engine.fire_due_timers(database) == 0
    clock.move_to(wib(2026, 11, 24, 13, 1))
    assert engine.fire_due_timers(database) == 1
    assert engine.fire_due_timers(database) == 0

    fired = events_of(database, ticket.id, "timer_fired")
    assert fired == [{"timer": "Timer_02_batas_waktu", "task": "step02_terima",
                                        "due_at": due.isoformat(timespec="microseconds")}]
    overdue = events_of(database, ticket.id, "step_overdue")
    assert overdue == [{
        "task": "step02_terima", "sop_step": 2, "lane": "Helpdesk LKPP", "holder": None,
        "charged_to": "Helpdesk LKPP", "due_at": due.isoformat(timespec="microseconds")}]
    # Non-interrupting: the step is still with Helpdesk LKPP, and the ticket goes on.
    assert desk.pending(ticket) == ["step02_terima"]
    [result] = engine.verify_tickets(database.uow(), [ticket.number])
    assert result.ok, result.problems
    desk.run(ticket, "step02_terima", "step03_kewenangan")
    [result] = engine.verify_tickets(database.uow(), [ticket.number])
    assert result.ok, result.problems

    helpdesk = list_notifications(database.uow(), desk.user("helpdesk.lkpp"))
    owner = list_notifications(database.uow(), desk.user("pemilik.proses"))
    assert any(n.kind == "reminder" and "Batas waktu terlewati" in n.subject for n in helpdesk)
    assert any(n.kind == "reminder" for n in owner)


def test_the_clock_stands_still_over_the_weekend(database: Database, desk: Desk) -> None:
    with time_machine.travel(wib(2026, 11, 27, 14), tick=False) as clock:  # a Friday
        ticket = desk.open()
        clock.move_to(wib(2026, 11, 30, 9, 59))  # Monday: 2 of the 4 hours are left at 08:00
        assert engine.fire_due_timers(database) == 0
        clock.move_to(wib(2026, 11, 30, 10, 1))
        assert engine.fire_due_timers(database) == 1
    assert [e["task"] for e in events_of(database, ticket.id, "timer_fired")] == [
        "step02_terima"]


def test_the_clock_stands_still_on_a_national_holiday(database: Database, desk: Desk) -> None:
    with time_machine.travel(wib(2026, 8, 14, 15), tick=False) as clock:  # Friday
        ticket = desk.open()
        clock.move_to(wib(2026, 8, 17, 15, 30))  # Independence Day: more than 4 hours later
        assert engine.fire_due_timers(database) == 0
        clock.move_to(wib(2026, 8, 18, 11, 1))
        assert engine.fire_due_timers(database) == 1
    [overdue] = events_of(database, ticket.id, "step_overdue")
    assert overdue["due_at"] == wib(2026, 8, 18, 11).astimezone(UTC).isoformat(
        timespec="microseconds")


def test_the_lpse_time_zone_decides_when_a_timer_fires(database: Database, desk: Desk) -> None:
    set_timezone(database, "kota-bandung", "Asia/Jayapura")
    with time_machine.travel(datetime(2026, 11, 24, 4, 0, tzinfo=UTC), tick=False) as clock:
        bandung = desk.open()  # due Wednesday 09:00 WIT
        surabaya = desk.open("admin.surabaya", "pengguna.surabaya")  # due Tuesday 15:00 WIB
        clock.move_to(datetime(2026, 11, 24, 8, 1, tzinfo=UTC))  # 15:01 WIB, 17:01 WIT
        assert engine.fire_due_timers(database) == 1
        assert events_of(database, surabaya.id, "timer_fired") != []
        clock.move_to(datetime(2026, 11, 24, 23, 59, tzinfo=UTC))  # 08:59 WIT Wednesday
        assert engine.fire_due_timers(database) == 0
        clock.move_to(datetime(2026, 11, 25, 0, 1, tzinfo=UTC))  # 09:01 WIT
        assert engine.fire_due_timers(database) == 1
        assert events_of(database, bandung.id, "timer_fired") != []


def test_a_timer_that_cannot_fire_does_not_hold_up_the_others(
        database: Database, desk: Desk, clock: time_machine.Traveller) -> None:
    broken = desk.open()
    clock.move_to(wib(2026, 11, 24, 10))
    later = desk.open()
    with database.uow() as uow:
        uow.session.execute(update(TimerRow).where(TimerRow.ticket_id == broken.id)
                            .values(task_spec="step99_hilang"))
        uow.commit()
    clock.move_to(wib(2026, 11, 25, 15))
    assert engine.fire_due_timers(database) == 1
    assert events_of(database, later.id, "timer_fired") != []
    assert events_of(database, broken.id, "timer_fired") == []
    with database.uow() as uow:
        states = dict(uow.session.execute(select(TimerRow.ticket_id, TimerRow.state)).all())
    assert states == {broken.id: "failed", later.id: "fired"}
    assert engine.fire_due_timers(database) == 0


def test_a_step_completed_in_time_never_fires(database: Database, desk: Desk,
                                              clock: time_machine.Traveller) -> None:
    ticket = desk.open()
    desk.do(ticket, "step02_terima")  # step 3 now has a whole working day
    clock.move_to(wib(2026, 11, 24, 15))
    assert engine.fire_due_timers(database) == 0
    assert events_of(database, ticket.id, "timer_fired") == []
    with database.uow() as uow:  # step 2's timer went with its completion; step 3's waits
        timers = uow.session.execute(select(TimerRow.task_spec, TimerRow.state)).all()
    assert [tuple(timer) for timer in timers] == [("step03_kewenangan", "waiting")]


def test_a_timer_whose_task_row_went_is_cancelled(database: Database, desk: Desk,
                                                 clock: time_machine.Traveller) -> None:
    ticket = desk.open()
    with database.uow() as uow:  # as when a ticket moves to a version without the step
        uow.session.execute(delete(TaskRow).where(TaskRow.ticket_id == ticket.id,
                                                  TaskRow.completed_at.is_(None)))
        uow.commit()
    clock.move_to(wib(2026, 11, 25, 15))
    assert engine.fire_due_timers(database) == 0
    with database.uow() as uow:
        assert list(uow.session.scalars(select(TimerRow.state))) == ["cancelled"]


def test_data_wait_steps_are_charged_to_the_side_asked_for_data(
        database: Database, desk: Desk, clock: time_machine.Traveller) -> None:
    ticket = desk.open()
    desk.run(ticket, "step02_terima", "step03_kewenangan",
             ("step05_kelengkapan", {"perlu_data_tambahan": True}), "step06_minta_data")
    clock.move_to(wib(2026, 11, 26, 9))  # step 7 (4 working hours) is late
    assert engine.fire_due_timers(database) == 1
    [overdue] = events_of(database, ticket.id, "step_overdue")
    assert overdue["task"] == "step07_terima_permintaan"
    assert overdue["holder"] == "admin.bandung"
    assert overdue["charged_to"] == "Admin LPSE"
    admin = list_notifications(database.uow(), desk.user("admin.bandung"))
    assert any(n.kind == "reminder" and n.link.startswith("/tugas/") for n in admin)


def test_step_6_is_on_the_admin_clock_though_helpdesk_writes_it(
        database: Database, desk: Desk, clock: time_machine.Traveller) -> None:
    ticket = desk.open()
    desk.run(ticket, "step02_terima", "step03_kewenangan",
             ("step05_kelengkapan", {"perlu_data_tambahan": True}))
    clock.move_to(wib(2026, 11, 26, 9))
    assert engine.fire_due_timers(database) == 1
    [overdue] = events_of(database, ticket.id, "step_overdue")
    assert (overdue["lane"], overdue["holder"], overdue["charged_to"]) == (
        "Helpdesk LKPP", "helpdesk.lkpp", "Admin LPSE")


def test_timers_survive_a_restart(database_url: str, clock: time_machine.Traveller) -> None:
    first = Database(database_url)
    ticket = Desk(first).open()
    first.dispose()
    clock.move_to(wib(2026, 12, 1, 9))
    second = Database(database_url)
    try:
        assert engine.fire_due_timers(second) == 1
        [result] = engine.verify_tickets(second.uow(), [ticket.number])
        assert result.ok, result.problems
    finally:
        second.dispose()


def test_the_limit_caps_one_round(database: Database, desk: Desk,
                                  clock: time_machine.Traveller) -> None:
    for _ in range(3):
        desk.open()
    clock.move_to(wib(2026, 11, 25, 9))
    assert engine.fire_due_timers(database, limit=2) == 2
    assert engine.fire_due_timers(database, limit=2) == 1
    assert engine.fire_due_timers(database, now=datetime.now(UTC)) == 0


@pytest.mark.skipif(not POSTGRES_URL, reason="needs ESKALASI_TEST_DATABASE_URL (PostgreSQL)")
def test_two_workers_on_postgresql_never_fire_the_same_timer_twice(
        database_url: str, clock: time_machine.Traveller) -> None:
    setup = Database(database_url)
    desk = Desk(setup)
    tickets = [desk.open() for _ in range(12)]
    setup.dispose()
    clock.move_to(wib(2026, 11, 26, 9))
    workers = [Database(database_url) for _ in range(4)]
    start = threading.Barrier(len(workers))
    counts: list[int] = []
    failures: list[BaseException] = []

    def work(database: Database) -> None:
        try:
            start.wait()
            total = 0
            for _ in range(20):
                total += engine.fire_due_timers(database, limit=3)
            counts.append(total)
        except BaseException as err:  # reported below, in the test's thread
            failures.append(err)

    threads = [threading.Thread(target=work, args=(db,)) for db in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for database in workers[1:]:
        database.dispose()
    assert failures == []
    assert sum(counts) == len(tickets)
    check = workers[0]
    try:
        for ticket in tickets:
            assert len(events_of(check, ticket.id, "timer_fired")) == 1
        assert all(result.ok for result in engine.verify_tickets(check.uow()))
    finally:
        check.dispose()
