"""Every form of processes/forms/, with submissions generated from its own JSON Schema.

Valid submissions (hypothesis-jsonschema) sent through the JSON API are accepted, stored
as sent (the event holds exactly the data) and the ticket still verifies. Broken ones (a
required field left out, a wrong type, a text too long, a choice not offered, a number out
of range, an unknown or dangerous field name, not an object, a lone surrogate or a NUL in
any field or name) are refused with 422 and a message on the field that is wrong, and
change nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import engine
from tests.desk import STEP_ACTOR, Desk
from tests.integration.api_client import Api
from tests.integration.test_sop_paths import PATHS

FORMS_DIR = Path(__file__).resolve().parents[2] / "processes" / "forms"
FORMS: dict[str, dict[str, Any]] = {
    path.stem: json.loads(path.read_text(encoding="utf-8"))
    for path in sorted(FORMS_DIR.glob("*.json"))}
START = "step01_eskalasi"
# Text no database stores is refused on its field by every form, in values and in names.
ODD_NAME, ODD_NAME_SHOWN = "kolom\ud800", "kolom\ufffd"
FORM_ERROR = "_form"
SETTINGS = settings(deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def route_to(step: str) -> list[Any]:
    """The steps (with their data) that take a new ticket to `step`."""
    for steps in PATHS.values():
        names = [s if isinstance(s, str) else s[0] for s in steps]
        if step in names:
            return steps[:names.index(step)]
    raise AssertionError(f"no path of test_sop_paths reaches {step}")


# Any character a person can type (no U+0000: no database stores it in text).
TEXT = st.characters(exclude_characters="\x00", exclude_categories=["Cs"])
URL_PART = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=20)
ENGLISH_TEXTS = {"x-title-en", "x-description-en"}  # annotations: no effect on what is valid
PROPERTY_KEYWORDS = {"type", "title", "description", "minLength", "maxLength", "minimum",
                     "maximum", "format", "enum", "x-enum-titles-en", *ENGLISH_TEXTS,
                     "x-prefill-from",  # names the earlier field giving the default
                     "x-visibility"}  # who may read the answer: no effect on what is valid
FORM_KEYWORDS = {"$schema", "title", "description", "type", "properties", "required",
                 "additionalProperties", "if", "then", *ENGLISH_TEXTS}


def value_of(prop: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values of one property; the forms use a small part of JSON Schema, and a form that
    uses more fails here, so that this strategy learns it."""
    unknown = set(prop) - PROPERTY_KEYWORDS
    assert not unknown, f"teach value_of about {unknown}"
    if "enum" in prop:
        return st.sampled_from(prop["enum"])
    kind, shape = prop.get("type"), prop.get("format")
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(prop.get("minimum"), prop.get("maximum"))
    if kind == "string" and shape == "date-time":
        return st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat())
    if kind == "string" and shape == "uri":
        return st.builds(lambda host, path: f"https://{host}.go.id/{path}", URL_PART, URL_PART)
    if kind == "string" and shape is None:
        return st.text(TEXT, min_size=prop.get("minLength", 0),
                       max_size=min(prop.get("maxLength", 300), 300))
    raise AssertionError(f"teach value_of about type {kind} format {shape}")


def valid(step: str) -> st.SearchStrategy[dict[str, Any]]:
    """Data valid against the step's form, built from its JSON Schema."""
    form = FORMS[step]
    assert not set(form) - FORM_KEYWORDS, f"teach valid about {set(form) - FORM_KEYWORDS}"
    properties = {name: value_of(prop) for name, prop in form["properties"].items()}
    required = set(form.get("required", []))
    strategy = st.fixed_dictionaries(
        {name: found for name, found in properties.items() if name in required},
        optional={name: found for name, found in properties.items() if name not in required})
    validator = Draft202012Validator(form, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return strategy.filter(validator.is_valid)  # the `if`/`then` rules


def wrong_value(prop: dict[str, Any]) -> Any:
    """A value of a type the property does not allow."""
    return {"string": 12345, "boolean": "ya", "integer": "lima", "number": "x"}.get(
        prop.get("type", "string"), ["daftar"])


def breakages(step: str) -> list[tuple[str, str]]:
    """Every way to break the step's form: (kind, the field whose message is expected)."""
    form = FORMS[step]
    found = [("unknown field", "kolom_asing"), ("dangerous name", "__class__"),
             ("not an object", FORM_ERROR), ("name not text", ODD_NAME_SHOWN)]
    found += [("missing", name) for name in form.get("required", [])]
    for name, prop in form.get("properties", {}).items():
        found += [("wrong type", name), ("lone surrogate", name), ("nul", name)]
        if "maxLength" in prop:
            found.append(("too long", name))
        if "enum" in prop:
            found.append(("not offered", name))
        if "maximum" in prop:
            found.append(("out of range", name))
    return found


def broken(step: str, data: dict[str, Any], kind: str, name: str) -> Any:
    """`data` broken as `kind` says, on field `name`."""
    prop = FORMS[step].get("properties", {}).get(name, {})
    changed = dict(data)
    if kind == "not an object":
        return [data]
    if kind == "missing":
        changed.pop(name, None)
    elif kind == "wrong type":
        changed[name] = wrong_value(prop)
    elif kind == "too long":
        changed[name] = "x" * (int(prop["maxLength"]) + 1)
    elif kind == "not offered":
        changed[name] = "bukan pilihan"
    elif kind == "out of range":
        changed[name] = int(prop["maximum"]) + 1
    elif kind == "lone surrogate":  # what the JSON escape "\udfff" decodes to
        changed[name] = f"{data.get(name, '')}\udfff"[-300:]
    elif kind == "nul":
        changed[name] = f"cek\x00{data.get(name, '')}"[:300]
    elif kind == "name not text":
        changed[ODD_NAME] = "isi"
    else:
        changed[name] = "isi"
    return changed


class Desktop:
    """Takes tickets to a step through the engine, and sends its form through the API."""

    def __init__(self, app: Flask, client: FlaskClient, desk: Desk) -> None:
        self.api = Api(app, client)
        self.desk = desk

    def ticket_at(self, step: str) -> engine.Ticket:
        return self.desk.run(self.desk.open(), *route_to(step))

    def submit(self, step: str, ticket: engine.Ticket | None, data: Any) -> Any:
        if step == START:
            return self.api.post("/tickets", "admin.bandung",
                                 json={"reporter": "pengguna.bandung", "data": data})
        assert ticket is not None
        task = self.desk.task(ticket, step)
        return self.api.post(f"/tasks/{task.id}/complete",
                             STEP_ACTOR.get(step, "helpdesk.lkpp"), json={"data": data})

    def state(self) -> list[tuple[str, int, tuple[str, ...]]]:
        """Every ticket with its event count and pending steps: what a refusal leaves."""
        auditor = self.desk.user("auditor")
        return [(t.number, len(self.desk.trail(t.id)), tuple(x.spec_name for x in t.tasks))
                for t in engine.list_tickets(self.desk.database.uow(), auditor, limit=500)]


@pytest.fixture
def desktop(app: Flask, client: FlaskClient, desk: Desk) -> Desktop:
    return Desktop(app, client, desk)


@pytest.mark.parametrize("step", sorted(FORMS))
def test_valid_submissions_are_accepted_and_stored_as_sent(desktop: Desktop,
                                                           step: str) -> None:
    @given(data=valid(step))
    @settings(SETTINGS, max_examples=2)
    def submit(data: dict[str, Any]) -> None:
        ticket = None if step == START else desktop.ticket_at(step)
        response = desktop.submit(step, ticket, data)
        assert response.status_code in (200, 201), response.json
        ticket_id = response.json["id"]
        events = desktop.api.get(f"/tickets/{ticket_id}/events", "auditor").json["items"]
        assert events[-1]["task"] == step
        assert events[-1]["data"]["form"] == data
        [result] = engine.verify_tickets(desktop.desk.database.uow(), [str(ticket_id)])
        assert result.ok, result.problems

    submit()


@pytest.mark.parametrize("step", sorted(FORMS))
def test_broken_submissions_are_refused_on_their_field_and_change_nothing(
        desktop: Desktop, step: str) -> None:
    ticket = None if step == START else desktop.ticket_at(step)
    before = desktop.state()

    @given(data=valid(step), breakage=st.sampled_from(breakages(step)))
    @settings(SETTINGS, max_examples=10)
    def submit(data: dict[str, Any], breakage: tuple[str, str]) -> None:
        kind, name = breakage
        response = desktop.submit(step, ticket, broken(step, data, kind, name))
        assert response.status_code == 422, (kind, name, response.json)
        errors = response.json["errors"]
        assert name in errors, (kind, errors)
        assert all(isinstance(m, str) and m for m in errors[name])

    submit()
    assert desktop.state() == before
