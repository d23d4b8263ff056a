"""Edits a process owner makes to the bundled diagram and its forms, for tests that deploy
or compare a changed version."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from lxml import etree

from engine.process.files import DEFAULT_DIAGRAM, read_forms
from engine.process.validation import NS

SOURCE = DEFAULT_DIAGRAM.read_bytes()
FORMS: dict[str, bytes] = read_forms(DEFAULT_DIAGRAM)
# A scenario file with no scenarios: deploys a diagram that breaks the shipped scenarios on
# purpose (a test of what such a diagram does at run time), as an owner could.
NO_SCENARIOS = b'{"scenarios": []}'


def parsed_forms() -> dict[str, Any]:
    """The bundled forms as JSON."""
    return {name: json.loads(raw) for name, raw in FORMS.items()}


def edit(change: Callable[[Any], None], source: bytes = SOURCE) -> bytes:
    """The diagram with `change` applied to its parsed XML."""
    root = etree.fromstring(source)
    change(root)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def one(root: Any, xpath: str) -> Any:
    """The one element at `xpath`."""
    [found] = root.xpath(xpath, namespaces=NS)
    return found


def renamed(element_id: str, name: str, source: bytes = SOURCE) -> bytes:
    """An element renamed."""
    return edit(lambda root: one(root, f"//*[@id='{element_id}']").set("name", name), source)


def moved_to_lane(element_id: str, lane_id: str, source: bytes = SOURCE) -> bytes:
    """An element moved to another lane."""
    def change(root: Any) -> None:
        ref = one(root, f"//bpmn:lane/bpmn:flowNodeRef[text()='{element_id}']")
        ref.getparent().remove(ref)
        etree.SubElement(one(root, f"//bpmn:lane[@id='{lane_id}']"),
                         f"{{{NS['bpmn']}}}flowNodeRef").text = element_id
    return edit(change, source)


def condition(flow_id: str, expression: str, source: bytes = SOURCE) -> bytes:
    """A flow's condition rewritten."""
    return edit(lambda root: setattr(
        one(root, f"//bpmn:sequenceFlow[@id='{flow_id}']/bpmn:conditionExpression"), "text",
        expression), source)


def with_property(element_id: str, name: str, value: str, source: bytes = SOURCE) -> bytes:
    """An element's spiffworkflow property set."""
    return edit(lambda root: one(root, f"//*[@id='{element_id}']/bpmn:extensionElements/"
                                       f"spiffworkflow:properties/spiffworkflow:property"
                                       f"[@name='{name}']").set("value", value), source)


def replaced_id(old: str, new: str, source: bytes = SOURCE) -> bytes:
    """An element given another id (to a comparison: removed, and another one added)."""
    return (source.replace(f'"{old}"'.encode(), f'"{new}"'.encode())
            .replace(f">{old}<".encode(), f">{new}<".encode()))


def form_with_field(form: str, field: str, title: str) -> dict[str, bytes]:
    """The bundled forms with an optional text field added to one of them."""
    schema = json.loads(FORMS[form])
    schema["properties"][field] = {"type": "string", "title": title, "maxLength": 200}
    return {**FORMS, form: json.dumps(schema).encode()}
