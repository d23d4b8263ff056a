"""Hostile diagrams and forms sent to the JSON API: each refused, clearly, and nothing deployed.

tests/unit/test_validation.py and test_sandbox.py check the validator and the sandbox one
by one; here the same attacks (and what they missed) go through `POST
/api/v1/process-versions` and `/validate` as a process owner would send them: entity
expansion, external entities, XInclude, huge bodies, deep nesting in the XML and in the
forms, a diagram with thousands of elements, sandbox escapes in conditions and scripts,
and a script that never ends or leaves a bomb in the task data, at run time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.bounds import ENDS_WITHIN
from tests.desk import STEP_DATA, Desk
from tests.diagram_edits import NO_SCENARIOS
from tests.integration.api_client import Api
from tests.integration.test_api_versions import BPMN, RENAMED, XML, multipart, versions
from tests.integration.test_scripts_at_run_time import with_script_after_step_2

OWNER = "pemilik.proses"
PATHS = ("/process-versions/validate", "/process-versions")
SECRET = "root:x:0:0"  # the start of /etc/passwd: must never be echoed back


def laughs(levels: int = 9) -> bytes:
    """The billion laughs: ten entities, each ten of the one before."""
    entities = b"".join(b'<!ENTITY %c "%s">' % (98 + i, (b"&%c;" % (97 + i)) * 10)
                        for i in range(levels))
    return (b'<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "lol">' + entities
            + b"]>\n<l>&" + bytes([97 + levels]) + b";</l>")


def many_gateways(count: int) -> bytes:
    """The diagram with `count` extra decisions chained by flows (drawn nowhere)."""
    gateways = b"".join(b'<bpmn:exclusiveGateway id="G%d"/>' % i for i in range(count))
    flows = b"".join(b'<bpmn:sequenceFlow id="F%d" sourceRef="G%d" targetRef="G%d"/>'
                     % (i, i, (i + 1) % count) for i in range(count))
    return BPMN.replace(b"</bpmn:process>", gateways + flows + b"</bpmn:process>", 1)


def in_condition(expression: str) -> bytes:
    return BPMN.replace(b'kewenangan == "LKPP"', expression.encode(), 1)


def raw(body: bytes) -> Callable[[], dict[str, Any]]:
    return lambda: {"data": body, "content_type": XML}


def with_form(content: bytes) -> Callable[[], dict[str, Any]]:
    return lambda: multipart(RENAMED, {"step02_terima.json": content})


NESTED_ARRAYS = b"[" * 100_000 + b"]" * 100_000
NESTED_SCHEMA = (b'{"type": "object", "properties": {"a": ' + b'{"not": ' * 3000 + b"{}"
                 + b"}" * 3000 + b"}}")
NESTED_ITEMS = (b'{"type": "object", "properties": {"a": ' + b'{"items": ' * 200 + b"{}"
                + b"}" * 200 + b"}}")

HOSTILE: list[tuple[str, Callable[[], dict[str, Any]], str]] = [
    ("billion laughs", raw(laughs()), "DOCTYPE"),
    ("external entity", raw(BPMN.replace(
        b"?>\n", b'?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n', 1)),
     "DOCTYPE"),
    ("external DTD", raw(BPMN.replace(
        b"?>\n", b'?>\n<!DOCTYPE d SYSTEM "http://127.0.0.1:9/evil.dtd">\n', 1)), "DOCTYPE"),
    ("parameter entity", raw(b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY % p SYSTEM '
                             b'"file:///etc/passwd"> %p;]>\n<d/>'), "DOCTYPE"),
    ("xinclude", raw(RENAMED.replace(
        b"<bpmn:process ", b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
        b'href="/etc/passwd" parse="text"/><bpmn:process ', 1)), "XInclude"),
    ("deep XML nesting", raw(RENAMED.replace(
        b"</bpmn:definitions>", b"<x>" * 100_000 + b"</x>" * 100_000 + b"</bpmn:definitions>")),
     "malformed XML"),
    ("over the size limit", raw(BPMN + b"<!--" + b"x" * 3_000_000 + b"-->"), "limit"),
    ("not XML at all", raw(b"\x89PNG\r\n\x1a\n" + b"\x00" * 1000), "UTF-8"),
    ("escape in a condition", raw(in_condition("().__class__.__base__.__subclasses__()")),
     "sandbox"),
    ("import in a condition", raw(in_condition("__import__('os').system('id')")), "sandbox"),
    ("huge number in a condition", raw(in_condition("10**10**10")), "sandbox"),
    ("endless expression", raw(in_condition("1" + "+1" * 49_000)), "sandbox"),
    ("escape in a script", raw(with_script_after_step_2("import os\nos.system('id')")),
     "sandbox"),
    ("file access in a script", raw(with_script_after_step_2("x = open('/etc/passwd')")),
     "sandbox"),
    ("deeply nested JSON form", with_form(NESTED_ARRAYS), "step02_terima.json"),
    ("deeply nested JSON Schema form", with_form(NESTED_SCHEMA), "step02_terima.json"),
    ("JSON Schema form nested past the limit", with_form(NESTED_ITEMS), "nested"),
    ("form over the size limit", with_form(b'{"type": "object", "description": "'
                                           + b"x" * 300_000 + b'"}'), "larger than"),
    ("form that is not an object schema", with_form(b'{"type": "string"}'), "object"),
]


@pytest.mark.parametrize(("name", "body", "words"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_diagram_is_refused_clearly_and_nothing_is_deployed(
        api: Api, name: str, body: Callable[[], dict[str, Any]], words: str) -> None:
    before = versions(api)
    for path in PATHS:
        started = time.monotonic()
        response = api.post(path, OWNER, headers={"Accept-Language": "en"}, **body())
        assert time.monotonic() - started < ENDS_WITHIN, f"{path}: took too long"
        expected = 200 if path.endswith("validate") else 422
        assert response.status_code == expected, (path, response.json)
        answer = response.get_json()
        problems = answer["problems"]
        assert problems and answer.get("ok") in (None, False)
        assert any(words in f"{p['message']} {p.get('file', '')}" for p in problems), problems
        assert SECRET not in response.get_data(as_text=True)
    assert versions(api) == before


def test_a_body_over_the_api_limit_is_413_before_it_is_read(api: Api) -> None:
    before = versions(api)
    for path in PATHS:
        response = api.post(path, OWNER, data=b"<x/>" + b" " * 9_000_000, content_type=XML)
        assert response.status_code == 413
    assert versions(api) == before


def test_thousands_of_elements_are_checked_in_linear_time(api: Api) -> None:
    # 12,000 decisions (1.4 MB): checked in a few seconds. When each decision looked
    # through every flow, 6,000 took a minute: twice as many would take four.
    started = time.monotonic()
    response = api.post("/process-versions/validate", OWNER, data=many_gateways(12_000),
                        content_type=XML)
    assert response.status_code == 200 and response.json["ok"] is False
    assert time.monotonic() - started < ENDS_WITHIN


def deploy_script(api: Api, script: str) -> None:
    diagram = with_script_after_step_2(script)  # fails on purpose: no scenarios
    response = api.post("/process-versions", OWNER,
                        **multipart(diagram, {"none.scenarios.json": NO_SCENARIOS},
                                    "a script task after step 2"))
    assert response.status_code == 201, response.json


@pytest.mark.parametrize("script", [
    "while True:\n    pass",
    'x = "a" * 99999\ny = [x] * 99999',
    'x = "a" * 99999\ny = str([x] * 99999)',
])
def test_a_script_that_never_ends_or_bombs_is_stopped_and_the_ticket_is_unchanged(
        api: Api, desk: Desk, script: str) -> None:
    deploy_script(api, script)
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima")
    started = time.monotonic()
    response = api.post(f"/tasks/{task.id}/complete", "helpdesk.lkpp",
                        json={"data": STEP_DATA["step02_terima"]},
                        headers={"Accept-Language": "en"})
    assert time.monotonic() - started < ENDS_WITHIN
    assert response.status_code == 422
    assert "could not continue" in response.json["detail"]
    assert desk.pending(ticket) == ["step02_terima"]
    assert desk.trail(ticket) == ["step01_eskalasi"]
