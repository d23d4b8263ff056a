"""The owners' scenarios as a deploy gate (issue 15): `eskalasi test`, and validation and
every deploy (command line, API, the editor) refusing a diagram that breaks one, naming the
scenario, the step and what happened instead."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import inspect

import engine
from engine import Database
from engine.process.files import DEFAULT_DIAGRAM
from tests.diagram_edits import FORMS, NO_SCENARIOS, SOURCE, condition
from tests.integration.api_client import Api
from tests.integration.command_line import run
from tests.integration.migrations import move
from tests.integration.test_api_versions import OWNER, XML, multipart, versions
from tests.integration.test_process_editor import Owner

SHIPPED = engine.scenarios_beside(DEFAULT_DIAGRAM).read_text(encoding="utf-8")
SCENARIO_COUNT = len(json.loads(SHIPPED)["scenarios"])
# One condition inverted: "more data needed?" answered no now asks for data, and yes skips it.
INVERTED = condition("Flow_05_ya", "perlu_data_tambahan != True")
MISS = ("scenario 'Langsung ditangani', step #5: expected step 12, but the process went to "
        "step 6")
MISS_ID = ("skenario 'Langsung ditangani', langkah ke-5: diharapkan langkah 12, tetapi proses "
           "ke langkah 6")


def line_of(text: str, number: int) -> str:
    return text.splitlines()[number - 1]


def test_the_shipped_scenarios_pass_and_take_every_flow_and_branch(
        workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "test", "processes/escalation.bpmn")
    assert code == 0, out
    assert re.search(r"^flow coverage: (\d+)/\1 \(100 %\)$", out, re.M), out  # 47/47
    assert re.search(r"^gateway branches: (\d+)/\1 \(100 %\)$", out, re.M), out  # 10/10
    assert f"{SCENARIO_COUNT} of {SCENARIO_COUNT} scenario(s) pass" in out
    assert "FAIL" not in out and "not taken" not in out


def test_one_inverted_condition_fails_naming_the_scenario_the_step_and_the_way_it_went(
        workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    diagram = workdir / "processes" / "escalation.bpmn"
    diagram.write_bytes(INVERTED)
    code, out = run(capsys, "test", str(diagram))
    assert code == 1
    found = re.search(r"escalation\.scenarios\.json:(\d+): " + re.escape(MISS), out)
    assert found, out
    # The line is the scenario's step #5 (step 12), right after step 5's "no more data".
    assert '"sop_step": 12' in line_of(SHIPPED, int(found[1]))
    assert '"perlu_data_tambahan": false' in line_of(SHIPPED, int(found[1]) - 1)
    assert "FAIL  Langsung ditangani" in out and "pass  Kewenangan LPSE" in out
    assert "(100 %)" not in out.split("flow coverage: ")[1].splitlines()[0]
    assert "not taken: Flow_08_ya" in out


def test_the_scenarios_can_be_named_on_the_command_line(
        workdir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps({"scenarios": [json.loads(SHIPPED)["scenarios"][0]]}))
    code, out = run(capsys, "test", "processes/escalation.bpmn", "--scenarios", str(mine))
    assert code == 0, out
    assert "1 of 1 scenario(s) pass" in out
    assert re.search(r"^flow coverage: 6/\d+ \(1\d %\)$", out, re.M), out  # the LPSE path


def test_a_bad_scenario_file_is_refused_with_its_line_and_what_is_wrong(
        workdir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.scenarios.json"
    bad.write_text('{\n  "scenarios": [\n    {"name": "Salah", "steps": [\n'
                   '      {"sop_step": "satu"}\n    ], "expect": {"outcome": "selesai"}}\n'
                   '  ]\n}\n')
    code, out = run(capsys, "test", "processes/escalation.bpmn", "--scenarios", str(bad))
    assert code == 1
    assert f"{bad}:4: scenario 'Salah', step #1: sop_step: Must be a whole number." in out
    assert f"{bad}:5: scenario 'Salah': outcome: Choose one of: closed, open." in out
    bad.write_text('{"scenarios": [\n  {"name": "x",\n')
    code, out = run(capsys, "test", "processes/escalation.bpmn", "--scenarios", str(bad))
    assert code == 1 and f"{bad}:3: " in out and "JSON" in out


def test_deploying_the_inverted_copy_from_the_command_line_is_refused(
        workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "init")[0] == 0
    diagram = workdir / "processes" / "escalation.bpmn"
    diagram.write_bytes(INVERTED)
    code, out = run(capsys, "deploy", str(diagram))
    assert code == 1
    assert MISS in out and "not deployed" in out
    # Without the file beside it, the scenarios of the version deployed before still run.
    (workdir / "processes" / "escalation.scenarios.json").unlink()
    code, out = run(capsys, "deploy", str(diagram))
    assert code == 1 and MISS in out
    assert "escalation.scenarios.json (deployed):" in out
    code, out = run(capsys, "validate", str(diagram))
    assert code == 1 and MISS in out


def test_a_bpmn_only_api_upload_runs_the_scenarios_of_the_version_before(api: Api) -> None:
    response = api.post("/process-versions", OWNER, data=INVERTED, content_type=XML)
    assert response.status_code == 422
    [problem] = [p for p in response.json["problems"] if "Langsung ditangani" in p["message"]]
    assert problem["message"] == MISS_ID
    assert problem["file"] == "escalation.scenarios.json"
    assert '"sop_step": 12' in line_of(SHIPPED, problem["line"])
    assert problem["element"] == "step06_minta_data"  # where the ticket would have gone
    assert len(versions(api)) == 1
    check = api.post("/process-versions/validate", OWNER, data=INVERTED, content_type=XML)
    assert check.json["ok"] is False and MISS_ID in [p["message"] for p in
                                                     check.json["problems"]]


def test_an_upload_brings_its_own_scenarios_and_the_version_keeps_them(
        api: Api, database: Database) -> None:
    owner = engine.command_line_operator("tests")
    answer = api.post("/process-versions", OWNER,
                      **multipart(INVERTED, {"kosong.scenarios.json": NO_SCENARIOS}, "tanpa"))
    assert answer.status_code == 201, answer.json
    assert engine.version_files(database.uow(), owner).scenarios == NO_SCENARIOS.decode()
    # The shipped diagram again with its scenarios: they run, and the version keeps them.
    again = api.post("/process-versions", OWNER,
                     **multipart(SOURCE, {"escalation.scenarios.json": SHIPPED.encode()}, ""))
    assert again.status_code == 201 and again.json["outcome"] == "reactivated"
    assert engine.version_files(database.uow(), owner).scenarios == SHIPPED
    two = api.post("/process-versions", OWNER,
                   **multipart(SOURCE, {"a.scenarios.json": NO_SCENARIOS,
                                        "b.scenarios.json": NO_SCENARIOS}, ""))
    assert two.status_code == 422
    assert "a.scenarios.json, b.scenarios.json" in two.json["problems"][0]["message"]


def test_a_bad_scenario_file_in_an_upload_is_422_with_its_line(api: Api) -> None:
    bad = b'{"scenarios": [\n  {"name": "Tanpa langkah", "steps": [],\n   "expect": {}}]}'
    answer = api.post("/process-versions", OWNER,
                      **multipart(SOURCE, {"bad.scenarios.json": bad}, ""))
    assert answer.status_code == 422
    found = {(p["file"], p["line"], p["message"]) for p in answer.json["problems"]}
    assert ("bad.scenarios.json", 2, "skenario 'Tanpa langkah': steps: paling sedikit 1 butir"
            ) in found
    assert ("bad.scenarios.json", 3, "skenario 'Tanpa langkah': isian outcome wajib ada"
            ) in found
    assert len(versions(api)) == 1


def test_the_editors_deploy_is_refused_naming_the_scenario(app: Flask) -> None:
    owner = Owner(app)
    forms = owner.deployed()["forms"]
    checked = owner.validate(INVERTED.decode(), forms)
    assert checked["ok"] is False
    assert MISS_ID in [p["message"] for p in checked["problems"]]
    answer = owner.deploy(INVERTED.decode(), forms, note="Kondisi dibalik")
    assert answer.status_code == 422
    problems = answer.json["problems"]  # type: ignore[index]
    assert any(p["message"] == MISS_ID and p["file"] == "escalation.scenarios.json"
               for p in problems)
    assert owner.deploy(SOURCE.decode(), forms, note="Sama").json["outcome"] == "unchanged"  # type: ignore[index]


def test_the_scenarios_are_stored_with_the_version_and_downloaded_with_it(
        app: Flask, database: Database) -> None:
    files = engine.version_files(database.uow(), engine.command_line_operator("tests"))
    assert files.scenarios == SHIPPED
    download = Owner(app).get(f"/proses/versi/{files.version.id}/unduh")
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        assert archive.read("escalation.scenarios.json").decode() == SHIPPED


def test_a_deploy_of_the_same_diagram_with_new_scenarios_keeps_the_new_ones(
        database: Database) -> None:
    owner = engine.command_line_operator("tests")
    _, outcome = engine.deploy(database.uow(), owner, SOURCE, FORMS, scenarios=NO_SCENARIOS)
    assert outcome == "unchanged"
    assert engine.version_files(database.uow(), owner).scenarios == NO_SCENARIOS.decode()
    # Now nothing stops the inverted copy: the owners said there are no scenarios.
    _, outcome = engine.deploy(database.uow(), owner, INVERTED, FORMS)
    assert outcome == "deployed"


def test_migration_0021_goes_down_and_up_again(empty_database_url: str) -> None:
    def columns() -> set[str]:
        return {c["name"] for c in inspect(database.engine).get_columns("process_versions")}

    with Database(empty_database_url) as database:
        engine.init(database)
        assert "scenarios" in columns()
        move(database.engine, "0020")
        assert "scenarios" not in columns()
        move(database.engine, "head")
        owner = engine.command_line_operator("tests")
        assert engine.version_files(database.uow(), owner).scenarios is None
        with pytest.raises(engine.InvalidDiagram):
            engine.deploy(database.uow(), owner, INVERTED, FORMS, scenarios=SHIPPED)
