"""Diagrams from Camunda Modeler: its extension properties read as ours.

Camunda Modeler writes an element's properties as `camunda:properties` (Camunda 7) or
`zeebe:properties` (Camunda 8) where SpiffWorkflow's tools write `spiffworkflow:properties`.
On upload (editor, API, command line) they become `spiffworkflow:property` entries, so
`sopStep`, `formJsonSchemaFilename`, `timeLimit` and the rest mean what they mean in a
diagram saved by bpmn.io. `camunda:formKey` (a Camunda form reference) is left in place and
ignored, with a note: our forms are named by `formJsonSchemaFilename`.

A diagram without Camunda properties is returned byte for byte, so its content hash (the
version's identity) does not change by passing through here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from engine.messages import Message
from engine.process.calendar import normalize_time_limit
from engine.process.validation import SPIFF_NS, element_id, read_xml

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
_FOREIGN = (CAMUNDA_NS, ZEEBE_NS)
_MARKERS = (CAMUNDA_NS.encode(), ZEEBE_NS.encode())


@dataclass(frozen=True)
class Conversion:
    """What reading a Camunda Modeler diagram changed: the diagram and notes for its owner."""

    bpmn: bytes
    converted: int = 0
    notes: tuple[Message, ...] = field(default_factory=tuple)


def _spiff(tag: str) -> str:
    return f"{{{SPIFF_NS}}}{tag}"


def _value(name: str, value: str) -> str:
    """Time limits as people write them in Camunda Modeler ("2 hari") in our form ("2d")."""
    if name != "timeLimit":
        return value
    try:
        return normalize_time_limit(value)
    except ValueError:
        return value  # validation names it with its line


def _own_list(extension: Any, foreign: Any) -> Any:
    """The extension's spiffworkflow:properties (the foreign list renamed when it has none)."""
    for child in extension:
        if child.tag == _spiff("properties"):
            return child
    foreign.tag = _spiff("properties")
    return foreign


def _move(foreign: Any, namespace: str) -> int:
    """Make one camunda:/zeebe:properties list ours; how many properties it had."""
    extension = foreign.getparent()
    if extension is None:
        return 0
    own = _own_list(extension, foreign)
    existing = {p.get("name") for p in own if p.tag == _spiff("property")}
    moved = 0
    for entry in list(foreign):
        if entry.tag != f"{{{namespace}}}property":
            continue
        name, value = entry.get("name") or "", entry.get("value") or ""
        moved += 1
        if own is foreign:  # renamed in place: the lines stay where they were
            entry.tag = _spiff("property")
            entry.set("value", _value(name, value))
            continue
        if name not in existing:  # a property written both ways: ours wins
            own.append(etree.Element(_spiff("property"), name=name, value=_value(name, value)))
        foreign.remove(entry)
    if own is not foreign:
        extension.remove(foreign)
    return moved


def convert(bpmn: bytes) -> Conversion:
    """The diagram with its Camunda 7 / Camunda 8 properties as SpiffWorkflow properties.

    Parsed as hardened as every diagram (read_xml); a diagram that does not parse, or has
    no Camunda properties, comes back unchanged (validation then says what is wrong).
    """
    if not any(marker in bpmn for marker in _MARKERS):
        return Conversion(bpmn)
    root, problems = read_xml(bpmn)
    if root is None or problems:
        return Conversion(bpmn)
    converted = sum(_move(foreign, namespace) for namespace in _FOREIGN
                    for foreign in list(root.iter(f"{{{namespace}}}properties")))
    notes = [Message("camunda_form_key_ignored", element=element_id(node) or "?")
             for node in root.iter()
             if isinstance(node.tag, str) and (node.get(f"{{{CAMUNDA_NS}}}formKey")
                                               or node.tag == f"{{{ZEEBE_NS}}}formDefinition")]
    if not converted:
        return Conversion(bpmn, 0, tuple(notes))
    etree.cleanup_namespaces(root, top_nsmap={"spiffworkflow": SPIFF_NS})
    text = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            + etree.tostring(root, xml_declaration=False, encoding="UTF-8") + b"\n")
    return Conversion(text, converted,
                      (Message("camunda_properties_converted", count=converted), *notes))
