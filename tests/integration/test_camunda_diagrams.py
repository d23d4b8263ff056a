"""Diagrams saved by Camunda Modeler: their camunda:/zeebe: properties are read as ours on
every upload (command line, API, the editor's upload page), and a broken upload is said in
plain words."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from lxml import etree

from cli.main import main
from engine.process.camunda import convert
from engine.process.files import DEFAULT_DIAGRAM
from engine.process.validation import SPIFF_NS
from tests.camunda_files import camunda_modeler_5
from tests.integration.api_client import Api
from tests.integration.test_process_editor import Owner
from tests.pages import texts

CAMUNDA7 = camunda_modeler_5("camunda")
ZEEBE8 = camunda_modeler_5("zeebe")
PROPERTIES = CAMUNDA7.count(b"<camunda:property ")
OWNER = "pemilik.proses"


def own_properties(bpmn: bytes) -> dict[tuple[str, str], str]:
    root = etree.fromstring(bpmn)
    found: dict[tuple[str, str], str] = {}
    for prop in root.iter(f"{{{SPIFF_NS}}}property"):
        owner = prop.getparent().getparent().getparent()
        found[(owner.get("id"), prop.get("name"))] = prop.get("value")
    return found


def test_the_test_diagram_is_written_the_way_camunda_modeler_5_writes_it() -> None:
    root = etree.fromstring(CAMUNDA7)
    assert root.get("exporter") == "Camunda Modeler"
    assert root.get("{http://camunda.org/schema/modeler/1.0}executionPlatform") == (
        "Camunda Platform")
    assert SPIFF_NS.encode() not in CAMUNDA7 and PROPERTIES > 100
    assert b'camunda:formKey="' in CAMUNDA7 and ZEEBE8.count(b"<zeebe:property ") == PROPERTIES


@pytest.mark.parametrize("diagram", [CAMUNDA7, ZEEBE8], ids=["camunda7", "camunda8"])
def test_camunda_properties_become_the_same_spiffworkflow_properties(diagram: bytes) -> None:
    done = convert(diagram)
    assert done.converted == PROPERTIES
    assert own_properties(done.bpmn) == own_properties(DEFAULT_DIAGRAM.read_bytes())
    assert b"camunda:property" not in done.bpmn and b"zeebe:property" not in done.bpmn
    assert str(done.notes[0]) == f"{PROPERTIES} properti Camunda diubah menjadi properti " \
                                 "SpiffWorkflow"


def test_a_camunda_form_key_is_ignored_with_a_note() -> None:
    notes = [str(n) for n in convert(CAMUNDA7).notes]
    assert any(n.startswith("step02_terima: formKey dari Camunda diabaikan") for n in notes)


def test_a_diagram_without_camunda_properties_is_left_byte_for_byte() -> None:
    shipped = DEFAULT_DIAGRAM.read_bytes()
    assert convert(shipped).bpmn is shipped and convert(shipped).notes == ()
    broken = CAMUNDA7[:5000]
    assert convert(broken).bpmn is broken


def test_a_camunda_time_limit_as_people_say_it_is_stored_canonical() -> None:
    said = CAMUNDA7.replace(b'name="timeLimit" value="4h"', b'name="timeLimit" value="4 jam"', 1)
    assert said != CAMUNDA7
    assert own_properties(convert(said).bpmn) == own_properties(convert(CAMUNDA7).bpmn)


@pytest.fixture
def camunda_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                  empty_database_url: str) -> Path:
    """processes/ with the shipped forms, the diagram saved by Camunda Modeler."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ESKALASI_DATABASE_URL", empty_database_url)
    shutil.copytree(DEFAULT_DIAGRAM.parent, tmp_path / "processes")
    return tmp_path / "processes"


@pytest.mark.parametrize("diagram", [CAMUNDA7, ZEEBE8], ids=["camunda7", "camunda8"])
def test_the_command_line_validates_and_deploys_a_camunda_modeler_diagram(
        camunda_files: Path, capsys: pytest.CaptureFixture[str], diagram: bytes) -> None:
    path = camunda_files / "dari_camunda.bpmn"
    path.write_bytes(diagram)
    shutil.copy(camunda_files / "escalation.scenarios.json",
                camunda_files / "dari_camunda.scenarios.json")
    assert main(["init"]) == 0
    capsys.readouterr()
    assert main(["validate", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{path}: valid\n"
    assert f"{PROPERTIES} Camunda properties converted" in captured.err
    assert main(["deploy", str(path), "--note", "dari Camunda Modeler"]) == 0
    assert "deployed, version 2" in capsys.readouterr().out


@pytest.mark.parametrize("diagram", [CAMUNDA7, ZEEBE8], ids=["camunda7", "camunda8"])
def test_the_api_validates_and_deploys_a_camunda_modeler_diagram(api: Api,
                                                                 diagram: bytes) -> None:
    checked = api.post("/process-versions/validate", OWNER, data=diagram,
                       content_type="application/xml")
    assert checked.status_code == 200 and checked.json == {"ok": True, "problems": []}
    deployed = api.post("/process-versions", OWNER, data=diagram,
                        content_type="application/xml")
    assert deployed.status_code == 201, deployed.text
    assert deployed.json["number"] == 2


def test_the_upload_page_says_the_camunda_properties_were_converted(app: Flask) -> None:
    owner = Owner(app)
    answer = owner.upload("Dari Camunda", ("diagram", "dari_camunda.bpmn", CAMUNDA7))
    assert answer.status_code == 302, answer.text
    page = owner.get(answer.headers["Location"])
    said = " ".join(texts(page, '//*[contains(@class, "flash")]'))
    assert f"{PROPERTIES} properti Camunda diubah menjadi properti SpiffWorkflow" in said
    assert "step02_terima: formKey dari Camunda diabaikan" in said
    draft_id = int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    data = owner.get(f"/proses/draf/{draft_id}/data.json").json
    assert data is not None
    assert own_properties(data["xml"].encode()) == own_properties(DEFAULT_DIAGRAM.read_bytes())


def test_a_malformed_upload_is_said_in_plain_words_with_its_line(app: Flask) -> None:
    owner = Owner(app)
    cut = DEFAULT_DIAGRAM.read_bytes().splitlines(keepends=True)[:12]
    answer = owner.upload("Terpotong", ("diagram", "terpotong.bpmn", b"".join(cut)))
    assert answer.status_code == 422
    [problem] = texts(answer, '//ul[@class="problem-list"]/li')
    assert problem.startswith("baris 13: Berkas bukan BPMN yang utuh: berakhir sebelum "
                              "waktunya"), problem
    assert "Premature" not in answer.text


def test_converted_properties_keep_their_lines_and_ours_win_when_written_both_ways() -> None:
    done = convert(CAMUNDA7)
    assert done.bpmn.count(b"\n") == CAMUNDA7.count(b"\n")
    before = [n for n, line in enumerate(CAMUNDA7.splitlines(), 1) if b"<camunda:property " in line]
    after = [n for n, line in enumerate(done.bpmn.splitlines(), 1)
             if b"<spiffworkflow:property " in line]
    assert before == after
    both = CAMUNDA7.replace(
        b'<camunda:properties>',
        b'<spiffworkflow:properties xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/'
        b'core"><spiffworkflow:property name="sopStep" value="1" /></spiffworkflow:properties>'
        b'<camunda:properties>', 1)
    mixed = convert(both)
    assert mixed.converted == PROPERTIES
    assert own_properties(mixed.bpmn) == own_properties(DEFAULT_DIAGRAM.read_bytes())
    assert b"camunda:propert" not in mixed.bpmn
