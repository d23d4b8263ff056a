"""Report figures in WORKING hours of each ticket's LPSE (issue 16), checked by value: tickets
held across a weekend and the Christmas holidays of 2026 (Thursday 24 December is cuti
bersama, Friday 25 December Christmas), one LPSE in WIB and one in WIT; a renamed step is one
row named as the current version names it; the chart's labels wrap and its values read."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from flask import Flask

import engine
from engine.audit.working_time import Clocks, WorkingClock, task_times
from engine.process.calendar import WorkingCalendar
from engine.process.files import DEFAULT_DIAGRAM
from tests.desk import Desk
from web.audit.charts import bar_chart
from web.audit.views import duration_text

WIB, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Jayapura")
# Wednesday 23 December 2026, 10:00 WIB (12:00 WIT) to Monday 28 December, 15:00 WIB
# (17:00 WIT): Thursday and Friday are days off, then the weekend.
OPENED = datetime(2026, 12, 23, 10, tzinfo=WIB)
DONE = datetime(2026, 12, 28, 15, tzinfo=WIB)
# WIB: Wednesday 10-16 (6 h) + Monday 08-15 (7 h). WIT: Wednesday 12-16 (4 h) + Monday
# 08-16 (8 h). In calendar hours both would be 125.
WIB_HOURS, WIT_HOURS = 13.0, 12.0


def to_wit(desk: Desk) -> None:
    """LPSE Kota Surabaya moves to WIT (as if it were in Papua)."""
    engine.edit_lpse(desk.database.uow(), desk.user("admin.sistem"), "kota-surabaya",
                     "LPSE Kota Surabaya", "Asia/Jayapura")


def test_the_clock_agrees_with_the_calendar_walked_day_by_day() -> None:
    chooser = random.Random(16)
    for zone in (WIB, WIT):
        calendar = WorkingCalendar(zone)
        clock = WorkingClock(calendar)
        for _ in range(300):
            start = datetime(2025, 12, 20, tzinfo=UTC) + timedelta(
                minutes=chooser.randrange(60 * 24 * 400))
            end = start + timedelta(minutes=chooser.randrange(60 * 24 * 20))
            assert clock.between(start, end) == calendar.working_time_between(start, end)
        assert clock.between(OPENED, DONE) == timedelta(
            hours=WIB_HOURS if zone is WIB else WIT_HOURS)
        assert clock.between(DONE, OPENED) == timedelta(0)


def test_report_hours_are_working_hours_in_each_lpse_s_calendar(desk: Desk) -> None:
    to_wit(desk)
    with time_machine.travel(OPENED, tick=False) as clock:
        bandung = desk.open()
        surabaya = desk.open(admin="admin.surabaya", reporter="pengguna.surabaya")
        clock.move_to(DONE)
        desk.do(bandung, "step02_terima")
        desk.do(surabaya, "step02_terima")
    report = engine.audit_report(desk.database.uow(), desk.user("auditor"),
                                 now=DONE.astimezone(UTC))
    steps = {f.label: (round(f.value, 6), f.count) for f in report.hours_per_step}
    assert steps == {"1. Mengeskalasi permasalahan ke Helpdesk LKPP": (0.0, 2),
                     "2. Menerima dan mempelajari permasalahan": (
                         (WIB_HOURS + WIT_HOURS) / 2, 2)}
    lanes = {f.label: round(f.value, 6) for f in report.hours_per_lane}
    # Step 3 waits from DONE, which is `now`: no time yet.
    assert lanes["Helpdesk LKPP"] == (WIB_HOURS + WIT_HOURS) / 2
    # The same figures one by one, as the dashboard and heatmap read them.
    with desk.database.uow() as uow:
        held = {(t.ticket_id, t.sop_step): t.working for t in
                task_times(uow.session, [], DONE.astimezone(UTC), Clocks())}
    assert held[(bandung.id, 2)] == timedelta(hours=WIB_HOURS)
    assert held[(surabaya.id, 2)] == timedelta(hours=WIT_HOURS)


def test_a_renamed_step_is_one_row_named_as_the_current_version_names_it(
        desk: Desk) -> None:
    with time_machine.travel(datetime(2026, 11, 24, 9, tzinfo=WIB), tick=False) as clock:
        before = desk.open()
        clock.move_to(datetime(2026, 11, 24, 10, tzinfo=WIB))
        desk.do(before, "step02_terima")                     # 1 h on version 1
        renamed = DEFAULT_DIAGRAM.read_bytes().replace(
            b'name="Menerima dan mempelajari permasalahan"',
            b'name="Menerima dan menelaah permasalahan"')
        engine.deploy(desk.database.uow(), engine.command_line_operator("pemilik.proses"),
                      renamed, engine.read_forms(DEFAULT_DIAGRAM))
        after = desk.open()
        clock.move_to(datetime(2026, 11, 24, 13, tzinfo=WIB))
        desk.do(after, "step02_terima")                      # 3 h on version 2
    report = engine.audit_report(desk.database.uow(), desk.user("auditor"))
    rows = [(f.label, round(f.value, 6), f.count) for f in report.hours_per_step
            if f.label.startswith("2.")]
    assert rows == [("2. Menerima dan menelaah permasalahan", 2.0, 2)]


def test_the_chart_wraps_long_labels_and_writes_readable_values(app: Flask) -> None:
    long = ("12. Melanjutkan penanganan penyelesaian permasalahan dan berkoordinasi "
            "dengan unit lain di LKPP")
    with app.test_request_context("/"):
        assert [duration_text(h) for h in (0, 0.004, 0.25, 1, 1 + 20 / 60, 30.5)] == [
            "0 menit", "< 1 menit", "15 menit", "1 jam", "1 jam 20 menit", "30 jam 30 menit"]
        chart = str(bar_chart([engine.Figure(long, 1 + 20 / 60, 3),
                               engine.Figure("2. Menerima", 0.005, 3)], "Waktu",
                              lambda f: duration_text(f.value)))
    assert "…" not in chart
    assert chart.count("<tspan") >= 4  # the long label on three lines, the short on one
    text = "".join(part.split(">", 1)[1] for part in chart.split("<tspan")[1:4])
    assert "berkoordinasi" in text and "LKPP" in chart
    assert ">1 jam 20 menit<" in chart and ">&lt; 1 menit<" in chart and ">0 menit" not in chart
