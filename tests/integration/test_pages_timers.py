"""Due times and late steps on the pages: task, inbox, ticket, and the ticket's thread."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

import engine
from engine import Database
from engine.persistence.tables import LpseRow
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


def test_due_times_show_in_the_lpse_own_zone_with_its_label_and_the_step_limit(
        app: Flask, database: Database, desk: Desk) -> None:
    with database.uow() as uow:  # Bandung in WIT, two hours ahead of WIB; Surabaya stays WIB
        uow.session.execute(update(LpseRow).where(LpseRow.code == "kota-bandung")
                            .values(timezone="Asia/Jayapura"))
        uow.commit()
    with time_machine.travel(datetime(2026, 11, 24, 4, tzinfo=UTC), tick=False):
        bandung = desk.open()  # 13:00 WIT: 3 office hours today, 1 tomorrow from 08:00
        surabaya = desk.open("admin.surabaya", "pengguna.surabaya")  # 11:00 WIB
        wit_task = desk.task(bandung, "step02_terima")
        admin = visitor(app, "admin.bandung")
        helpdesk = visitor(app, "helpdesk.lkpp")

        page = helpdesk.get(f"/tugas/{wit_task.id}")
        assert texts(page, '//*[@id="batas-waktu"]/span[@class="time-limit"]') == [
            "4 jam kerja"]
        assert texts(page, '//*[@id="batas-waktu"]/time') == ["25 Nov 2026 09.00 WIT"]

        inbox = html(helpdesk.get("/tugas"))
        due = {row.get("data-ticket"): row.xpath("string(./td[6])").strip()
               for row in inbox.xpath("//tr[@data-task-id]")}
        assert due[bandung.number] == "25 Nov 2026 09.00 WIT"
        assert due[surabaya.number] == "24 Nov 2026 15.00 WIB"

        position = texts(admin.get(f"/tiket/{bandung.id}"), '//*[@class="position-due"]')
        assert position == ["Batas waktu: 25 Nov 2026 09.00 WIT"]

        helpdesk.post("/bahasa", {"lang": "en", "next": "/tugas"})
        english = helpdesk.get(f"/tugas/{wit_task.id}")
        assert texts(english, '//*[@id="batas-waktu"]/span') == ["4 working hours"]
        assert texts(english, '//*[@id="batas-waktu"]/time')[0].endswith("WIT")


def test_a_date_time_typed_at_a_wita_lpse_is_read_and_shown_in_wita(
        app: Flask, database: Database, desk: Desk) -> None:
    with database.uow() as uow:  # Bandung in WITA (Asia/Makassar), one hour ahead of WIB
        uow.session.execute(update(LpseRow).where(LpseRow.code == "kota-bandung")
                            .values(timezone="Asia/Makassar"))
        uow.commit()
    with time_machine.travel(datetime(2026, 11, 24, 1, 30, tzinfo=UTC), tick=False):
        ticket = desk.run(desk.open(), "step02_terima", "step03_kewenangan",
                          ("step05_kelengkapan", {"perlu_data_tambahan": True}))
        task = desk.task(ticket, "step06_minta_data")
        helpdesk = visitor(app, "helpdesk.lkpp")
        done = helpdesk.post(f"/tugas/{task.id}", {
            "data_diminta": "Log server", "konfirmasi_telepon": "true",
            "waktu_telepon": "2026-11-24T10:00", "pihak_dihubungi": "Budi, Admin LPSE"})
        assert done.status_code == 302
        [completed] = [event for event in engine.list_events(
            database.uow(), desk.user("auditor"), ticket.id) if event.task == task.spec_name]
        assert completed.data["form"]["waktu_telepon"] == "2026-11-24T02:00:00Z"

        admin = visitor(app, "admin.bandung")
        thread = html(admin.get(f"/tiket/{ticket.id}"))
        assert thread.xpath('string(//*[@data-field="waktu_telepon"]/dd)').strip() == (
            "24 Nov 2026 10.00 WITA")
        assert texts(admin.get(f"/tiket/{ticket.id}"),
                     '//article[@data-seq="1"]//time') == ["24 Nov 2026 09.30 WITA"]

        auditor = visitor(app, "auditor")
        history = auditor.get(f"/audit/tiket/{ticket.id}")
        assert history.status_code == 200
        [opened] = html(history).xpath('//li[@data-seq="1"]//time')
        assert " ".join(opened.text_content().split()) == "24 Nov 2026 09.30 WITA"
        field = html(history).xpath(
            f'string(//li[@data-step="{task.spec_name}"]//tr[@data-field="waktu_telepon"]/td)')
        assert field.strip() == "24 Nov 2026 10.00 WITA"
