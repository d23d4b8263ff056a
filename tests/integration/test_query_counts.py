"""Hot paths issue a fixed number of statements: none per row, none done twice."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

import engine
from engine import Database
from tests.desk import STEP_DATA, Desk


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    """The SQL statements sent to the database inside the block."""
    sent: list[str] = []

    def record(*args: object) -> None:
        sent.append(" ".join(str(args[2]).split()))

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(database.engine, "before_cursor_execute", record)


def test_an_inbox_across_lpses_costs_no_query_per_lpse(desk: Desk) -> None:
    helpdesk = desk.user("helpdesk.lkpp")
    desk.open()
    with statements(desk.database) as one_lpse:
        assert len(engine.list_tasks(desk.database.uow(), helpdesk)) == 1
    desk.open("admin.surabaya", "pengguna.surabaya")
    with statements(desk.database) as two_lpses:
        tasks = engine.list_tasks(desk.database.uow(), helpdesk)

    assert {task.lpse for task in tasks} == {"LPSE Kota Bandung", "LPSE Kota Surabaya"}
    assert all(task.lpse_timezone == "Asia/Jakarta" for task in tasks)
    assert len(two_lpses) == len(one_lpse) == 3


def test_a_new_task_is_inserted_with_its_due_time_not_updated_after(desk: Desk) -> None:
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima")
    with statements(desk.database) as sent:
        done = engine.complete_task(desk.database.uow(), desk.user("helpdesk.lkpp"), task.id,
                                    STEP_DATA["step02_terima"])

    [step3] = done.tasks
    assert step3.due_at is not None
    assert not [s for s in sent if s.startswith("UPDATE tasks SET due_at")], sent
    assert len([s for s in sent if s.startswith("INSERT INTO tasks")]) == 1
