"""Deploying versions: content hash, pinning, form fallback, refusal, and the sandbox at run."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

import engine
from engine import InvalidDiagram, SandboxError
from engine.persistence.tables import ProcessVersionRow
from engine.process.definitions import content_hash
from engine.process.files import DEFAULT_DIAGRAM, read_forms
from engine.process.validation import NS
from tests.desk import Desk

SOURCE = DEFAULT_DIAGRAM.read_bytes()
FORMS = read_forms(DEFAULT_DIAGRAM)


def renamed(task_id: str, name: str) -> bytes:
    root = etree.fromstring(SOURCE)
    root.xpath(f"//bpmn:userTask[@id='{task_id}']", namespaces=NS)[0].set("name", name)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def test_a_new_version_takes_new_tickets_while_old_ones_stay_pinned(desk: Desk) -> None:
    old = desk.open()
    version, outcome = engine.deploy(desk.database.uow(),
                                     engine.command_line_operator("pemilik.proses"),
                                     renamed("step02_terima", "Telaah"), FORMS, "rename step 2")
    assert outcome == "deployed" and version.number == 2 and version.current
    new = desk.open()
    assert new.process_version == version.id != old.process_version
    assert desk.task(new, "step02_terima").name == "Telaah"
    assert desk.task(old, "step02_terima").name == "Menerima dan mempelajari permasalahan"
    finished = desk.run(old, "step02_terima",
                        ("step03_kewenangan", {"kewenangan": "LPSE"}), "step04_panduan")
    assert finished.status == "closed" and finished.process_version == old.process_version
    assert all(r.ok for r in engine.verify_tickets(desk.database.uow()))


def test_deploying_the_same_content_again_makes_no_new_version(desk: Desk) -> None:
    before = engine.list_versions(desk.database.uow(), engine.command_line_operator("tests"))
    version, outcome = engine.deploy(desk.database.uow(),
                                     engine.command_line_operator("pemilik.proses"), SOURCE, FORMS)
    assert outcome == "unchanged"
    assert engine.list_versions(desk.database.uow(),
                                engine.command_line_operator("tests")) == before
    assert version.id == content_hash(SOURCE, {k: json.loads(v)
                                               for k, v in FORMS.items()})


def test_a_form_change_alone_is_a_new_version(desk: Desk) -> None:
    forms = dict(FORMS)
    forms["step02_terima.json"] = forms["step02_terima.json"].replace(
        b"Catatan Telaah", b"Catatan Penelaahan")
    _, outcome = engine.deploy(desk.database.uow(), engine.command_line_operator("pemilik.proses"),
                               SOURCE, forms)
    assert outcome == "deployed"
    assert len(engine.list_versions(desk.database.uow(),
                                    engine.command_line_operator("tests"))) == 2


def test_a_diagram_without_its_forms_uses_the_deployed_forms(desk: Desk) -> None:
    _, outcome = engine.deploy(desk.database.uow(), engine.command_line_operator("pemilik.proses"),
                               renamed("step04_panduan", "Panduan"), {})
    assert outcome == "deployed"
    ticket = desk.run(desk.open(), "step02_terima")
    desk.do(ticket, "step03_kewenangan", kewenangan="LPSE")
    assert desk.task(ticket, "step04_panduan").form["required"] == ["panduan"]


def test_reactivating_an_older_version_is_recorded(desk: Desk) -> None:
    first = engine.list_versions(desk.database.uow(), engine.command_line_operator("tests"))[0]
    engine.deploy(desk.database.uow(), engine.command_line_operator("pemilik"),
                  renamed("step02_terima", "Telaah"), FORMS)
    again, outcome = engine.deploy(desk.database.uow(), engine.command_line_operator("pemilik"),
                                   SOURCE, FORMS)
    assert outcome == "reactivated" and again.id == first.id and again.current
    assert desk.open().process_version == first.id


def test_an_invalid_diagram_is_refused_and_nothing_is_stored(desk: Desk) -> None:
    before = engine.list_versions(desk.database.uow(), engine.command_line_operator("tests"))
    bad = SOURCE.replace(b'value="17"', b'value="71"')
    with pytest.raises(InvalidDiagram) as refused:
        engine.deploy(desk.database.uow(), engine.command_line_operator("pemilik.proses"), bad,
                      FORMS)
    assert any("71" in p.message for p in refused.value.problems)
    assert engine.list_versions(desk.database.uow(),
                                engine.command_line_operator("tests")) == before


def test_an_escape_that_bypassed_validation_is_still_refused_at_run_time(
        desk: Desk, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    root = etree.fromstring(SOURCE)
    gateway = root.xpath("//bpmn:exclusiveGateway[@id='Gateway_03_kewenangan']",
                         namespaces=NS)[0]
    flow = next(f for f in root.xpath("//bpmn:sequenceFlow[@sourceRef='Gateway_03_kewenangan']",
                                      namespaces=NS) if f.get("id") != gateway.get("default"))
    flow.find("bpmn:conditionExpression", NS).text = (
        f"__import__('os').system('touch {marker}') == 0")
    hostile = bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    forms = {k: json.loads(v) for k, v in FORMS.items()}
    # Someone with database access plants the diagram, skipping `deploy`'s validation.
    with desk.database.uow() as uow:
        uow.session.add(ProcessVersionRow(
            id=content_hash(hostile, forms), number=99, process_id="eskalasi_lpse_support",
            bpmn_xml=hostile.decode(), forms=forms, deployed_at=datetime.now(UTC),
            deployed_by="intruder", note="", activation=99))
        uow.commit()
    ticket = desk.run(desk.open(), "step02_terima")
    with pytest.raises(SandboxError):
        desk.do(ticket, "step03_kewenangan")
    assert not marker.exists()
    assert desk.pending(ticket) == ["step03_kewenangan"]
    assert desk.trail(ticket) == ["step01_eskalasi", "step02_terima"]
