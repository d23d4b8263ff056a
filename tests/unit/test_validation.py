"""Diagram validation: each kind of bad diagram is named with its line, nothing else passes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from cli.english import english
from engine.process.files import DEFAULT_DIAGRAM, read_forms
from engine.process.validation import NS, validate_diagram

FORMS = read_forms(DEFAULT_DIAGRAM)
SOURCE = DEFAULT_DIAGRAM.read_bytes()


def problems_of(bpmn: bytes, forms: dict[str, Any] | None = None) -> list[str]:
    problems, _ = validate_diagram(bpmn, FORMS if forms is None else forms)
    return [f"{p.file or 'diagram'}:{p.line}: {english(p.message)}" for p in problems]


def edited(change: Callable[[Any], None]) -> bytes:
    root = etree.fromstring(SOURCE)
    change(root)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def first(root: Any, xpath: str) -> Any:
    return root.xpath(xpath, namespaces=NS)[0]


def test_the_shipped_diagram_is_valid() -> None:
    assert problems_of(SOURCE) == []


def test_every_form_of_the_shipped_diagram_is_used() -> None:
    _, resolved = validate_diagram(SOURCE, FORMS)
    assert sorted(resolved) == sorted(FORMS)


@pytest.mark.parametrize("bpmn, expected", [
    (b"<bpmn:definitions", "malformed XML"),
    (b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
     b"<d>&x;</d>", "DOCTYPE"),
    (b'<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">'
     b']>\n<l>&b;</l>', "DOCTYPE"),
    (b'<definitions xmlns="http://example.org/not-bpmn"/>', "root element must be"),
    (b"\xff\xfe<\x00d\x00/\x00>\x00", "UTF-8"),
])
def test_hostile_or_broken_xml_is_refused(bpmn: bytes, expected: str) -> None:
    found = problems_of(bpmn)
    assert len(found) == 1 and expected in found[0]


def test_a_doctype_is_reported_at_its_line() -> None:
    doctype = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    bpmn = SOURCE.replace(b"?>\n", b"?>\n\n" + doctype + b"\n", 1)
    assert problems_of(bpmn)[0].startswith("diagram:3: DOCTYPE")


def test_a_file_over_the_size_limit_is_refused_without_parsing() -> None:
    bpmn = SOURCE.replace(b"</bpmn:definitions>", b"<!--" + b"x" * 3_000_000 + b"-->"
                          + b"</bpmn:definitions>")
    [problem] = problems_of(bpmn)
    assert "limit" in problem


def condition_of(flow_id: str, expression: str) -> Callable[[Any], None]:
    def change(root: Any) -> None:
        first(root, f"//bpmn:sequenceFlow[@id='{flow_id}']/bpmn:conditionExpression").text = (
            expression)
    return change


def gateway_flow(root: Any, gateway: str, conditional: bool) -> Any:
    default = first(root, f"//bpmn:exclusiveGateway[@id='{gateway}']").get("default")
    flows = root.xpath(f"//bpmn:sequenceFlow[@sourceRef='{gateway}']", namespaces=NS)
    return next(f for f in flows if (f.get("id") != default) == conditional)


@pytest.mark.parametrize("expression", [
    "__import__('os').system('touch /tmp/eskalasi-pwned')",
    "().__class__.__base__.__subclasses__()",
    "open('/etc/passwd').read()",
    "kewenangan.__class__",
])
def test_a_sandbox_escape_in_a_condition_is_refused_with_its_line(expression: str) -> None:
    root = etree.fromstring(SOURCE)
    flow = gateway_flow(root, "Gateway_03_kewenangan", conditional=True)
    condition = flow.find("bpmn:conditionExpression", NS)
    condition.text = expression
    line = condition.sourceline
    found = problems_of(bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8")))
    assert found and all("sandbox" in p for p in found)
    assert found[0].startswith(f"diagram:{line}:")


def test_a_script_task_that_imports_is_refused() -> None:
    def change(root: Any) -> None:
        task = first(root, "//bpmn:userTask[@id='step02_terima']")
        task.tag = f"{{{NS['bpmn']}}}scriptTask"
        script = etree.SubElement(task, f"{{{NS['bpmn']}}}script")
        script.text = "import os\nos.system('id')"
    assert any("sandbox" in p and "script" in p for p in problems_of(edited(change)))


def test_a_decision_flow_without_condition_or_default_is_refused() -> None:
    def change(root: Any) -> None:
        flow = gateway_flow(root, "Gateway_05_data", conditional=True)
        flow.remove(flow.find("bpmn:conditionExpression", NS))
    found = problems_of(edited(change))
    assert len(found) == 1 and "no condition and is not the default" in found[0]


def test_a_flow_to_nowhere_is_refused() -> None:
    def change(root: Any) -> None:
        first(root, "//bpmn:sequenceFlow[@sourceRef='step14_balas_selesai']").set(
            "targetRef", "step99_hilang")
    found = problems_of(edited(change))
    assert any("'step99_hilang', which is not an element" in p for p in found)


def test_a_task_outside_the_three_lanes_is_refused() -> None:
    def change(root: Any) -> None:
        lane = first(root, "//bpmn:lane[@name='Pengguna SPSE']")
        lane.set("name", "Vendor")
    found = problems_of(edited(change))
    assert any("lane 'Vendor' is not one of" in p for p in found)
    assert any("no lane named Pengguna SPSE" in p for p in found)


def test_a_task_in_no_lane_is_refused() -> None:
    def change(root: Any) -> None:
        ref = first(root, "//bpmn:flowNodeRef[text()='step09_kirim_data_pengguna']")
        ref.getparent().remove(ref)
    found = problems_of(edited(change))
    assert any("step09_kirim_data_pengguna" in p and "in no lane" in p for p in found)


def test_an_uncovered_sop_step_is_refused() -> None:
    def change(root: Any) -> None:
        for prop in root.xpath("//spiffworkflow:property[@name='sopStep'][@value='11']",
                               namespaces=NS):
            prop.getparent().remove(prop)
    found = problems_of(edited(change))
    assert len(found) == 1 and "SOP step(s) 11 are carried out by no element" in found[0]


def test_a_sop_step_out_of_range_is_refused() -> None:
    def change(root: Any) -> None:
        first(root, "//spiffworkflow:property[@name='sopStep'][@value='4']").set("value", "18")
    assert any("sopStep '18' is not a step number" in p for p in problems_of(edited(change)))


def test_an_unknown_form_is_refused() -> None:
    def change(root: Any) -> None:
        first(root, "//bpmn:userTask[@id='step04_panduan']//spiffworkflow:property"
                    "[@name='formJsonSchemaFilename']").set("value", "tidak_ada.json")
    found = problems_of(edited(change))
    assert len(found) == 1 and "form 'tidak_ada.json'" in found[0]


def test_a_form_that_is_not_a_json_schema_is_refused_in_its_file() -> None:
    forms = {**FORMS, "step04_panduan.json": b'{"type": "object", "properties": 3}'}
    found = problems_of(SOURCE, forms)
    assert len(found) == 1 and found[0].startswith("forms/step04_panduan.json:")
    broken = {**FORMS, "step04_panduan.json": b'{"type": "object",\n  oops}'}
    assert problems_of(SOURCE, broken)[0].startswith("forms/step04_panduan.json:2: not valid JSON")


def test_missing_layout_is_refused() -> None:
    def change(root: Any) -> None:
        shape = first(root, "//bpmndi:BPMNShape[@bpmnElement='step10_kirim_data']")
        shape.getparent().remove(shape)
    found = problems_of(edited(change))
    assert len(found) == 1 and "step10_kirim_data" in found[0] and "layout" in found[0]


def test_a_diagram_without_any_layout_is_refused() -> None:
    def change(root: Any) -> None:
        root.remove(first(root, "bpmndi:BPMNDiagram"))
    assert any("has no layout" in p for p in problems_of(edited(change)))


def test_an_element_the_schema_does_not_know_is_refused() -> None:
    def change(root: Any) -> None:
        etree.SubElement(first(root, "bpmn:process"), f"{{{NS['bpmn']}}}userTaskk", id="x")
    assert any("BPMN schema" in p for p in problems_of(edited(change)))


def test_a_service_task_is_refused_as_unsupported() -> None:
    def change(root: Any) -> None:
        first(root, "//bpmn:userTask[@id='step12_penanganan']").tag = (
            f"{{{NS['bpmn']}}}serviceTask")
    assert any("serviceTask is not supported" in p for p in problems_of(edited(change)))


def test_problems_come_sorted_by_line(tmp_path: Path) -> None:
    def change(root: Any) -> None:
        condition_of(gateway_flow(root, "Gateway_13_selesai", True).get("id"),
                     "__import__('os')")(root)
        condition_of(gateway_flow(root, "Gateway_03_kewenangan", True).get("id"),
                     "x.__dict__")(root)
    problems, _ = validate_diagram(edited(change), FORMS)
    lines = [p.line for p in problems]
    assert len(lines) >= 2 and lines == sorted(lines)


def test_deeply_nested_xml_is_refused_not_parsed_without_end() -> None:
    opening = b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">'
    nested = b"<x>" * 5000 + b"</x>" * 5000
    found = problems_of(opening + nested + b"</bpmn:definitions>")
    assert len(found) == 1 and "malformed XML" in found[0]


def test_a_wrong_namespace_on_the_process_is_refused() -> None:
    bpmn = SOURCE.replace(b"<bpmn:process ", b'<bpmn:process xmlns:bpmn="urn:other" ', 1)
    found = problems_of(bpmn)
    assert any("exactly one process" in p for p in found)
