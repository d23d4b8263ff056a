"""The auditors' report counts hours by value: tickets with known timestamps (the clock held
still by time-machine), the report's hours per step and per lane checked as numbers."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import time_machine

import engine
from tests.desk import Desk

WIB = ZoneInfo("Asia/Jakarta")


def wib(hour: int, minute: int = 0) -> datetime:
    """Tuesday 24 November 2026 at hour:minute in Jakarta."""
    return datetime(2026, 11, 24, hour, minute, tzinfo=WIB)


def test_hours_per_step_and_lane_are_the_hours_each_task_was_held(desk: Desk) -> None:
    with time_machine.travel(wib(9), tick=False) as clock:
        first = desk.open()                    # step 2 waits from 09:00
        clock.move_to(wib(10))
        second = desk.open()                   # step 2 waits from 10:00
        clock.move_to(wib(10, 30))
        desk.do(first, "step02_terima")        # held 1.5 h; step 3 waits from 10:30
        desk.do(second, "step02_terima")       # held 0.5 h; step 3 waits from 10:30
        clock.move_to(wib(12, 30))
        desk.do(first, "step03_kewenangan")    # held 2 h; step 5 waits from 12:30
    assert desk.pending(first) == ["step05_kelengkapan"]
    assert desk.pending(second) == ["step03_kewenangan"]

    report = engine.audit_report(desk.database.uow(), desk.user("auditor"),
                                 now=wib(15, 30).astimezone(UTC))

    # Rounded to 0.0001 h: SQLite computes seconds from Julian days (floating point).
    # Per step: the mean of the completed tasks only (a pending task has no duration yet).
    steps = {f.label.split(".")[0]: (round(f.value, 4), f.count) for f in report.hours_per_step}
    assert steps == {"1": (0.0, 2),
                     "2": (1.0, 2),   # (1.5 + 0.5) / 2
                     "3": (2.0, 1)}
    # Per lane: every hour a task of the lane was held, done or still pending at `now`
    # (15:30), per ticket. Step 1 is the Admin LPSE's, steps 2, 3 and 5 the Helpdesk's:
    # first 1.5 + 2 + 3 (step 5 since 12:30), second 0.5 + 5 (step 3 since 10:30) = 12 h.
    lanes = {f.label: (round(f.value, 4), f.count) for f in report.hours_per_lane}
    assert lanes == {"Pengguna SPSE": (0.0, 2),
                     "Admin LPSE": (0.0, 2),
                     "Helpdesk LKPP": (12.0 / 2, 2)}


def test_hours_are_counted_for_the_tickets_opened_in_the_range_only(desk: Desk) -> None:
    with time_machine.travel(wib(9), tick=False) as clock:
        inside = desk.open()
        clock.move_to(wib(11))
        desk.do(inside, "step02_terima")       # 2 h, opened on the 24th
        clock.move_to(datetime(2026, 11, 25, 9, tzinfo=WIB))
        outside = desk.open()
        clock.move_to(datetime(2026, 11, 25, 13, tzinfo=WIB))
        desk.do(outside, "step02_terima")      # 4 h, opened on the 25th
    day = wib(0).date()
    report = engine.audit_report(desk.database.uow(), desk.user("auditor"), date_from=day,
                                 date_to=day, now=datetime(2026, 11, 26, tzinfo=WIB))
    steps = {f.label.split(".")[0]: (round(f.value, 4), f.count) for f in report.hours_per_step}
    assert steps["2"] == (2.0, 1)
