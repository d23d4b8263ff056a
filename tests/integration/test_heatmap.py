"""The heatmap on the diagram (issue 16): tickets per sequence flow read off the task rows and
the diagram, and each step's working time; its per-step count and mean are the report's."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask import Flask

import engine
from tests.desk import Desk
from tests.pages import html, visitor
from web.config import DATABASE_EXTENSION

WIB, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Jayapura")


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    """December 2026 in Jakarta."""
    return datetime(2026, 12, day, hour, minute, tzinfo=WIB)


def build(desk: Desk) -> dict[str, engine.Ticket]:
    """Three tickets with known working times at step 2 (1 h, 4 h, 1 h) and step 3."""
    desk.tamper("UPDATE lpse SET timezone = 'Asia/Jayapura' WHERE name = 'LPSE Kota Surabaya'")
    found = {}
    with time_machine.travel(wib(23, 9), tick=False) as clock:
        found["lkpp"] = desk.open()
        found["lpse"] = desk.open()
        clock.move_to(wib(23, 10))
        desk.do(found["lkpp"], "step02_terima")                         # step 2: 1 h
        clock.move_to(wib(23, 12))
        desk.do(found["lkpp"], "step03_kewenangan")                     # step 3: 2 h
        clock.move_to(wib(23, 13))
        desk.do(found["lpse"], "step02_terima")                         # step 2: 4 h
        # Wed 23 Dec 15:00 WIB, then Christmas (Thu, Fri) and the weekend: Monday 28th
        # 09:00 WIB is 1 + 1 = 2 working hours later.
        clock.move_to(wib(23, 15))
        desk.do(found["lpse"], "step03_kewenangan", kewenangan="LPSE")  # step 3: 2 h
        clock.move_to(wib(28, 9))
        desk.do(found["lpse"], "step04_panduan")                        # step 4: 2 h; closed
        # Surabaya (WIT): opened Mon 28 Dec 08:00 WIT (06:00 WIB), done 09:00 WIT: 1 h.
        clock.move_to(datetime(2026, 12, 28, 8, 0, tzinfo=WIT))
        found["wit"] = desk.open(admin="admin.surabaya", reporter="pengguna.surabaya")
        clock.move_to(datetime(2026, 12, 28, 9, 0, tzinfo=WIT))
        desk.do(found["wit"], "step02_terima")                          # step 2: 1 h
    return found


NOW = wib(28, 12).astimezone(UTC)


def test_each_flow_counts_the_tickets_that_went_along_it(desk: Desk) -> None:
    build(desk)
    found = engine.heatmap(desk.database.uow(), desk.user("pemilik.proses"), now=NOW)
    assert found.tickets == 3
    flows = found.flows
    assert (flows["Flow_mulai_01"], flows["Flow_01_02"], flows["Flow_02_03"]) == (3, 3, 3)
    assert flows["Flow_03_gateway"] == 2
    assert (flows["Flow_03_ya"], flows["Flow_05_masuk"]) == (1, 1)
    assert (flows["Flow_03_tidak"], flows["Flow_04_selesai"]) == (1, 1)   # closed at its end
    assert "Flow_02_batas_waktu" not in flows and "Flow_05_gateway" not in flows


def test_each_step_has_its_median_and_p90_in_working_hours(desk: Desk) -> None:
    build(desk)
    found = engine.heatmap(desk.database.uow(), desk.user("auditor"), now=NOW)
    steps = {s.sop_step: (s.count, round(s.median, 4), round(s.p90, 4)) for s in found.steps}
    assert steps[2] == (3, 1.0, 4.0)           # 1, 1 and 4 hours (the WIT one in WIT hours)
    assert steps[3] == (2, 2.0, 2.0)           # 2 hours each, one across Christmas
    assert steps[4] == (1, 2.0, 2.0)
    assert [s.sop_step for s in found.slowest][:3] == [3, 4, 2]  # by median, then p90
    [step_two] = [s for s in found.steps if s.sop_step == 2]
    assert step_two.elements == ("step02_terima",)


def test_the_heatmap_per_step_numbers_equal_the_report(desk: Desk) -> None:
    build(desk)
    auditor = desk.user("auditor")
    found = engine.heatmap(desk.database.uow(), auditor, now=NOW)
    report = engine.audit_report(desk.database.uow(), auditor, now=NOW)
    ours = {f"{s.sop_step}. {s.name}" if s.sop_step else s.name: (round(s.mean, 6), s.count)
            for s in found.steps}
    theirs = {f.label: (round(f.value, 6), f.count) for f in report.hours_per_step}
    assert ours == theirs
    assert ours["2. " + found.steps[1].name][0] == 2.0  # (1 + 4 + 1) / 3


def test_the_filter_narrows_by_lpse_and_date(desk: Desk) -> None:
    tickets = build(desk)
    owner = desk.user("pemilik.proses")
    surabaya = engine.get_ticket(desk.database.uow(), desk.user("helpdesk.lkpp"),
                                 tickets["wit"].id)
    lpse_id = next(i for i, name in engine.list_lpse(desk.database.uow())
                   if name == surabaya.lpse)
    only = engine.heatmap(desk.database.uow(), owner, lpse_id=lpse_id, now=NOW)
    assert (only.tickets, only.flows["Flow_01_02"]) == (1, 1)
    day = wib(23, 0).date()
    early = engine.heatmap(desk.database.uow(), owner, date_from=day, date_to=day, now=NOW)
    assert early.tickets == 2


@pytest.mark.parametrize("username", ["helpdesk.lkpp", "admin.bandung", "pengguna.bandung",
                                      "admin.sistem"])
def test_only_owners_and_auditors_see_the_heatmap(desk: Desk, username: str) -> None:
    with pytest.raises(engine.NotFound):
        engine.heatmap(desk.database.uow(), desk.user(username))


def test_the_page_lists_the_slowest_steps_and_serves_the_diagram_data(app: Flask) -> None:
    desk = Desk(app.extensions[DATABASE_EXTENSION])
    build(desk)
    owner = visitor(app, "pemilik.proses")
    shown = owner.get("/audit/peta-panas")
    assert shown.status_code == 200
    assert html(shown).xpath('//ol[@class="heatmap-slowest"]/li/@data-step')[:3] == [
        "3", "4", "2"]
    [source] = html(shown).xpath('//div[@id="heatmap"]/@data-source')
    data = owner.get(source).get_json()
    assert data["flows"]["Flow_01_02"] == 3
    assert data["bpmn_xml"].startswith("<?xml")
    assert {step["sop_step"] for step in data["steps"]} == {1, 2, 3, 4}


def test_a_bad_date_is_an_error_on_its_field_and_nothing_is_counted(app: Flask) -> None:
    auditor = visitor(app, "auditor")
    shown = auditor.get("/audit/peta-panas?dari=2026-13-01&sampai=kemarin")
    assert shown.status_code == 422
    assert html(shown).xpath('//p[@id="heat-from-error"]/text()')
    assert html(shown).xpath('//p[@id="heat-to-error"]/text()')
    assert not html(shown).xpath('//div[@id="heatmap"]')
    assert auditor.get("/audit/peta-panas.json?sampai=x").status_code == 422
