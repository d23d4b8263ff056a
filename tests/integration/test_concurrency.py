"""Simultaneous completions of one task: exactly one wins, the rest get a conflict."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

import engine
from engine import Conflict
from engine.tickets import runtime
from tests.desk import STEP_DATA, Desk

THREADS = 8
WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    """Tuesday 24 November 2026, 09:00 WIB, standing still until a test moves it."""
    with time_machine.travel(datetime(2026, 11, 24, 9, tzinfo=WIB), tick=False) as traveller:
        yield traveller


@pytest.mark.parametrize("step", ["step02_terima", "step03_kewenangan"])
def test_threads_completing_the_same_task_give_one_success(desk: Desk, step: str) -> None:
    ticket = desk.open()
    if step == "step03_kewenangan":
        desk.do(ticket, "step02_terima")
    task = desk.task(ticket, step)
    helpdesk = desk.user("helpdesk.lkpp")
    data = {"kewenangan": "LKPP", "alasan_kewenangan": "Server pusat."} if "03" in step else {}
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt() -> None:
        barrier.wait()
        try:
            engine.complete_task(desk.database.uow(), helpdesk, task.id, data)
            result = "ok"
        except Conflict:
            result = "conflict"
        except Exception as err:  # recorded, so the assertion shows it
            result = f"error: {err!r}"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict"] * (THREADS - 1) + ["ok"]
    assert desk.trail(ticket).count(step) == 1
    assert len(desk.pending(ticket)) == 1
    [result] = engine.verify_tickets(desk.database.uow(), [ticket.number])
    assert result.ok, result.problems


def test_a_timer_firing_while_a_task_is_completed_does_not_refuse_the_completion(
        desk: Desk, clock: time_machine.Traveller, monkeypatch: pytest.MonkeyPatch) -> None:
    # Between reading the ticket and saving it, the worker fires the step's timer: the
    # ticket's revision moves on, yet the task is still pending, so the completion stands.
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima")
    clock.move_to(datetime(2026, 11, 24, 13, 1, tzinfo=WIB))  # step 2's 4 hours are over
    complete, fired = runtime.complete, list[int]()

    def complete_while_the_worker_fires(workflow: Any, spiff_task: Any,
                                        data: dict[str, Any]) -> None:
        complete(workflow, spiff_task, data)
        if not fired:
            fired.append(0)
            fired[0] = engine.fire_due_timers(desk.database)

    monkeypatch.setattr(runtime, "complete", complete_while_the_worker_fires)
    done = engine.complete_task(desk.database.uow(), desk.user("helpdesk.lkpp"), task.id,
                                STEP_DATA["step02_terima"])

    assert fired == [1]
    assert [t.spec_name for t in done.tasks] == ["step03_kewenangan"]
    events = engine.list_events(desk.database.uow(), desk.user("auditor"), ticket.id)
    assert [(e.type, e.task) for e in events] == [
        ("ticket_opened", "step01_eskalasi"), ("timer_fired", "step02_terima"),
        ("step_overdue", "step02_terima"), ("task_completed", "step02_terima")]
    [result] = engine.verify_tickets(desk.database.uow(), [ticket.number])
    assert result.ok, result.problems


def test_a_task_completed_meanwhile_is_still_a_conflict_after_the_lost_race(
        desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima")
    complete, raced = runtime.complete, list[bool]()

    def complete_while_a_colleague_completes(workflow: Any, spiff_task: Any,
                                             data: dict[str, Any]) -> None:
        if not raced:  # the colleague's own completion comes through here too
            raced.append(True)
            desk.do(ticket, "step02_terima", catatan_telaah="Yang pertama")
        complete(workflow, spiff_task, data)

    monkeypatch.setattr(runtime, "complete", complete_while_a_colleague_completes)
    with pytest.raises(Conflict, match="baru saja diselesaikan oleh orang lain"):
        engine.complete_task(desk.database.uow(), desk.user("helpdesk.lkpp"), task.id,
                             {"catatan_telaah": "Yang kedua"})

    assert desk.trail(ticket).count("step02_terima") == 1
    assert desk.pending(ticket) == ["step03_kewenangan"]
