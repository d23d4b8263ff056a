"""The editor's Skenario tab in a real browser (issue 15): record a scenario by walking the
draft through its steps in the page, run all the scenarios, see the flows none takes marked,
and the scenarios kept with the saved draft."""

from __future__ import annotations

import json

import pytest

from tests.e2e.people import People, Person
from tests.e2e.test_editor_kinder import open_editor

pytestmark = pytest.mark.e2e
NAME = "Rekaman: kewenangan LPSE"


def fill_step(owner: Person, number: int, texts: dict[str, str],
              choices: dict[str, str] | None = None) -> None:
    """Fill the ready step's form the recorder shows, then Lanjut."""
    form = owner.page.locator(f'#recorder-ready form[data-sop-step="{number}"]')
    form.wait_for()
    for name, value in texts.items():
        form.locator(f'[data-field="{name}"]').fill(value)
    for name, label in (choices or {}).items():
        form.locator(f'[data-field="{name}"]').select_option(label=label)
    form.locator('button[type="submit"]').click()


def test_an_owner_records_a_scenario_in_the_editor_runs_all_and_keeps_it_with_the_draft(
        people: People) -> None:
    owner = open_editor(people)
    page = owner.page
    shipped = json.loads(page.input_value("#scenario-json"))
    assert shipped["scenarios"]
    assert page.locator("#scenario-list li").count() == len(shipped["scenarios"])
    page.click("#scenario-record")
    fill_step(owner, 1, {"judul": "Gagal unggah dokumen", "kode_error": "ERR-UPLOAD-413",
                         "deskripsi": "Penyedia tidak dapat mengunggah."},
              {"aplikasi": "SPSE 4.5", "tipe_tiket": "Permasalahan"})
    fill_step(owner, 2, {"catatan_telaah": "Sudah dipelajari."})
    # An answer its form refuses is taken back, with why; the same step stays ready.
    fill_step(owner, 3, {"alasan_kewenangan": "Pengaturan akun lokal."})
    page.wait_for_function(
        "() => document.getElementById('recorder-status').textContent.includes('kewenangan')")
    fill_step(owner, 3, {"alasan_kewenangan": "Pengaturan akun lokal."},
              {"kewenangan": "LPSE"})
    fill_step(owner, 4, {"panduan": "Ikuti panduan reset akun."})
    page.wait_for_function(
        "() => document.querySelectorAll('#recorder-ready form').length === 0 && "
        "document.querySelectorAll('#recorder-steps li').length === 4")
    page.fill("#recorder-name", NAME)
    page.click("#recorder-save")
    recorded = json.loads(page.input_value("#scenario-json"))["scenarios"][-1]
    assert recorded["name"] == NAME
    assert recorded["expect"] == {"path": [1, 2, 3, 4], "outcome": "closed"}
    assert recorded["steps"][2]["data"] == {"kewenangan": "LPSE",
                                            "alasan_kewenangan": "Pengaturan akun lokal."}
    page.click("#scenario-run")
    page.wait_for_selector('#scenario-summary[data-ok="true"]')
    assert page.locator(f'#scenario-list li.scenario-passed[data-scenario="{NAME}"]').count() == 1
    assert page.locator("#scenario-list li.scenario-failed").count() == 0
    # Only the recorded scenario: the flows it does not take are listed and marked.
    page.click("#scenario-source summary")  # the JSON, one click away
    page.fill("#scenario-json", json.dumps({"scenarios": [recorded]}))
    page.click("#scenario-run")
    page.wait_for_selector("#scenario-not-taken li")
    assert page.locator("#canvas .djs-element.scenario-not-taken").count() == \
        page.locator("#scenario-not-taken li button").count() > 5
    # One scenario opened as JSON, renamed and put back; then another removed.
    page.click(f'#scenario-list li[data-scenario="{NAME}"] button.scenario-name')
    one = json.loads(page.input_value("#scenario-one-json"))
    assert one == recorded
    page.fill("#scenario-one-json", json.dumps({**one, "name": "Rekaman LPSE"}))
    page.click("#scenario-one-apply")
    recorded = {**recorded, "name": "Rekaman LPSE"}
    assert json.loads(page.input_value("#scenario-json"))["scenarios"] == [recorded]
    assert page.locator('#scenario-list li[data-scenario="Rekaman LPSE"]').count() == 1
    # Saved with the draft: it opens again with the scenario.
    page.fill("#draft-name", "Draf dengan rekaman")
    page.click("#save-draft")
    page.wait_for_function("() => location.pathname.startsWith('/proses/draf/')")
    owner.goto(page.evaluate("location.pathname"))
    page.wait_for_selector('#canvas[data-ready="true"]')
    page.wait_for_function("() => document.getElementById('scenario-json').value.length > 0")
    assert json.loads(page.input_value("#scenario-json"))["scenarios"] == [recorded]
