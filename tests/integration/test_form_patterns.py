"""Form patterns are linear, and one validation has a budget (issue 11, part 3).

A form's `pattern` is matched with RE2: `^(a|aa)+$` against `"a"*36 + "!"` backtracked for
seconds in the web process with Python's `re`, blocking every other request. A pattern RE2
cannot take is refused when the diagram is validated, naming the form and the field. And one
validate (or deploy, or the editor's check) stops at its budget, with a problem that says so:
333 scripts of `'%s' % (((1,)*9999,)*10,)` cost 25 s of CPU in one request.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from lxml import etree

import engine
from engine.messages import Message
from engine.process.files import read_forms
from engine.process.forms import check_submission, make_validator
from engine.process.validation import BPMN_NS, NS, Budget, validate_diagram
from tests.desk import STEP_DATA, Desk
from tests.diagram_edits import NO_SCENARIOS
from tests.integration.api_client import Api
from tests.integration.test_api_versions import BPMN, PROCESSES, XML, multipart, versions
from tests.integration.test_hostile_server import (
    ADMIN,
    DESK,
    PROBE_BOUND,
    SERVERS,
    Server,
    probes_while,
    started,
    step_task,
)
from tests.integration.test_process_editor import Owner
from tests.pages import field_errors, visitor

OWNER = "pemilik.proses"
FORM = "step02_terima.json"
FIELD = "catatan_telaah"
BACKTRACKING = "^(a|aa)+$"
HOSTILE_ANSWER = "a" * 36 + "!"
QUICK = 1.0  # seconds: the hostile answer took 7 s with Python's re
HEAVY = "'%s' % (((1,)*9999,)*10,)"  # the row: ~25 ms of checking each


def form_with(**rules: Any) -> bytes:
    """Step 2's form with extra rules on its notes field."""
    form = json.loads((PROCESSES / "forms" / FORM).read_bytes())
    form["properties"][FIELD].update(rules)
    return json.dumps(form).encode()


def with_scripts(scripts: list[str]) -> bytes:
    """The shipped diagram with one (unconnected) script task per script."""
    root = etree.fromstring(BPMN)
    process = root.find("bpmn:process", NS)
    for i, script in enumerate(scripts):
        task = etree.SubElement(process, f"{{{BPMN_NS}}}scriptTask", id=f"Script_{i}")
        etree.SubElement(task, f"{{{BPMN_NS}}}script").text = script
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def deploy_pattern(desk: Desk) -> None:
    forms = {**read_forms(PROCESSES / "escalation.bpmn"), FORM: form_with(pattern=BACKTRACKING)}
    # The shipped scenarios' answers do not match the pattern: deployed without them.
    _, outcome = engine.deploy(desk.database.uow(), engine.command_line_operator(OWNER),
                               BPMN, forms, scenarios=NO_SCENARIOS)
    assert outcome == "deployed"


def test_a_backtracking_pattern_answers_at_once_through_the_api(api: Api, desk: Desk) -> None:
    deploy_pattern(desk)
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima", "helpdesk.lkpp")
    started = time.monotonic()
    response = api.post(f"/tasks/{task.id}/complete", "helpdesk.lkpp",
                        json={"data": {FIELD: HOSTILE_ANSWER}})
    took = time.monotonic() - started
    assert response.status_code == 422, response.json
    assert set(response.json["errors"]) == {FIELD}
    assert took < QUICK, f"{took:.2f} s"
    assert desk.pending(ticket) == ["step02_terima"]
    done = api.post(f"/tasks/{task.id}/complete", "helpdesk.lkpp",
                    json={"data": {FIELD: "a" * 36}})
    assert done.status_code == 200, done.json
    assert desk.pending(ticket) == ["step03_kewenangan"]


def test_a_backtracking_pattern_answers_at_once_on_the_task_page(app: Flask, desk: Desk) -> None:
    deploy_pattern(desk)
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima", "helpdesk.lkpp")
    helpdesk = visitor(app, "helpdesk.lkpp")
    started = time.monotonic()
    response = helpdesk.post(f"/tugas/{task.id}", {FIELD: HOSTILE_ANSWER})
    took = time.monotonic() - started
    assert response.status_code == 422
    assert field_errors(response) == {FIELD: "Format isian tidak sesuai."}
    assert took < QUICK, f"{took:.2f} s"
    assert helpdesk.post(f"/tugas/{task.id}", {FIELD: "aaaa"}).status_code == 302
    assert desk.pending(ticket) == ["step03_kewenangan"]


def test_a_pattern_is_searched_as_json_schema_says_not_anchored() -> None:
    validator = make_validator(json.loads(form_with(pattern="b+")))
    check = check_submission
    assert check(validator, {FIELD: "abbc"}) == {}
    assert set(check(validator, {FIELD: "ac"})) == {FIELD}
    assert set(check(validator, {FIELD: "\udfff"})) == {FIELD}  # cannot be matched: refused


def test_a_pattern_re2_cannot_take_is_refused_at_validate_with_form_and_field(api: Api) -> None:
    before = versions(api)
    for pattern in (r"^(a+)\1$", r"^(?=a)a+$", r"(?<!b)a"):
        for path, status in (("/process-versions/validate", 200), ("/process-versions", 422)):
            response = api.post(path, OWNER, headers={"Accept-Language": "en"},
                                **multipart(BPMN, {FORM: form_with(pattern=pattern)}))
            assert response.status_code == status, response.json
            problems = response.json["problems"]
            assert [(p["file"], p["message"].split(":")[0]) for p in problems] == [
                (f"forms/{FORM}", FIELD)], problems
            assert "cannot be used (RE2" in problems[0]["message"], problems
    assert versions(api) == before


def test_pattern_properties_are_refused_in_a_form(api: Api) -> None:
    form = json.loads(form_with())
    form["patternProperties"] = {"^(a|aa)+$": {"type": "string"}}
    response = api.post("/process-versions/validate", OWNER,
                        **multipart(BPMN, {FORM: json.dumps(form).encode()}))
    assert [(p["file"], p["message"].split(":")[0]) for p in response.json["problems"]] == [
        (f"forms/{FORM}", "(form)")]
    assert "patternProperties" in response.json["problems"][0]["message"]


def test_333_scripts_are_refused_by_the_budget_quickly_on_validate_and_deploy(
        api: Api, app: Flask) -> None:
    before = versions(api)
    diagram = with_scripts([f"x{i} = {HEAVY}" for i in range(333)])
    for path in ("/process-versions/validate", "/process-versions"):
        started = time.monotonic()
        response = api.post(path, OWNER, headers={"Accept-Language": "en"}, data=diagram,
                            content_type=XML)
        took = time.monotonic() - started
        assert response.status_code == (200 if path.endswith("validate") else 422)
        messages = [p["message"] for p in response.json["problems"]]
        assert ("validation stopped: the diagram has 354 scripts and expressions, more than "
                "200") in messages, messages[:3]
        assert took < 3.0, f"{path}: {took:.2f} s"
    answer = Owner(app).validate(diagram.decode())
    assert not answer["ok"]
    assert any(p["message"].startswith("validasi dihentikan: diagram memuat 354 skrip")
               for p in answer["problems"]), answer["problems"][:3]
    assert versions(api) == before


def test_the_budget_counts_pieces_and_characters_and_stops_one_slow_check_at_its_deadline() -> None:
    forms = read_forms(PROCESSES / "escalation.bpmn")
    problems, _ = validate_diagram(with_scripts(["x = 1"] * 3), forms, budget=Budget(pieces=23))
    assert problems[0].message == Message("validation_too_many_code", count="24", limit="23")
    problems, _ = validate_diagram(with_scripts(["x = 1"]), forms, budget=Budget(chars=500))
    assert problems[0].message == Message("validation_too_much_code", count="555", limit="500")
    started = time.monotonic()
    heavy = "\n".join(f"x{i} = {HEAVY}" for i in range(1000))  # 1-10 s of checking each
    problems, _ = validate_diagram(with_scripts([f"{heavy}\ny{n} = 1" for n in range(10)]),
                                   forms, budget=Budget(seconds=0.3, chars=1_000_000))
    assert problems[0].message == Message("validation_too_slow", seconds="0.3")
    assert time.monotonic() - started < 2.0


def test_the_shipped_diagram_still_validates_well_within_its_budget(api: Api) -> None:
    started = time.monotonic()
    response = api.post("/process-versions/validate", OWNER, data=BPMN, content_type=XML)
    assert response.status_code == 200
    assert response.json["problems"] == []
    assert time.monotonic() - started < 2.0


@pytest.fixture(params=list(SERVERS), ids=list(SERVERS))
def server(request: pytest.FixtureRequest, database_url: str,
           tmp_path: Path) -> Iterator[Server]:
    """`eskalasi serve` and gunicorn on the test database (as in test_hostile_server)."""
    yield from started(SERVERS[request.param], database_url, tmp_path)


def test_a_backtracking_pattern_answers_at_once_under_a_real_server_that_keeps_answering(
        server: Server, desk: Desk) -> None:
    deploy_pattern(desk)
    status, ticket = server.call("POST", "/tickets", ADMIN,
                                 {"reporter": "pengguna.bandung",
                                  "data": STEP_DATA["step01_eskalasi"]})
    assert status == 201, ticket
    task = step_task(ticket, "step02_terima")

    (status, answer), took, probes = probes_while(server, lambda: server.call(
        "POST", f"/tasks/{task}/complete", DESK, {"data": {FIELD: HOSTILE_ANSWER}}))

    print(f"{took:.2f} s, {len(probes)} probes, slowest {max(probes or [0]):.2f} s")
    assert status == 422, answer
    assert set(answer["errors"]) == {FIELD}, answer
    assert took < 2 * QUICK, f"{took:.2f} s"  # a real server on a busy machine
    assert probes and max(probes) < PROBE_BOUND, f"slowest probe {max(probes):.1f} s"
    status, done = server.call("POST", f"/tasks/{task}/complete", DESK,
                               {"data": {FIELD: "aaaa"}})
    assert status == 200, done


def test_333_heavy_scripts_are_refused_at_once_by_a_real_server_that_keeps_answering(
        server: Server) -> None:
    diagram = with_scripts([f"x{i} = {HEAVY}" for i in range(333)])
    (status, answer), took, probes = probes_while(server, lambda: server.call(
        "POST", "/process-versions/validate", OWNER, raw=diagram, content_type=XML))
    print(f"{took:.2f} s, {len(probes)} probes, slowest {max(probes or [0]):.2f} s")
    assert status == 200, answer
    assert ("validation stopped: the diagram has 354 scripts and expressions, more than 200"
            in [p["message"] for p in answer["problems"]]), answer["problems"][:3]
    assert took < 2 * QUICK, f"{took:.2f} s"
    assert probes and max(probes) < PROBE_BOUND, f"slowest probe {max(probes):.1f} s"
