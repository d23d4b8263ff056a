"""Process definitions: a deployed diagram with its forms, parsed once and named by hash."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.evidence.chain import canonical_json
from engine.process.forms import check_submission, make_validator
from engine.process.validation import NS, local, properties, read_xml


def content_hash(bpmn: bytes, forms: Mapping[str, Mapping[str, Any]]) -> str:
    """The version id: SHA-256 over the diagram and its forms together."""
    document = {
        "bpmn": hashlib.sha256(bpmn).hexdigest(),
        "forms": {name: hashlib.sha256(canonical_json(forms[name])).hexdigest()
                  for name in sorted(forms)},
    }
    return hashlib.sha256(canonical_json(document)).hexdigest()


@dataclass(frozen=True)
class Step:
    """What the application needs to know about one flow node of the diagram."""

    spec_name: str
    name: str
    kind: str
    lane: str | None
    sop_step: int | None
    form_name: str | None
    documentation: str
    # The SOP table's columns, set by process owners as extension properties: `timeLimit`
    # ("8h" working hours, "2d" working days), `requirements` and `equipment` (Mutu Baku),
    # `output`, `remarks` (Keterangan). Empty when the diagram leaves them out.
    time_limit: str = ""
    requirements: str = ""
    equipment: str = ""
    output: str = ""
    remarks: str = ""
    # The owners' English name of the step (`nameEn`), shown on English pages; "" for none.
    name_en: str = ""


@dataclass(frozen=True)
class ProcessDefinition:
    """A parsed, deployed process version: the SpiffWorkflow spec, its steps and forms."""

    version_id: str
    process_id: str
    spec: BpmnProcessSpec
    steps: Mapping[str, Step]
    forms: Mapping[str, Mapping[str, Any]]
    start_step: str
    # (source element, target element) -> sequence flow id, to draw the path a ticket took.
    flows: Mapping[tuple[str, str], str] = field(default_factory=dict)
    _validators: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def form(self, spec_name: str) -> dict[str, Any]:
        """The JSON Schema of a user task (an empty object schema when it has none)."""
        step = self.steps[spec_name]
        if step.form_name and step.form_name in self.forms:
            return dict(self.forms[step.form_name])
        return {"type": "object"}

    def check(self, spec_name: str, data: Any) -> dict[str, list[str]]:
        """Field -> messages for what is wrong with data submitted to a user task."""
        validator = self._validators.get(spec_name)
        if validator is None:
            validator = self._validators.setdefault(spec_name,
                                                    make_validator(self.form(spec_name)))
        return check_submission(validator, data)


def read_steps(root: Any) -> tuple[str, dict[str, Step], str]:
    """The process id, each flow node's step details, and the first user task."""
    process = root.find("bpmn:process", NS)
    lanes = {}
    for lane in process.findall("bpmn:laneSet/bpmn:lane", NS):
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            lanes[(ref.text or "").strip()] = (lane.get("name") or "").strip()
    steps: dict[str, Step] = {}
    for node in process:
        node_id = node.get("id")
        if node_id is None or local(node.tag) in ("laneSet", "sequenceFlow", ""):
            continue
        props = properties(node)
        sop = props.get("sopStep", "").strip()
        doc = node.find("bpmn:documentation", NS)
        steps[node_id] = Step(
            spec_name=node_id,
            name=(node.get("name") or node_id).strip(),
            kind=local(node.tag),
            lane=lanes.get(node_id),
            sop_step=int(sop) if sop.isdigit() else None,
            form_name=props.get("formJsonSchemaFilename") or None,
            documentation=(doc.text or "").strip() if doc is not None else "",
            time_limit=props.get("timeLimit", "").strip(),
            requirements=props.get("requirements", "").strip(),
            equipment=props.get("equipment", "").strip(),
            output=props.get("output", "").strip(),
            remarks=props.get("remarks", "").strip(),
            name_en=" ".join(props.get("nameEn", "").split()),
        )
    return process.get("id"), steps, _first_user_task(process, steps)


def _first_user_task(process: Any, steps: Mapping[str, Step]) -> str:
    start = next(s for s in steps.values() if s.kind == "startEvent")
    for flow in process.findall("bpmn:sequenceFlow", NS):
        target = steps.get(flow.get("targetRef", ""))
        if flow.get("sourceRef") == start.spec_name and target and target.kind == "userTask":
            return target.spec_name
    return ""


def build_definition(version_id: str, bpmn: bytes,
                     forms: Mapping[str, Mapping[str, Any]]) -> ProcessDefinition:
    """Parse a diagram that has already passed validation."""
    root, problems = read_xml(bpmn)
    if root is None:
        raise ValueError(f"stored diagram {version_id} does not parse: {problems}")
    process_id, steps, start_step = read_steps(root)
    flows = {(f.get("sourceRef"), f.get("targetRef")): f.get("id")
             for f in root.findall("bpmn:process/bpmn:sequenceFlow", NS)}
    parser = SpiffBpmnParser()
    parser.add_bpmn_xml(root, filename=f"{version_id}.bpmn")
    spec = parser.get_spec(process_id)
    return ProcessDefinition(version_id, process_id, spec, steps, dict(forms), start_step,
                             flows)


# Versions are named by their content hash, so a parsed one never goes stale.
_PARSED: dict[str, ProcessDefinition] = {}


def load_definition(version_id: str, read_parts: Callable[[], tuple[bytes, Mapping[str, Any]]]
                    ) -> ProcessDefinition:
    """The parsed definition of a version, reading and parsing it once per process."""
    found = _PARSED.get(version_id)
    if found is None:
        bpmn, forms = read_parts()
        found = _PARSED.setdefault(version_id, build_definition(version_id, bpmn, forms))
    return found
