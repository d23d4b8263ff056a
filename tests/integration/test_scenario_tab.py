"""The editor's Skenario tab (issue 15): a draft's scenarios travel with it (saved, uploaded
in a zip, downloaded, deployed, the gate using them), "Jalankan semua" runs them on the
editor's diagram, and the recorder's next-step question walks a draft step by step."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from flask import Flask

import engine
from engine import Database
from tests.diagram_edits import SOURCE, condition
from tests.integration.test_process_editor import Owner

SHIPPED = engine.SCENARIO_FILE  # escalation.scenarios.json
INVERTED = condition("Flow_05_ya", "perlu_data_tambahan != True")
STEP_1 = {"judul": "Gagal unggah", "aplikasi": "SPSE 4.5", "kode_error": "ERR-1",
          "kode_tender": "12345678", "tipe_tiket": "Permasalahan", "deskripsi": "Tidak bisa."}
ONE: dict[str, list[dict[str, Any]]] = {"scenarios": [{"name": "Kewenangan LPSE saja", "steps": [
    {"sop_step": 1, "data": STEP_1}, {"sop_step": 2, "data": {"catatan_telaah": "Ok."}},
    {"sop_step": 3, "data": {"kewenangan": "LPSE", "alasan_kewenangan": "Lokal."}},
    {"sop_step": 4, "data": {"panduan": "Ikuti panduan."}}],
    "expect": {"path": [1, 2, 3, 4], "outcome": "closed"}}]}
ONE_TEXT = json.dumps(ONE, indent=2)


def _json(answer: Any) -> dict[str, Any]:
    data: dict[str, Any] = answer.json
    return data


def _new_draft(owner: Owner, scenarios: str | None) -> dict[str, Any]:
    deployed = owner.deployed()
    body = {"xml": deployed["xml"], "forms": deployed["forms"], "name": "Draf skenario",
            "base_version_id": deployed["base_version_id"]}
    if scenarios is not None:
        body["scenarios"] = scenarios
    answer = owner.send("/proses/draf", body)
    assert answer.status_code == 201, answer.text
    return _json(answer)


def test_the_editor_opens_the_deployed_versions_scenarios(app: Flask) -> None:
    deployed = Owner(app).deployed()
    assert json.loads(deployed["scenarios"])["scenarios"], deployed.keys()


def test_a_drafts_scenarios_are_saved_with_it_and_kept_when_a_save_brings_none(
        app: Flask) -> None:
    owner = Owner(app)
    saved = _new_draft(owner, ONE_TEXT)
    data = _json(owner.get(saved["data_url"]))
    assert data["scenarios"] == ONE_TEXT
    assert "@scenarios" not in data["forms"] and data["forms"]
    # A save without scenarios (an older script) keeps them; "" removes them.
    again = owner.send(f"/proses/draf/{saved['id']}", {
        "xml": data["xml"], "forms": data["forms"], "name": "x", "revision": saved["revision"]})
    assert again.status_code == 200, again.text
    assert _json(owner.get(saved["data_url"]))["scenarios"] == ONE_TEXT
    removed = owner.send(f"/proses/draf/{saved['id']}", {
        "xml": data["xml"], "forms": data["forms"], "name": "x", "scenarios": "",
        "revision": _json(again)["revision"]})
    assert removed.status_code == 200, removed.text
    assert _json(owner.get(saved["data_url"]))["scenarios"] is None


def test_a_draft_is_downloaded_with_its_scenarios_and_uploaded_back_as_scenarios(
        app: Flask) -> None:
    owner = Owner(app)
    saved = _new_draft(owner, ONE_TEXT)
    download = owner.get(f"/proses/draf/{saved['id']}/unduh")
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        assert archive.read(SHIPPED).decode() == ONE_TEXT
    answer = owner.upload("Dari zip", ("diagram", "draf.zip", download.data))
    assert answer.status_code == 302, answer.text
    data = _json(owner.get(answer.headers["Location"] + "/data.json"))
    assert data["scenarios"] == ONE_TEXT
    assert SHIPPED not in data["forms"]  # not a form


def test_run_all_passes_the_shipped_scenarios_with_full_coverage(app: Flask) -> None:
    owner = Owner(app)
    deployed = owner.deployed()
    answer = owner.send("/proses/skenario/jalankan", {
        "xml": deployed["xml"], "forms": deployed["forms"], "scenarios": deployed["scenarios"]})
    assert answer.status_code == 200, answer.text
    found = _json(answer)
    assert found["ok"] is True and found["results"]
    assert all(result["passed"] for result in found["results"])
    coverage = found["coverage"]
    assert coverage["flows_taken"] == coverage["flows"] and coverage["not_taken"] == []


def test_run_all_names_the_failing_scenario_and_the_flows_none_takes(app: Flask) -> None:
    owner = Owner(app)
    deployed = owner.deployed()
    found = _json(owner.send("/proses/skenario/jalankan", {
        "xml": INVERTED.decode(), "forms": deployed["forms"],
        "scenarios": deployed["scenarios"]}))
    assert found["ok"] is False and found["diagram_ok"] is True
    failed = {r["name"]: r["failure"]["message"] for r in found["results"] if not r["passed"]}
    assert "Langsung ditangani" in failed
    assert "diharapkan langkah 12" in failed["Langsung ditangani"]
    assert any(r["passed"] for r in found["results"])
    assert found["coverage"]["not_taken"], found["coverage"]
    # Only one small scenario: most flows are listed as not taken, each with a label.
    few = _json(owner.send("/proses/skenario/jalankan", {
        "xml": deployed["xml"], "forms": deployed["forms"], "scenarios": ONE_TEXT}))
    assert few["ok"] is True
    assert len(few["coverage"]["not_taken"]) > 10
    assert all(" -> " in flow["label"] for flow in few["coverage"]["not_taken"])


def test_run_all_reports_a_broken_scenario_file_with_its_line(app: Flask) -> None:
    owner = Owner(app)
    deployed = owner.deployed()
    found = _json(owner.send("/proses/skenario/jalankan", {
        "xml": deployed["xml"], "forms": deployed["forms"], "scenarios": '{"scenarios": [\n{}'}))
    assert found["ok"] is False and found["problems"][0]["line"] == 2
    assert owner.send("/proses/skenario/jalankan", {
        "xml": deployed["xml"], "forms": deployed["forms"], "scenarios": 5}).status_code == 400
    assert owner.send("/proses/skenario/jalankan", {"xml": deployed["xml"]},
                      csrf=False).status_code == 400


def test_the_recorder_walks_a_draft_step_by_step_to_its_end(app: Flask) -> None:
    owner = Owner(app)
    deployed = owner.deployed()
    base = {"xml": deployed["xml"], "forms": deployed["forms"]}
    first = _json(owner.send("/proses/skenario/langkah", {**base, "steps": []}))
    assert [step["sop_step"] for step in first["ready"]] == [1]
    assert "judul" in first["ready"][0]["form"]["properties"]
    steps: list[dict[str, Any]] = []
    for step in ONE["scenarios"][0]["steps"]:
        steps.append(step)
        walked = _json(owner.send("/proses/skenario/langkah", {**base, "steps": steps}))
        assert walked["ok"] is True, walked
    assert walked["closed"] is True and walked["ready"] == [] and walked["path"] == [1, 2, 3, 4]
    after_two = _json(owner.send("/proses/skenario/langkah", {**base, "steps": steps[:2]}))
    assert [step["sop_step"] for step in after_two["ready"]] == [3]
    # An answer its form refuses: the failure says which field, nothing further is ready.
    wrong = _json(owner.send("/proses/skenario/langkah", {
        **base, "steps": [{"sop_step": 1, "data": {"judul": 5}}]}))
    assert wrong["ok"] is False and "judul" in wrong["failure"]["message"]
    assert owner.send("/proses/skenario/langkah", {**base, "steps": "x"}).status_code == 400


def test_the_editors_deploy_uses_the_drafts_scenarios_as_the_gate_and_keeps_them(
        app: Flask, database: Database) -> None:
    owner = Owner(app)
    deployed = owner.deployed()
    # The shipped scenarios refuse the inverted copy...
    refused = owner.deploy(INVERTED.decode(), deployed["forms"], note="Dibalik",
                           scenarios=deployed["scenarios"])
    assert refused.status_code == 422
    assert any("Langsung ditangani" in p["message"] for p in _json(refused)["problems"])
    # ...the draft's own scenarios (one that the copy keeps) let it through, kept with it.
    passed = owner.deploy(INVERTED.decode(), deployed["forms"], note="Dibalik",
                          scenarios=ONE_TEXT)
    assert passed.status_code == 201, passed.text
    files = engine.version_files(database.uow(), engine.command_line_operator("tests"))
    assert files.scenarios == ONE_TEXT
    assert files.bpmn_xml.encode() != SOURCE


def test_validation_in_the_editor_runs_the_drafts_scenarios(app: Flask) -> None:
    owner = Owner(app)
    deployed = owner.deployed()
    answer = owner.send("/proses/validasi", {"xml": deployed["xml"], "forms": deployed["forms"],
                                             "scenarios": '{"scenarios": 1}'})
    assert _json(answer)["ok"] is False
    assert _json(answer)["problems"][0]["file"] == SHIPPED


def test_comparing_a_draft_lists_its_scenarios_added_removed_and_changed(app: Flask) -> None:
    owner = Owner(app)
    shipped = json.loads(owner.deployed()["scenarios"])
    first, second = shipped["scenarios"][0], shipped["scenarios"][1]
    changed = {**first, "description": "Diubah di draf."}
    mine = {"scenarios": [changed, *shipped["scenarios"][2:], *ONE["scenarios"]]}
    saved = _new_draft(owner, json.dumps(mine))
    page = owner.get(f"/proses/draf/{saved['id']}/bandingkan")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'data-kind="changed" data-scenario="{first["name"]}"' in text
    assert f'data-kind="removed" data-scenario="{second["name"]}"' in text
    assert 'data-kind="added" data-scenario="Kewenangan LPSE saja"' in text
    assert text.count('data-scenario="') == 3
    # A draft with the deployed scenarios as they are lists none.
    same = _new_draft(owner, owner.deployed()["scenarios"])
    assert 'id="scenario-changes"' not in owner.get(
        f"/proses/draf/{same['id']}/bandingkan").get_data(as_text=True)


def test_comparing_versions_lists_the_scenarios_that_differ(app: Flask) -> None:
    owner = Owner(app)
    deployed = owner.deployed()
    answer = owner.deploy(deployed["xml"].replace("</bpmn:definitions>",
                                                  "</bpmn:definitions>\n"),
                          deployed["forms"], note="Skenario baru", scenarios=ONE_TEXT)
    assert answer.status_code == 201, answer.text
    text = owner.get(f"/proses/versi/{_json(answer)['id']}/bandingkan").get_data(as_text=True)
    assert 'data-kind="added" data-scenario="Kewenangan LPSE saja"' in text
    assert 'data-kind="removed" data-scenario="Langsung ditangani"' in text
