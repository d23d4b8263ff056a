"""Running one scenario: each way it can miss is named with the scenario, the step and what
happened instead; timers pass; flows are counted as SpiffWorkflow took them."""

from __future__ import annotations

import json
import time
from typing import Any

from lxml import etree

from engine.process import scenarios
from engine.process.files import DEFAULT_DIAGRAM, read_forms
from engine.process.validation import NS, validate_diagram
from tests.desk import STEP_DATA
from tests.diagram_edits import edit

BPMN = DEFAULT_DIAGRAM.read_bytes()
_, FORMS = validate_diagram(BPMN, read_forms(DEFAULT_DIAGRAM))
DATA = {int(name[4:6]): data for name, data in STEP_DATA.items()}
LPSE = {**DATA[3], "kewenangan": "LPSE"}


def step(number: int, **changes: Any) -> dict[str, Any]:
    return {"sop_step": number, "data": {**DATA[number], **changes}}


def run(*steps: dict[str, Any], outcome: str = "closed", **expect: Any) -> scenarios.ScenarioReport:
    document = {"scenarios": [{"name": "Uji", "steps": list(steps),
                               "expect": {"outcome": outcome, **expect}}]}
    return scenarios.check(BPMN, FORMS, json.dumps(document, indent=1), "uji.scenarios.json")


def only_problem(report: scenarios.ScenarioReport) -> str:
    [problem] = report.problems
    return str(problem.message)


def test_a_path_that_ends_as_expected_passes_with_the_flows_it_took() -> None:
    report = run(step(1), step(2), {"sop_step": 3, "data": LPSE}, step(4), path=[1, 2, 3, 4])
    assert report.ok
    assert report.coverage is not None
    assert report.coverage.taken == {"Flow_mulai_01", "Flow_01_02", "Flow_02_03",
                                     "Flow_03_gateway", "Flow_03_tidak", "Flow_04_selesai"}
    assert report.coverage.branches_taken == 1


def test_a_step_the_process_did_not_go_to_is_named_with_where_it_went() -> None:
    assert only_problem(run(step(1), step(2), step(3), step(4))) == (
        "skenario 'Uji', langkah ke-4: diharapkan langkah 4, tetapi proses ke langkah 5")


def test_answers_that_do_not_fit_the_form_are_named_with_the_field() -> None:
    assert only_problem(run(step(1), step(2, catatan_telaah=5))) == (
        "skenario 'Uji', langkah ke-2: data tidak sah untuk formulir langkah 2: "
        "catatan_telaah: Harus berupa teks.")


def test_a_step_after_the_end_says_the_process_ended_early() -> None:
    report = run(step(1), step(2), {"sop_step": 3, "data": LPSE}, step(4), step(5))
    assert only_problem(report) == ("skenario 'Uji', langkah ke-5: diharapkan langkah 5, "
                                    "tetapi proses sudah selesai")


def test_an_outcome_that_differs_names_both() -> None:
    assert only_problem(run(step(1), step(2), outcome="closed")) == (
        "skenario 'Uji': diharapkan tiket ditutup, tetapi tiket menunggu di langkah 3")
    assert only_problem(run(step(1), step(2), outcome="open", waiting_at=[4])) == (
        "skenario 'Uji': diharapkan tiket menunggu di langkah 4, tetapi tiket menunggu di "
        "langkah 3")
    assert run(step(1), step(2), outcome="open", waiting_at=[3]).ok


def test_a_path_that_differs_from_the_one_expected_is_named() -> None:
    assert only_problem(run(step(1), step(2), outcome="open", path=[1, 3])) == (
        "skenario 'Uji': jalur yang diharapkan 1, 3, tetapi proses menempuh 1, 2")


def test_a_time_limit_passes_and_its_reminder_flow_is_taken() -> None:
    report = run(step(1), {"timer": 2}, step(2), {"timer": "Timer_03_batas_waktu"},
                 outcome="open", waiting_at=[3])
    assert report.ok, report.problems
    assert report.coverage is not None
    assert {"Flow_02_batas_waktu", "Flow_03_batas_waktu"} <= report.coverage.taken


def test_a_timer_that_is_not_there_or_fired_already_is_named() -> None:
    assert only_problem(run(step(1), {"timer": 3})) == (
        "skenario 'Uji', langkah ke-2: diharapkan langkah 3, tetapi proses ke langkah 2")
    assert only_problem(run({"timer": 1})) == (
        "skenario 'Uji', langkah ke-1: langkah 1 tidak memiliki timer batas waktu")
    assert only_problem(run(step(1), {"timer": 2}, {"timer": 2})) == (
        "skenario 'Uji', langkah ke-3: timer Timer_02_batas_waktu sudah berjalan pada "
        "langkah ini")
    assert only_problem(run(step(1), {"timer": "Timer_99"})) == (
        "skenario 'Uji', langkah ke-2: tidak ada timer batas waktu bernama 'Timer_99'")


def test_a_file_problem_is_at_its_line_naming_the_scenario_and_step() -> None:
    source = ('{"scenarios": [\n {"name": "A", "steps": [{"sop_step": 1}], '
              '"expect": {"outcome": "closed"}},\n {"name": "A", "steps": [\n  {"timer": 2, '
              '"data": {}}], "expect": {"outcome": "closed", "waiting_at": [3]}}]}')
    found, problems = scenarios.read_scenarios(source, "f.json")
    assert found == []
    assert [(p.line, str(p.message)) for p in problems] == [
        (3, "skenario 'A' sudah ada di baris 2; beri setiap skenario nama sendiri"),
        (4, "skenario 'A', langkah ke-1: isi salah satu: sop_step (dengan data dan task), "
            "timer, atau message (dengan data)"),
        (4, "skenario 'A': waiting_at hanya untuk outcome open")]
    [unreadable] = scenarios.read_scenarios(b"\xff", "f.json")[1]
    assert str(unreadable.message) == "berkas bukan UTF-8 yang sah"


def test_a_report_is_cached_by_diagram_forms_and_scenarios() -> None:
    text = scenarios.scenarios_beside(DEFAULT_DIAGRAM).read_bytes()
    first = scenarios.check(BPMN, FORMS, text, "x.scenarios.json")
    started = time.monotonic()
    assert scenarios.check(BPMN, FORMS, text, "x.scenarios.json") is first
    assert time.monotonic() - started < 0.05


def test_scenario_files_are_told_apart_from_forms_in_an_upload() -> None:
    forms, found, name = scenarios.split_scenarios({"step01.json": b"{}",
                                                    "dir/Mine.Scenarios.json": b"[]"})
    assert (forms, found, name) == ({"step01.json": b"{}"}, b"[]", "Mine.Scenarios.json")
    assert scenarios.split_scenarios({"step01.json": b"{}"}) == ({"step01.json": b"{}"}, None,
                                                                  "")


def with_withdrawal(root: Any) -> None:
    """A message boundary event on step 2 (the ticket withdrawn) to an end of its own."""
    bpmn = NS["bpmn"]
    process = root.find("bpmn:process", NS)
    message = etree.Element(f"{{{bpmn}}}message", id="Message_uji_tarik", name="uji_tarik")
    root.insert(list(root).index(process), message)
    event = etree.SubElement(process, f"{{{bpmn}}}boundaryEvent", id="Event_uji_tarik",
                             attachedToRef="step02_terima")
    etree.SubElement(event, f"{{{bpmn}}}messageEventDefinition",
                     messageRef="Message_uji_tarik")
    etree.SubElement(process, f"{{{bpmn}}}endEvent", id="EndEvent_uji_tarik")
    etree.SubElement(process, f"{{{bpmn}}}sequenceFlow", id="Flow_uji_tarik",
                     sourceRef="Event_uji_tarik", targetRef="EndEvent_uji_tarik")


def test_a_message_step_delivers_a_ticket_operation_and_its_flow_is_taken() -> None:
    diagram = edit(with_withdrawal)
    document = {"scenarios": [
        {"name": "Ditarik", "steps": [step(1), {"message": "uji_tarik",
                                                "data": {"alasan": "Salah buka"}}],
         "expect": {"outcome": "closed", "path": [1]}},
        {"name": "Terlambat", "steps": [step(1), step(2), {"message": "uji_tarik"}],
         "expect": {"outcome": "closed"}},
        {"name": "Tak dikenal", "steps": [{"message": "tiket_hilang"}],
         "expect": {"outcome": "closed"}}]}
    report = scenarios.check(diagram, FORMS, json.dumps(document), "m.scenarios.json")
    assert [str(p.message) for p in report.problems] == [
        "skenario 'Terlambat', langkah ke-3: tidak ada yang menunggu pesan 'uji_tarik' "
        "saat ini",
        "skenario 'Tak dikenal', langkah ke-1: diagram tidak memiliki pesan bernama "
        "'tiket_hilang'"]
    assert report.results[0].passed
    assert "Flow_uji_tarik" in report.results[0].taken
    assert report.coverage is not None and "Flow_uji_tarik" in report.coverage.flows
