"""A valid diagram whose script misbehaves at run time: stopped, and the ticket unchanged."""

from __future__ import annotations

import time
from typing import Any

import pytest
from lxml import etree

import engine
from engine import SandboxError
from engine.process.files import DEFAULT_DIAGRAM, read_forms
from engine.process.validation import NS
from tests.bounds import ENDS_WITHIN
from tests.desk import Desk
from tests.diagram_edits import NO_SCENARIOS

BPMN, BPMNDI, DC, DI = NS["bpmn"], NS["bpmndi"], "http://www.omg.org/spec/DD/20100524/DC", (
    "http://www.omg.org/spec/DD/20100524/DI")


def with_script_after_step_2(script: str) -> bytes:
    """The shipped diagram with a script task between steps 2 and 3, drawn like the rest."""
    root = etree.fromstring(DEFAULT_DIAGRAM.read_bytes())
    process = root.find("bpmn:process", NS)
    flow = root.xpath("//bpmn:sequenceFlow[@id='Flow_02_03']", namespaces=NS)[0]
    flow.set("targetRef", "Script_hitung")
    task = etree.SubElement(process, f"{{{BPMN}}}scriptTask", id="Script_hitung",
                            name="Hitung prioritas")
    etree.SubElement(task, f"{{{BPMN}}}incoming").text = "Flow_02_03"
    etree.SubElement(task, f"{{{BPMN}}}outgoing").text = "Flow_script_03"
    etree.SubElement(task, f"{{{BPMN}}}script").text = script
    etree.SubElement(process, f"{{{BPMN}}}sequenceFlow", id="Flow_script_03",
                     sourceRef="Script_hitung", targetRef="step03_kewenangan")
    step3 = root.xpath("//bpmn:userTask[@id='step03_kewenangan']", namespaces=NS)[0]
    step3.find("bpmn:incoming", NS).text = "Flow_script_03"
    lane = root.xpath("//bpmn:lane[@name='Helpdesk LKPP']", namespaces=NS)[0]
    etree.SubElement(lane, f"{{{BPMN}}}flowNodeRef").text = "Script_hitung"
    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    shape = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNShape", id="Script_hitung_di",
                             bpmnElement="Script_hitung")
    etree.SubElement(shape, f"{{{DC}}}Bounds", x="490", y="900", width="40", height="40")
    edge = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNEdge", id="Flow_script_03_di",
                            bpmnElement="Flow_script_03")
    for x, y in (("530", "920"), ("560", "920")):
        etree.SubElement(edge, f"{{{DI}}}waypoint", x=x, y=y)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def deploy(desk: Desk, script: str) -> Any:
    version, outcome = engine.deploy(desk.database.uow(),
                                     engine.command_line_operator("pemilik.proses"),
                                     with_script_after_step_2(script), read_forms(DEFAULT_DIAGRAM),
                                     scenarios=NO_SCENARIOS)  # scripts that fail on purpose
    assert outcome == "deployed"
    return version


def test_a_script_task_runs_in_the_sandbox_and_sets_data(desk: Desk) -> None:
    deploy(desk, 'prioritas = "tinggi" if len(deskripsi) > 20 else "biasa"')
    ticket = desk.open()
    desk.do(ticket, "step02_terima")
    assert desk.pending(ticket) == ["step03_kewenangan"]
    [result] = engine.verify_tickets(desk.database.uow(), [ticket.number])
    assert result.ok, result.problems


@pytest.mark.parametrize("script", [
    "while True:\n    pass",
    "n = 0\nwhile n >= 0:\n    n = n + 1",
])
def test_an_endless_script_is_stopped_and_the_task_stays_pending(desk: Desk,
                                                                 script: str) -> None:
    deploy(desk, script)
    ticket = desk.open()
    started = time.monotonic()
    with pytest.raises(SandboxError):
        desk.do(ticket, "step02_terima")
    assert time.monotonic() - started < ENDS_WITHIN
    assert desk.pending(ticket) == ["step02_terima"]
    assert desk.trail(ticket) == ["step01_eskalasi"]


def test_a_script_that_fails_leaves_the_ticket_as_it_was(desk: Desk) -> None:
    deploy(desk, "hasil = 1 / 0")
    ticket = desk.open()
    with pytest.raises(SandboxError, match="ZeroDivisionError"):
        desk.do(ticket, "step02_terima")
    assert desk.pending(ticket) == ["step02_terima"]
    desk.database.dispose()
