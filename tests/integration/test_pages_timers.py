"""Due times and late steps on the pages: task, inbox, ticket, and the ticket's thread."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from flask import Flask
from flask.testing import FlaskClient

import engine
from engine import Database
from tests.desk import Desk
from tests.integration.api_client import Api
from tests.pages import html, texts, visitor

WIB = ZoneInfo("Asia/Jakarta")


def test_a_late_step_is_marked_on_the_task_inbox_and_ticket_pages(
        app: Flask, database: Database, desk: Desk) -> None:
    with time_machine.travel(datetime(2026, 11, 24, 9, tzinfo=WIB), tick=False) as clock:
        ticket = desk.open()
        task = desk.task(ticket, "step02_terima")
        helpdesk = visitor(app, "helpdesk.lkpp")
        assert texts(helpdesk.get("/tugas/" + task.id), '//*[@class="overdue"]') == []
        clock.move_to(datetime(2026, 11, 24, 14, tzinfo=WIB))
        assert engine.fire_due_timers(database) == 1

        page = helpdesk.get(f"/tugas/{task.id}")
        assert page.status_code == 200
        assert task.due_at is not None
        assert html(page).xpath('//*[@id="batas-waktu"]/time/@datetime') == [
            task.due_at.isoformat()]
        assert texts(page, '//*[@id="batas-waktu"]/strong') == ["Terlambat"]

        inbox = helpdesk.get("/tugas")
        row = html(inbox).xpath(f'//tr[@data-task-id="{task.id}"]')[0]
        assert row.xpath('.//strong[@class="overdue"]/text()') == ["Terlambat"]

        ticket_page = helpdesk.get(f"/tiket/{ticket.id}")
        assert ticket_page.status_code == 200
        position = html(ticket_page).xpath('//*[@id="posisi-tiket"]')[0]
        assert position.xpath('.//strong[@class="overdue"]/text()') == ["Terlambat"]
        thread = texts(ticket_page, '//article[@class="entry"]')
        late = [entry for entry in thread if "Batas waktu terlewati" in entry]
        assert len(late) == 1 and "Sistem" in late[0]

        helpdesk.post("/bahasa", {"lang": "en", "next": "/tugas"})
        english = helpdesk.get(f"/tiket/{ticket.id}").get_data(as_text=True)
        assert "Time limit passed" in english and "Overdue" in english


def test_the_api_gives_each_task_its_due_time(app: Flask, client: FlaskClient,
                                              desk: Desk) -> None:
    with time_machine.travel(datetime(2026, 11, 27, 14, tzinfo=WIB), tick=False):
        ticket = desk.open()
        api = Api(app, client)
        [task] = [t for t in api.get("/tasks", "helpdesk.lkpp").get_json()["items"]
                  if t["ticket_id"] == ticket.id]
        assert datetime.fromisoformat(task["due_at"]) == datetime(2026, 11, 30, 10, tzinfo=WIB)
        found = api.get(f"/tickets/{ticket.id}", "helpdesk.lkpp").get_json()
        assert [t["due_at"] for t in found["tasks"]] == [task["due_at"]]
