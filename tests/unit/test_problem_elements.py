"""Every problem of a diagram names the element it is about, so the editor can mark it."""

from __future__ import annotations

from pathlib import Path

from cli.english import english
from engine.process.files import read_forms
from engine.process.validation import validate_diagram

DIAGRAM = Path(__file__).resolve().parents[2] / "processes" / "escalation.bpmn"
BPMN = DIAGRAM.read_bytes()
FORMS = read_forms(DIAGRAM)


def problems_of(bpmn: bytes) -> list[tuple[str, str]]:
    problems, _ = validate_diagram(bpmn, FORMS)
    return [(p.element, english(p.message)) for p in problems]


def test_a_schema_error_is_placed_on_the_element_at_its_line() -> None:
    bad = BPMN.replace(b'<bpmn:userTask id="step12_penanganan"',
                       b'<bpmn:userTask id="step12_penanganan" completionQuantity="banyak"', 1)
    found = problems_of(bad)
    assert any(element == "step12_penanganan" and "BPMN schema" in message
               for element, message in found), found


def test_a_condition_s_problem_is_placed_on_its_flow() -> None:
    bad = BPMN.replace(b'kewenangan == "LKPP"', b'__import__("os")', 1)
    assert {element for element, _ in problems_of(bad)} == {"Flow_03_ya"}


def test_a_node_in_two_lanes_is_named_by_its_reference() -> None:
    bad = BPMN.replace(b"<bpmn:flowNodeRef>step01_eskalasi</bpmn:flowNodeRef>",
                       b"<bpmn:flowNodeRef>step01_eskalasi</bpmn:flowNodeRef>"
                       b"<bpmn:flowNodeRef>step02_terima</bpmn:flowNodeRef>", 1)
    found = problems_of(bad)
    assert ("step02_terima", "'step02_terima' is in two lanes") in found, found


def test_a_problem_of_the_whole_file_names_no_element() -> None:
    problems, _ = validate_diagram(b"<bpmn:definitions", FORMS)
    assert [p.element for p in problems] == [""]
