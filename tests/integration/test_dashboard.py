"""The operations dashboard (issue 16) counts by value: tickets opened at known instants (the
clock held still by time-machine) in a WIB and a WIT LPSE, across a weekend and the Christmas
holidays (24 and 25 December 2026), their ages in working days and the due-soon window in
working hours of each ticket's own LPSE; and every number drills down to Daftar Tiket."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask import Flask

import engine
from tests.desk import Desk
from tests.pages import html, visitor
from web.config import DATABASE_EXTENSION

WIB, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Jayapura")
# Monday 28 December 2026, 07:00 WIB = 09:00 WIT: Bandung's office opens at 08:00 WIB,
# Surabaya's (moved to WIT here) has been open an hour.
NOW = datetime(2026, 12, 28, 7, 0, tzinfo=WIB).astimezone(UTC)


@dataclass
class Scene:
    """The four open tickets of the scenario, by name."""

    tickets: dict[str, engine.Ticket]


def _due(desk: Desk, ticket: engine.Ticket, moment: datetime) -> None:
    desk.tamper("UPDATE tasks SET due_at = :due WHERE ticket_id = :id AND completed_at IS NULL",
                due=moment.astimezone(UTC).replace(tzinfo=None), id=ticket.id)


def build(desk: Desk) -> Scene:
    """Four open tickets with known ages and due times (see the comments)."""
    desk.tamper("UPDATE lpse SET timezone = 'Asia/Jayapura' WHERE name = 'LPSE Kota Surabaya'")
    found: dict[str, engine.Ticket] = {}
    with time_machine.travel(datetime(2026, 12, 23, 14, 0, tzinfo=WIB), tick=False) as clock:
        # Wed 23 Dec 14:00 WIB: 2 working hours on Wednesday, then Christmas (Thu, Fri), the
        # weekend, and Monday not yet open: 0.25 working days (2.25 without the holidays).
        found["recent"] = desk.open()
        # Fri 18 Dec 09:00 WIB: 7 + 8 + 8 + 8 hours = 3.875 working days; then taken to
        # step 7 (the Admin LPSE's lane).
        clock.move_to(datetime(2026, 12, 18, 9, 0, tzinfo=WIB))
        found["admin_turn"] = desk.run(
            desk.open(), "step02_terima", "step03_kewenangan",
            ("step05_kelengkapan", {"perlu_data_tambahan": True}), "step06_minta_data")
        # Thu 17 Dec 10:00 WIT (08:00 WIB): 6 + 8 + 8 + 8 + 8 + 1 (Monday 08-09 WIT) = 39
        # hours = 4.875 working days in WIT; counted in WIB it would be 40 hours (> 5 days).
        clock.move_to(datetime(2026, 12, 17, 10, 0, tzinfo=WIT))
        found["wit"] = desk.open(admin="admin.surabaya", reporter="pengguna.surabaya")
        # Mon 7 Dec 09:00 WIB: far more than 5 working days; at step 3.
        clock.move_to(datetime(2026, 12, 7, 9, 0, tzinfo=WIB))
        found["old"] = desk.run(desk.open(), "step02_terima")
    # Due times: Bandung's due-soon window ends 12:00 WIB (4 working hours from 08:00 WIB,
    # 05:00 UTC), Surabaya's at 13:00 WIT (04:00 UTC).
    _due(desk, found["recent"], datetime(2026, 12, 28, 4, 30, tzinfo=UTC))    # due soon
    _due(desk, found["wit"], datetime(2026, 12, 28, 4, 30, tzinfo=UTC))       # not yet
    _due(desk, found["admin_turn"], datetime(2026, 12, 23, 9, 0, tzinfo=WIB))  # overdue
    _due(desk, found["old"], datetime(2027, 1, 8, 9, 0, tzinfo=WIB))           # later
    return Scene(found)


@pytest.fixture
def scene(desk: Desk) -> Scene:
    return build(desk)


def test_helpdesk_sees_every_lpse_counted_in_working_days_of_each(desk: Desk,
                                                                    scene: Scene) -> None:
    figures = engine.dashboard(desk.database.uow(), desk.user("helpdesk.lkpp"), now=NOW)
    assert figures.open_tickets == 4
    assert figures.aging == {"<1": 1, "1-3": 0, "3-5": 2, ">5": 1}
    assert (figures.overdue, figures.due_soon) == (1, 1)
    assert {row.sop_step: row.tickets for row in figures.by_step} == {2: 2, 3: 1, 7: 1}
    assert all(row.name for row in figures.by_step)  # the current version's step names
    assert figures.by_lane == {"Pengguna SPSE": 0, "Admin LPSE": 1, "Helpdesk LKPP": 3}
    assert {row.name: row.tickets for row in figures.by_lpse} == {
        "LPSE Kota Bandung": 3, "LPSE Kota Surabaya": 1}
    assert figures.lpse_count == 2


def test_an_admin_lpse_sees_their_own_lpse_only(desk: Desk, scene: Scene) -> None:
    bandung = engine.dashboard(desk.database.uow(), desk.user("admin.bandung"), now=NOW)
    assert bandung.open_tickets == 3
    assert bandung.aging == {"<1": 1, "1-3": 0, "3-5": 1, ">5": 1}
    assert (bandung.overdue, bandung.due_soon) == (1, 1)
    assert bandung.by_lane == {"Pengguna SPSE": 0, "Admin LPSE": 1, "Helpdesk LKPP": 2}
    surabaya = engine.dashboard(desk.database.uow(), desk.user("admin.surabaya"), now=NOW)
    assert (surabaya.open_tickets, surabaya.aging[">5"], surabaya.aging["3-5"]) == (1, 0, 1)
    assert (surabaya.overdue, surabaya.due_soon) == (0, 0)


def test_the_lpse_list_is_searched_by_name(desk: Desk, scene: Scene) -> None:
    figures = engine.dashboard(desk.database.uow(), desk.user("helpdesk.lkpp"), now=NOW,
                               lpse_search="surabaya")
    assert [(row.name, row.tickets) for row in figures.by_lpse] == [("LPSE Kota Surabaya", 1)]
    top = engine.dashboard(desk.database.uow(), desk.user("helpdesk.lkpp"), now=NOW, top=1)
    assert [row.name for row in top.by_lpse] == ["LPSE Kota Bandung"]


def test_workload_counts_the_held_and_the_queued_tasks(desk: Desk, scene: Scene) -> None:
    task = desk.task(scene.tickets["old"], "step03_kewenangan")
    engine.claim_task(desk.database.uow(), desk.user("helpdesk.lkpp"), task.id)
    figures = engine.dashboard(desk.database.uow(), desk.user("helpdesk.lkpp"), now=NOW)
    people = {(row.username or row.role): (row.open, row.overdue) for row in figures.workload}
    assert people["helpdesk.lkpp"] == (1, 0)
    assert people["Helpdesk LKPP"] == (2, 0)   # the unclaimed queue: step 2 twice
    assert people["Admin LPSE"] == (1, 1)


@pytest.mark.parametrize("username", ["pengguna.bandung", "pemilik.proses", "admin.sistem"])
def test_other_roles_have_no_dashboard(desk: Desk, username: str) -> None:
    with pytest.raises(engine.NotFound):
        engine.dashboard(desk.database.uow(), desk.user(username))


def test_the_auditor_reads_the_dashboard_without_the_workload(desk: Desk, scene: Scene) -> None:
    figures = engine.dashboard(desk.database.uow(), desk.user("auditor"), now=NOW)
    assert (figures.open_tickets, figures.workload) == (4, [])


def _links(page: object, xpath: str) -> list[str]:
    return [str(link) for link in html(page).xpath(xpath)]  # type: ignore[arg-type]


def test_every_number_drills_down_to_the_filtered_ticket_list(app: Flask) -> None:
    desk = Desk(app.extensions[DATABASE_EXTENSION])
    scene = build(desk)
    with time_machine.travel(NOW, tick=False):
        person = visitor(app, "helpdesk.lkpp")
        page = person.get("/dasbor")
        figures = {cell.get("data-figure"): cell.xpath("string()").strip()
                   for cell in html(page).xpath("//td[@data-figure]")}
        ages = {cell.get("data-age"): cell.xpath("string()").strip()
                for cell in html(page).xpath("//td[@data-age]")}
        assert page.status_code == 200
        assert figures == {"open": "4", "overdue": "1", "due-soon": "1"}
        assert ages == {"<1": "1", "1-3": "0", "3-5": "2", ">5": "1"}
        [step_seven] = _links(page, '//tr[@data-step="7"]//a/@href')
        assert parse_qs(urlsplit(step_seven).query) == {"langkah": ["7"]}
        listed = person.get(step_seven)
        numbers = html(listed).xpath('//table//a[starts-with(@href, "/tiket/")]/text()')
        assert scene.tickets["admin_turn"].number in numbers
        assert scene.tickets["recent"].number not in numbers
        [admin_lane] = _links(page, '//tr[@data-lane="Admin LPSE"]//a/@href')
        assert parse_qs(urlsplit(admin_lane).query) == {"giliran": ["admin"]}
        numbers = html(person.get(admin_lane)).xpath(
            '//table//a[starts-with(@href, "/tiket/")]/text()')
        assert scene.tickets["admin_turn"].number in numbers
        assert scene.tickets["old"].number not in numbers
        [surabaya] = _links(
            page, '//tr[@data-lpse]/td[1][text()="LPSE Kota Surabaya"]/..//a/@href')
        numbers = html(person.get(surabaya)).xpath(
            '//table//a[starts-with(@href, "/tiket/")]/text()')
        assert numbers == [scene.tickets["wit"].number]


def test_the_age_and_lateness_numbers_open_the_same_tickets_in_the_list(app: Flask) -> None:
    desk = Desk(app.extensions[DATABASE_EXTENSION])
    scene = build(desk)
    numbers = {name: ticket.number for name, ticket in scene.tickets.items()}

    def listed(link: str) -> set[str]:
        return set(html(person.get(link)).xpath(
            '//table//a[starts-with(@href, "/tiket/")]/text()'))

    with time_machine.travel(NOW, tick=False):
        person = visitor(app, "helpdesk.lkpp")
        page = person.get("/dasbor")
        ages = {cell.get("data-age"): str(cell.xpath("string(a/@href)"))
                for cell in html(page).xpath("//td[@data-age]")}
        assert listed(ages["<1"]) == {numbers["recent"]}
        assert listed(ages["1-3"]) == set()
        assert listed(ages["3-5"]) == {numbers["admin_turn"], numbers["wit"]}  # WIT: 4.875
        assert listed(ages[">5"]) == {numbers["old"]}
        [late] = _links(page, '//td[@data-figure="overdue"]/a/@href')
        [soon] = _links(page, '//td[@data-figure="due-soon"]/a/@href')
        assert listed(late) == {numbers["admin_turn"]}
        assert listed(soon) == {numbers["recent"]}  # Surabaya's window (WIT) ends earlier
        admin = visitor(app, "admin.surabaya")
        assert set(html(admin.get(ages["3-5"])).xpath(
            '//table//a[starts-with(@href, "/tiket/")]/text()')) == {numbers["wit"]}



def test_the_worker_counts_the_stored_figures_again_before_a_view_finds_them_old(
        desk: Desk) -> None:
    worker = engine.Worker(desk.database, None)
    helpdesk = desk.user("helpdesk.lkpp")
    with time_machine.travel(NOW, tick=False) as clock:
        assert engine.dashboard(desk.database.uow(), helpdesk).open_tickets == 0  # stored
        desk.open()
        clock.shift(30)
        worker.run_once()
        assert engine.dashboard(desk.database.uow(), helpdesk).open_tickets == 0  # as stored
        clock.shift(15)
        assert worker.run_once().reports == 1  # 45 s old: counted again
        figures = engine.dashboard(desk.database.uow(), helpdesk)
        assert (figures.open_tickets, figures.computed_at) == (1, NOW + timedelta(seconds=45))
