"""Internal form fields (issue 13) where the process owners set them and where the handlers
fill them: the editor's raw JSON carries `x-visibility` (validated: internal or public only),
a deployed change takes effect for new answers, and the task page marks internal fields."""

from __future__ import annotations

import json

from flask import Flask

import engine
from engine import Database
from tests.desk import Desk
from tests.integration.api_client import Api
from tests.integration.test_process_editor import Owner
from tests.pages import html, visitor

HD, PB = "helpdesk.lkpp", "pengguna.bandung"


def test_the_editor_validates_x_visibility_naming_the_field(app: Flask) -> None:
    owner = Owner(app)
    data = owner.deployed()
    forms = dict(data["forms"])
    form = json.loads(forms["step12_penanganan.json"])
    form["properties"]["tindakan"]["x-visibility"] = "rahasia"
    forms["step12_penanganan.json"] = json.dumps(form)
    checked = owner.validate(data["xml"], forms)
    assert checked["ok"] is False
    [problem] = checked["problems"]
    assert problem["file"] == "forms/step12_penanganan.json"
    assert "tindakan" in problem["message"] and "'rahasia'" in problem["message"]
    assert "x-visibility" in problem["message"]
    refused = owner.deploy(data["xml"], forms)
    assert refused.status_code == 422


def test_an_owner_marks_a_field_internal_in_the_editor_and_new_answers_are_hidden(
        app: Flask, api: Api, desk: Desk, database: Database) -> None:
    owner = Owner(app)
    data = owner.deployed()
    forms = dict(data["forms"])
    form = json.loads(forms["step14_balas_selesai.json"])
    assert "x-visibility" not in form["properties"]["solusi"]
    form["properties"]["solusi"]["x-visibility"] = "internal"
    forms["step14_balas_selesai.json"] = json.dumps(form, indent=2)
    assert owner.validate(data["xml"], forms) == {"ok": True, "problems": []}
    assert owner.deploy(data["xml"], forms, note="Solusi jadi catatan internal").status_code == 201
    ticket = desk.run(desk.open(), "step02_terima", "step03_kewenangan", "step05_kelengkapan",
                      "step12_penanganan", "step13_cek_selesai",
                      ("step14_balas_selesai", {"solusi": "Solusi9Internal"}))
    events = api.get(f"/tickets/{ticket.id}/events", PB).get_data(as_text=True)
    assert "Solusi9Internal" not in events
    assert "Solusi9Internal" in api.get(f"/tickets/{ticket.id}/events", HD).get_data(as_text=True)
    reporter = engine.get_user(database.uow(), PB)
    [task] = engine.list_tasks(database.uow(), reporter)
    assert task.spec_name == "step15_periksa"
    assert "Solusi9Internal" not in visitor(app, PB).get(f"/tugas/{task.id}").text


def test_the_task_page_marks_internal_fields_for_the_handler(app: Flask, desk: Desk) -> None:
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima")
    page = html(visitor(app, HD).get(f"/tugas/{task.id}"))
    label = page.xpath('//label[@for="catatan_telaah"]')[0]
    assert label.xpath('./span[contains(@class, "badge-internal")]/text()') == ["Internal"]
    assert label.text == "Catatan Telaah"
    step3 = desk.run(ticket, "step02_terima")
    task = desk.task(step3, "step03_kewenangan")
    page = html(visitor(app, HD).get(f"/tugas/{task.id}"))
    assert not page.xpath('//fieldset[@id="kewenangan"]//*[contains(@class, "badge-internal")]')
    assert page.xpath('//label[@for="alasan_kewenangan"]/span[contains(@class, '
                      '"badge-internal")]')


def test_the_auditor_sees_internal_fields_marked_on_the_audit_history(
        app: Flask, desk: Desk) -> None:
    ticket = desk.run(desk.open(), "step02_terima")
    page = html(visitor(app, "auditor").get(f"/audit/tiket/{ticket.id}"))
    marked = page.xpath('//tr[@data-field="catatan_telaah"]/th/span[contains(@class, '
                        '"badge-internal")]')
    assert marked and marked[0].text == "Internal"
    assert not page.xpath('//tr[@data-field="judul"]/th/span[contains(@class, '
                          '"badge-internal")]')
