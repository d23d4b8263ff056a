"""Time limits and timers in the diagram: what validation refuses, with the line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from cli.main import main
from engine.process.definitions import read_steps
from engine.process.files import DEFAULT_DIAGRAM
from engine.process.validation import read_xml
from tests.unit.test_validation import SOURCE, edited, first, problems_of


def test_every_user_task_after_the_first_has_a_limit_and_a_timer() -> None:
    root, _ = read_xml(SOURCE)
    assert root is not None
    _, steps, start = read_steps(root)
    tasks = [s for s in steps.values() if s.kind == "userTask" and s.spec_name != start]
    assert len(tasks) == 16 and all(s.time_limit for s in tasks)
    attached = {b.get("attachedToRef") for b in root.iter("{*}boundaryEvent")}
    assert attached == {s.spec_name for s in tasks}


def time_limit(value: str) -> Any:
    def change(root: Any) -> None:
        first(root, '//bpmn:userTask[@id="step12_penanganan"]//spiffworkflow:property'
                    '[@name="timeLimit"]').set("value", value)
    return change


@pytest.mark.parametrize("value", ["3 hari", "0d", "1.5h", "2w", "d3"])
def test_a_malformed_time_limit_is_refused_with_its_line(value: str) -> None:
    problems = problems_of(edited(time_limit(value)))
    assert len(problems) == 1
    assert "step12_penanganan" in problems[0] and "8h or 2d" in problems[0]
    task_line = next(number for number, text in enumerate(SOURCE.decode().splitlines(), 1)
                     if '<bpmn:userTask id="step12_penanganan"' in text)
    assert int(problems[0].split(":")[1]) == task_line


def test_a_timer_on_a_step_without_a_limit_is_refused() -> None:
    def change(root: Any) -> None:
        prop = first(root, '//bpmn:userTask[@id="step12_penanganan"]//spiffworkflow:property'
                           '[@name="timeLimit"]')
        prop.getparent().remove(prop)
    problems = problems_of(edited(change))
    assert any("Timer_12_batas_waktu" in p and "no timeLimit" in p for p in problems)


def test_an_interrupting_timer_is_refused() -> None:
    def change(root: Any) -> None:
        first(root, '//bpmn:boundaryEvent[@id="Timer_12_batas_waktu"]').set(
            "cancelActivity", "true")
    problems = problems_of(edited(change))
    assert any("Timer_12_batas_waktu" in p and "non-interrupting" in p for p in problems)


def test_validate_names_a_bad_days_off_line(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "processes"
    folder.mkdir()
    diagram = folder / "escalation.bpmn"
    diagram.write_bytes(SOURCE)
    (folder / "forms").mkdir()
    for form in (DEFAULT_DIAGRAM.parent / "forms").glob("*.json"):
        (folder / "forms" / form.name).write_bytes(form.read_bytes())
    (folder / "days-off.txt").write_text("# libur\n2026-12-31 Libur kantor\n31-12-2026 salah\n")
    monkeypatch.setenv("ESKALASI_DATABASE_URL", f"sqlite:///{tmp_path / 'none.sqlite3'}")
    assert main(["validate", str(diagram)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{folder / 'days-off.txt'}:3: '31-12-2026 salah' does not start")


@pytest.mark.parametrize("kind, text", [
    ("timeDate", '"2026-12-01T00:00:00+07:00"'), ("timeDuration", '"PT8H"'),
    ("timeCycle", '"R3/PT1H"')])
def test_a_timer_the_clock_would_fire_is_refused(kind: str, text: str) -> None:
    def change(root: Any) -> None:
        date = first(root, '//bpmn:boundaryEvent[@id="Timer_12_batas_waktu"]//bpmn:timeDate')
        date.tag = date.tag.replace("timeDate", kind)
        date.text = text
    problems = problems_of(edited(change))
    assert any("Timer_12_batas_waktu" in p and "9999-12-31T23:59:59+00:00" in p
               for p in problems), problems


def test_a_timer_anywhere_but_on_a_step_is_refused() -> None:
    def change(root: Any) -> None:
        end = first(root, '//bpmn:endEvent[@id="EndEvent_12_pengingat"]')
        end.tag = end.tag.replace("endEvent", "intermediateCatchEvent")
        timer = first(root, '//bpmn:boundaryEvent[@id="Timer_12_batas_waktu"]'
                            '/bpmn:timerEventDefinition')
        copy = etree.fromstring(etree.tostring(timer))
        copy.set("id", "Timer_copy")
        end.append(copy)
    problems = problems_of(edited(change))
    assert any("EndEvent_12_pengingat" in p and "only a timer on the border" in p
               for p in problems), problems
