"""Validate a diagram and its forms: every problem with its line and a plain message."""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.process.calendar import time_limit_problem
from engine.sandbox import check_expression, check_script
from engine.types import LANES, Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "bpmndi": BPMNDI_NS, "spiffworkflow": SPIFF_NS}

MAX_BPMN_BYTES = 2 * 1024 * 1024
MAX_FORM_BYTES = 256 * 1024
MAX_FORM_DEPTH = 32  # a form nested deeper would exhaust the validators' recursion
SOP_STEPS = range(1, 18)
FORM_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}\.json$")
# The own date of a step's boundary timer: never reached, so only the engine fires it.
TIMER_BACKSTOP = re.compile(r"""^(["'])9999-12-31T23:59:59(\+00:00|Z)?\1$""")

SUPPORTED_NODES = {
    "startEvent", "endEvent", "userTask", "manualTask", "task", "scriptTask",
    "exclusiveGateway", "parallelGateway", "intermediateCatchEvent",
    "intermediateThrowEvent", "boundaryEvent",
}
UNSUPPORTED_NODES = {
    "serviceTask", "businessRuleTask", "callActivity", "subProcess", "transaction",
    "adHocSubProcess", "sendTask", "receiveTask", "inclusiveGateway", "eventBasedGateway",
    "complexGateway",
}
# Elements whose text SpiffWorkflow hands to its script engine.
EXPRESSION_TAGS = {
    "conditionExpression", "timeDate", "timeDuration", "timeCycle", "loopCardinality",
    "completionCondition", "loopCondition", "formalExpression", "messagePath",
}
SCRIPT_TAGS = {"script", "preScript", "postScript"}

Tree = Any  # lxml elements are untyped


def local(tag: object) -> str:
    """The local part of an lxml tag (`{ns}userTask` -> `userTask`)."""
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def label(node: Tree) -> str:
    """How a person recognises an element: its name, else its id."""
    name = (node.get("name") or "").strip().replace("\n", " ")
    return f"'{name}' ({node.get('id')})" if name else f"'{node.get('id')}'"


def properties(node: Tree) -> dict[str, str]:
    """The element's `spiffworkflow:property` name/value pairs."""
    found = node.xpath("./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property",
                       namespaces=NS)
    return {p.get("name"): p.get("value", "") for p in found}


def element_id(node: Tree) -> str:
    """The id of the diagram element a node belongs to: its own, or its nearest ancestor's
    (a condition belongs to its flow); "" for the document itself."""
    while node is not None and local(getattr(node, "tag", None)) != "definitions":
        if local(node.tag) == "flowNodeRef":
            return (node.text or "").strip()
        if node.get("id"):
            return str(node.get("id"))
        node = node.getparent()
    return ""


def with_elements(root: Tree, problems: Iterable[Problem]) -> list[Problem]:
    """The problems, those of the diagram without an element given the element at their line
    (the XML Schema and SpiffWorkflow's parser report lines only)."""
    by_line: dict[int, str] = {}
    for node in root.iter():
        line = getattr(node, "sourceline", None)
        if isinstance(line, int) and line not in by_line:
            found = element_id(node)
            if found:
                by_line[line] = found
    return [dataclasses.replace(p, element=by_line.get(p.line, ""))
            if not p.element and not p.file and p.line else p for p in problems]


def read_xml(data: bytes) -> tuple[Tree | None, list[Problem]]:
    """Parse untrusted XML: size-limited, no DTD, no entities, no network."""
    if len(data) > MAX_BPMN_BYTES:
        return None, [Problem(0, f"the file is {len(data):,} bytes; the limit is "
                                 f"{MAX_BPMN_BYTES:,} bytes")]
    declaration = re.search(rb"<!(DOCTYPE|ENTITY)", data)
    if declaration:
        line = data[: declaration.start()].count(b"\n") + 1
        return None, [Problem(line, "DOCTYPE and entity declarations are not allowed "
                                    "(they can read local files or expand without end)")]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return None, [Problem(line, "the file is not valid UTF-8")]
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_blank_text=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        return None, [Problem(err.lineno or 0, f"malformed XML: {err.msg}")]
    if root.getroottree().docinfo.internalDTD is not None:
        return None, [Problem(1, "DOCTYPE declarations are not allowed")]
    if root.tag != f"{{{BPMN_NS}}}definitions":
        return None, [Problem(root.sourceline or 1,
                              f"the root element must be bpmn:definitions in namespace "
                              f"{BPMN_NS}, not {root.tag}")]
    return root, []


@functools.cache
def _xsd() -> etree.XMLSchema:
    return BpmnValidator().validator


def check_xsd(root: Tree) -> list[Problem]:
    """Problems the OMG BPMN 2.0 XML Schema reports."""
    schema = _xsd()
    if schema.validate(root):
        return []
    return [Problem(e.line, "BPMN schema: " + e.message.replace(f"{{{BPMN_NS}}}", "bpmn:"))
            for e in schema.error_log]


def _depth(value: Any) -> int:
    """How deeply objects and arrays nest in a parsed JSON value (without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth <= MAX_FORM_DEPTH:
                stack.extend((child, depth + 1)
                             for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def read_form(name: str, raw: bytes | Mapping[str, Any]) -> tuple[dict[str, Any] | None,
                                                                   list[Problem]]:
    """Parse and check one form: JSON, a valid JSON Schema, and an object schema."""
    file = f"forms/{name}"
    if isinstance(raw, bytes | bytearray):
        if len(raw) > MAX_FORM_BYTES:
            return None, [Problem(0, f"the form is larger than {MAX_FORM_BYTES:,} bytes", file)]
        try:
            form = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            return None, [Problem(getattr(err, "lineno", 0), f"not valid JSON: {err}", file)]
        except RecursionError:
            return None, [Problem(0, f"the form is nested more than {MAX_FORM_DEPTH} levels "
                                     f"deep", file)]
    else:
        form = dict(raw)
    if not isinstance(form, dict):
        return None, [Problem(1, "a form must be a JSON object (a JSON Schema)", file)]
    if _depth(form) > MAX_FORM_DEPTH:
        return None, [Problem(1, f"the form is nested more than {MAX_FORM_DEPTH} levels deep",
                              file)]
    try:
        Draft202012Validator.check_schema(form)
    except SchemaError as err:
        where = "/".join(str(p) for p in err.path) or "(top)"
        return None, [Problem(1, f"not a valid JSON Schema at {where}: {err.message}", file)]
    if form.get("type") != "object":
        return None, [Problem(1, 'a form must describe an object ("type": "object")', file)]
    return form, []


class _Checker:
    """Collects problems of one parsed diagram."""

    def __init__(self, root: Tree, forms: Mapping[str, bytes | Mapping[str, Any]],
                 fallback_forms: Mapping[str, Mapping[str, Any]]) -> None:
        self.root = root
        self.forms = forms
        self.fallback = fallback_forms
        self.problems: list[Problem] = []
        self.resolved_forms: dict[str, dict[str, Any]] = {}

    def add(self, node: Tree, message: str) -> None:
        self.problems.append(Problem(getattr(node, "sourceline", 0) or 0, message,
                                     element=element_id(node)))

    def run(self) -> Tree | None:
        processes = self.root.findall("bpmn:process", NS)
        if len(processes) != 1:
            self.add(self.root, f"the diagram must hold exactly one process (pool); "
                                f"found {len(processes)}")
            return None
        process = processes[0]
        nodes = {n.get("id"): n for n in process if local(n.tag) in SUPPORTED_NODES
                 | UNSUPPORTED_NODES}
        flows = {f.get("id"): f for f in process.findall("bpmn:sequenceFlow", NS)}
        self.check_node_types(nodes.values())
        self.check_lanes(process, nodes)
        self.check_flows(nodes, flows)
        self.check_gateways(process, flows)
        self.check_expressions(process)
        self.check_sop_steps(process, nodes.values())
        self.check_forms(nodes.values())
        self.check_time_limits(nodes)
        self.check_layout(process, nodes, flows)
        return process

    def check_node_types(self, nodes: Iterable[Tree]) -> None:
        for node in nodes:
            if local(node.tag) in UNSUPPORTED_NODES:
                self.add(node, f"{label(node)}: bpmn:{local(node.tag)} is not supported here; "
                               f"use a user task, script task or gateway")

    def check_lanes(self, process: Tree, nodes: Mapping[str, Tree]) -> None:
        lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
        names = [(lane.get("name") or "").strip() for lane in lanes]
        for lane, name in zip(lanes, names, strict=True):
            if name not in LANES:
                self.add(lane, f"lane '{name}' is not one of {', '.join(LANES)}")
        missing = [lane for lane in LANES if lane not in names]
        if missing:
            self.add(process, f"the process has no lane named {', '.join(missing)}")
        placed: dict[str, str] = {}
        for lane, name in zip(lanes, names, strict=True):
            for ref in lane.findall("bpmn:flowNodeRef", NS):
                node_id = (ref.text or "").strip()
                if node_id in placed:
                    self.add(ref, f"'{node_id}' is in two lanes")
                placed[node_id] = name
        for node_id, node in nodes.items():
            if node_id not in placed:
                self.add(node, f"{label(node)} is in no lane")

    def check_flows(self, nodes: Mapping[str, Tree], flows: Mapping[str, Tree]) -> None:
        incoming: set[str] = set()
        outgoing: set[str] = set()
        for flow in flows.values():
            for end, kind in (("sourceRef", "comes from"), ("targetRef", "goes to")):
                ref = flow.get(end)
                if ref not in nodes:
                    self.add(flow, f"flow {label(flow)} {kind} '{ref}', which is not an element "
                                   f"of the process")
            outgoing.add(flow.get("sourceRef"))
            incoming.add(flow.get("targetRef"))
        starts = [n for n in nodes.values() if local(n.tag) == "startEvent"]
        if not starts:
            self.add(self.root, "the process has no start event (Mulai)")
        for node_id, node in nodes.items():
            kind = local(node.tag)
            if kind not in ("startEvent", "boundaryEvent") and node_id not in incoming:
                self.add(node, f"{label(node)} has no incoming flow; nothing can reach it")
            if kind != "endEvent" and node_id not in outgoing:
                self.add(node, f"{label(node)} has no outgoing flow; the ticket would stop there")

    def check_gateways(self, process: Tree, flows: Mapping[str, Tree]) -> None:
        leaving: dict[str, list[Tree]] = {}  # by source: linear, also for huge diagrams
        for flow in flows.values():
            leaving.setdefault(flow.get("sourceRef"), []).append(flow)
        for gateway in process.findall("bpmn:exclusiveGateway", NS):
            out = leaving.get(gateway.get("id"), [])
            if len(out) < 2:
                continue
            for flow in out:
                condition = flow.find("bpmn:conditionExpression", NS)
                has_condition = condition is not None and (condition.text or "").strip()
                if not has_condition and gateway.get("default") != flow.get("id"):
                    self.add(flow, f"flow {label(flow)} out of decision {label(gateway)} has "
                                   f"no condition and is not the default flow")

    def check_expressions(self, process: Tree) -> None:
        for element in process.iter():
            kind = local(element.tag)
            text = (element.text or "").strip()
            if not text or kind not in EXPRESSION_TAGS | SCRIPT_TAGS:
                continue
            check: Callable[[str], list[str]] = (
                check_script if kind in SCRIPT_TAGS else check_expression)
            for message in check(text):
                self.add(element, f"{kind} `{text[:60]}` refused by the sandbox: {message}")

    def check_sop_steps(self, process: Tree, nodes: Iterable[Tree]) -> None:
        covered: set[int] = set()
        for node in nodes:
            value = properties(node).get("sopStep")
            if value is None:
                continue
            if not value.strip().isdigit() or int(value) not in SOP_STEPS:
                self.add(node, f"{label(node)}: sopStep '{value}' is not a step number 1–17")
                continue
            covered.add(int(value))
        missing = [str(step) for step in SOP_STEPS if step not in covered]
        if missing:
            self.add(process, f"SOP step(s) {', '.join(missing)} are carried out by no element "
                              f"(sopStep property)")

    def check_forms(self, nodes: Iterable[Tree]) -> None:
        for node in nodes:
            if local(node.tag) != "userTask":
                continue
            name = properties(node).get("formJsonSchemaFilename", "").strip()
            if not name:
                self.add(node, f"user task {label(node)} names no form (formJsonSchemaFilename)")
            elif not FORM_NAME.match(name):
                self.add(node, f"user task {label(node)}: form name '{name}' must be a plain "
                               f"file name ending in .json")
            elif name in self.forms:
                form, problems = read_form(name, self.forms[name])
                self.problems.extend(dataclasses.replace(p, element=node.get("id", ""))
                                     for p in problems)
                if form is not None:
                    self.resolved_forms[name] = form
            elif name in self.fallback:
                self.resolved_forms[name] = dict(self.fallback[name])
            else:
                self.add(node, f"user task {label(node)}: form '{name}' is neither in forms/ "
                               f"nor in the deployed version")

    def check_time_limits(self, nodes: Mapping[str, Tree]) -> None:
        """`timeLimit` is working hours or days; a timer on a step runs on its limit."""
        for node in nodes.values():
            value = properties(node).get("timeLimit")
            if value is not None:
                problem = time_limit_problem(value)
                if problem:
                    self.add(node, f"{label(node)}: {problem}")
            timer = node.find("bpmn:timerEventDefinition", NS)
            if timer is None:
                continue
            if local(node.tag) != "boundaryEvent":
                self.add(node, f"timer {label(node)}: only a timer on the border of a user task "
                               f"is supported (nothing else would fire it)")
                continue
            self.check_timer(node, timer, nodes.get(node.get("attachedToRef", "")))

    def check_timer(self, node: Tree, timer: Tree, host: Tree | None) -> None:
        """A boundary timer: non-interrupting, on a step with a limit, with the backstop date."""
        if host is None or local(host.tag) != "userTask":
            self.add(node, f"timer {label(node)} must be attached to a user task")
        elif not properties(host).get("timeLimit", "").strip():
            self.add(node, f"timer {label(node)} is on {label(host)}, which has no "
                           f"timeLimit property (e.g. 8h or 2d) to say when it is due")
        if node.get("cancelActivity", "true") != "false":
            self.add(node, f"timer {label(node)} must be non-interrupting "
                           f'(cancelActivity="false"): the step stays with its holder')
        date = timer.find("bpmn:timeDate", NS)
        if date is None or not TIMER_BACKSTOP.match((date.text or "").strip()):
            self.add(timer, f"timer {label(node)} must have the time date "
                            f"\"9999-12-31T23:59:59+00:00\" (a date it never reaches): the "
                            f"engine fires it when the step's timeLimit has passed in working "
                            f"time, not by the clock")

    def check_layout(self, process: Tree, nodes: Mapping[str, Tree],
                     flows: Mapping[str, Tree]) -> None:
        planes = self.root.findall("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
        if not planes:
            self.add(self.root, "the diagram has no layout (bpmndi:BPMNDiagram); open and save "
                                "it in a BPMN modeler")
            return
        drawn = {e.get("bpmnElement") for p in planes for e in p}
        lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
        for element in [*nodes.values(), *flows.values(), *lanes]:
            if element.get("id") not in drawn:
                self.add(element, f"{label(element)} has no diagram layout (shape or edge)")


def validate_diagram(data: bytes, forms: Mapping[str, bytes | Mapping[str, Any]],
                     fallback_forms: Mapping[str, Mapping[str, Any]] | None = None
                     ) -> tuple[list[Problem], dict[str, dict[str, Any]]]:
    """All problems of a diagram with its forms, and the forms it resolves to when none."""
    root, problems = read_xml(data)
    if root is None:
        return problems, {}
    problems.extend(check_xsd(root))
    checker = _Checker(root, forms, fallback_forms or {})
    process = checker.run()
    problems.extend(checker.problems)
    if process is not None and not problems:
        problems.extend(check_engine_parse(root, process.get("id")))
    problems = with_elements(root, problems)
    return sorted(problems, key=lambda p: (p.file, p.line)), checker.resolved_forms


def check_engine_parse(root: Tree, process_id: str) -> list[Problem]:
    """Problems SpiffWorkflow's own parser finds."""
    parser = SpiffBpmnParser()
    try:
        parser.add_bpmn_xml(root, filename="diagram.bpmn")
        parser.get_spec(process_id)
    except ValidationException as err:
        line = err.line_number if isinstance(err.line_number, int) else 0
        return [Problem(line, f"the engine cannot run this: {err.args[0]}")]
    except Exception as err:  # noqa: BLE001 - any parser failure is a problem to report
        return [Problem(0, f"the engine cannot read this diagram: {err}")]
    return []
