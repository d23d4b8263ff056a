"""The OpenAPI 3.1 document: valid, complete (every route), and true to real answers."""

from __future__ import annotations

import pytest
from flask import Flask
from jsonschema import Draft202012Validator, ValidationError
from openapi_spec_validator import validate

from tests.desk import Desk
from tests.integration.api_client import DOC_URI, Api, openapi_path
from web.api import openapi

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def test_the_document_is_valid_openapi_3_1() -> None:
    document = openapi.document()
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_route_of_the_api_is_documented_and_nothing_else(app: Flask) -> None:
    routed: set[tuple[str, str]] = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.unmatched":
            routed |= {(openapi_path(rule.rule), method.lower())
                       for method in (rule.methods or set()) - IGNORED_METHODS}
    documented = {(path, method) for path, item in openapi.document()["paths"].items()
                  for method in item}
    assert routed == documented


def test_the_served_document_is_the_document(api: Api) -> None:
    assert api.get("/openapi.json").json == openapi.document()


def test_real_answers_match_the_documents_schemas(api: Api, desk: Desk) -> None:
    # Api.check validates every answer of every API test; here a few by name, explicitly.
    ticket = desk.run(desk.open(), "step02_terima")
    answers = {
        "Ticket": api.get(f"/tickets/{ticket.id}", "helpdesk.lkpp").json,
        "TaskList": api.get("/tasks", "helpdesk.lkpp").json,
        "EventList": api.get(f"/tickets/{ticket.id}/events", "auditor").json,
        "VersionList": api.get("/process-versions", "auditor").json,
        "Me": api.get("/me", "admin.bandung").json,
        "Problem": api.get(f"/tickets/{ticket.id}", "admin.surabaya").json,
    }
    for name, answer in answers.items():
        schema = {"$ref": f"{DOC_URI}#/components/schemas/{name}"}
        Draft202012Validator(schema, registry=api.registry,
                             format_checker=Draft202012Validator.FORMAT_CHECKER).validate(answer)
        assert answer


BROKEN: list[tuple[str, dict[str, object]]] = [
    ("Ticket", {"id": 1, "number": "ESK-1", "status": "open"}),
    ("Task", {"id": "x", "ticket_id": 1, "name": "n", "lane": "Auditor", "sop_step": 1,
              "form": {}, "due_at": None}),
    ("Event", {"seq": 1, "at": "now", "actor": "a", "type": "t", "task": None,
               "sop_step": 99, "data": {}, "hash": "h", "prev_hash": "p"}),
    ("Problem", {"type": "about:blank", "title": "Not Found", "status": "404"}),
]


def test_the_schemas_refuse_answers_that_break_the_contract(api: Api) -> None:
    for name, answer in BROKEN:
        schema = {"$ref": f"{DOC_URI}#/components/schemas/{name}"}
        with pytest.raises(ValidationError):
            Draft202012Validator(schema, registry=api.registry).validate(answer)
