"""Simultaneous completions of one task: exactly one wins, the rest get a conflict."""

from __future__ import annotations

import threading

import pytest

import engine
from engine import Conflict
from tests.desk import Desk

THREADS = 8


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
