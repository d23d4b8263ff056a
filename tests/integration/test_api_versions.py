"""Process versions through the JSON API: listing, validating and deploying diagrams."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.integration.api_client import USERS, Api

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
BPMN = (PROCESSES / "escalation.bpmn").read_bytes()
RENAMED = BPMN.replace(b'name="Menerima dan mempelajari permasalahan"',
                       b'name="Menerima dan menelaah permasalahan"')
XXE = (b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
       b"<d>&x;</d>")
XML = "application/xml"
OWNER = "pemilik.proses"


def versions(api: Api) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = api.get("/process-versions", "auditor").json["items"]
    return items


def multipart(bpmn: bytes, forms: dict[str, bytes], note: str = "") -> dict[str, Any]:
    return {"data": {"bpmn": (io.BytesIO(bpmn), "escalation.bpmn"), "note": note,
                     "forms": [(io.BytesIO(content), name) for name, content in forms.items()]},
            "content_type": "multipart/form-data"}


def test_versions_are_listed_for_the_process_owner_and_the_auditor(api: Api) -> None:
    answers = {user: api.get("/process-versions", user) for user in USERS}
    assert {user: r.status_code for user, r in answers.items()} == {
        user: 200 if user in (OWNER, "auditor") else 403 for user in USERS}
    [version] = answers[OWNER].json["items"]
    assert (version["number"], version["current"], version["process_id"]) == (
        1, True, "eskalasi_lpse_support")


def test_only_the_process_owner_validates_and_deploys(api: Api) -> None:
    before = versions(api)
    for path in ("/process-versions/validate", "/process-versions"):
        answers = {user: api.post(path, user, data=RENAMED, content_type=XML).status_code
                   for user in USERS if user != OWNER}
        assert answers == dict.fromkeys(answers, 403), path
    assert versions(api) == before


def test_the_bundled_diagram_is_valid(api: Api) -> None:
    response = api.post("/process-versions/validate", OWNER, data=BPMN, content_type=XML)
    assert response.status_code == 200
    assert response.json == {"ok": True, "problems": []}


def test_a_bad_diagram_is_not_ok_with_its_problems_and_lines(api: Api) -> None:
    for body, line, words in (
            (XXE, 2, "DOCTYPE"),
            (b"<bpmn:definitions", 1, "malformed XML"),
            (BPMN.replace(b'value="step02_terima.json"', b'value="../etc/passwd"'), 0,
             "form name")):
        response = api.post("/process-versions/validate", OWNER, data=body, content_type=XML,
                            headers={"Accept-Language": "en"})
        assert response.status_code == 200
        assert response.json["ok"] is False
        problems = response.json["problems"]
        assert any(words in p["message"] for p in problems), problems
        if line:
            assert problems[0]["line"] == line
    assert versions(api)[0]["number"] == 1


def test_deploying_raw_xml_makes_a_new_current_version(api: Api) -> None:
    response = api.post("/process-versions?note=Nama%20langkah%202", OWNER, data=RENAMED,
                        content_type=XML)
    assert response.status_code == 201
    deployed = response.json
    assert (deployed["number"], deployed["current"], deployed["outcome"]) == (2, True,
                                                                              "deployed")
    assert (deployed["deployed_by"], deployed["note"]) == (OWNER, "Nama langkah 2")
    assert [(v["number"], v["current"]) for v in versions(api)] == [(2, True), (1, False)]


def test_deploying_multipart_with_a_form_uses_that_form(api: Api) -> None:
    form = json.loads((PROCESSES / "forms" / "step01_eskalasi.json").read_bytes())
    form["title"] = "Eskalasi (formulir baru)"
    body = multipart(BPMN, {"step01_eskalasi.json": json.dumps(form).encode()}, "form baru")
    response = api.post("/process-versions", OWNER, **body)
    assert response.status_code == 201
    assert (response.json["number"], response.json["note"]) == (2, "form baru")
    start_form = api.get("/tickets/start-form", "admin.bandung").json["form"]
    assert start_form["title"] == "Eskalasi (formulir baru)"


def test_deploying_the_current_diagram_again_changes_nothing(api: Api) -> None:
    before = versions(api)
    response = api.post("/process-versions", OWNER, data=BPMN, content_type=XML)
    assert response.status_code == 201
    assert response.json["outcome"] == "unchanged"
    assert versions(api) == before


def test_deploying_a_bad_diagram_is_422_with_problems_and_deploys_nothing(api: Api) -> None:
    before = versions(api)
    for body in ({"data": XXE, "content_type": XML},
                 {"data": RENAMED.replace(b'value="2"', b'value="99"', 1), "content_type": XML},
                 multipart(RENAMED, {"step02_terima.json": b"{not json"})):
        response = api.post("/process-versions", OWNER, **body)
        assert response.status_code == 422
        assert response.json["problems"]
        assert all({"line", "message"} <= set(p) for p in response.json["problems"])
    assert versions(api) == before


WRONG_WAYS: list[tuple[Callable[[], dict[str, Any]], int, str | None]] = [
    (lambda: {"json": {"bpmn": "<xml/>"}}, 415, None),
    (lambda: {"data": BPMN, "content_type": "text/plain"}, 415, None),
    (lambda: {"data": {"forms": (io.BytesIO(b"{}"), "a.json")},
              "content_type": "multipart/form-data"}, 422, "bpmn"),
    (lambda: multipart(RENAMED, {"a.json": b"{}", "dir/a.json": b"{}"}), 422, "forms"),
]


def test_a_diagram_sent_the_wrong_way_is_refused_clearly(api: Api) -> None:
    before = versions(api)
    for path in ("/process-versions", "/process-versions/validate"):
        for options, status, field in WRONG_WAYS:
            response = api.post(path, OWNER, **options())
            assert response.status_code == status, (path, response.json)
            if field:
                assert list(response.json["errors"]) == [field]
    assert versions(api) == before


def test_a_note_longer_than_1000_characters_is_422(api: Api) -> None:
    response = api.post("/process-versions", OWNER, data=RENAMED, content_type=XML,
                        query_string={"note": "x" * 1001})
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["note"]
    assert len(versions(api)) == 1
