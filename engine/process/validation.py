"""Validate a diagram and its forms: every problem with its line and a plain message.

One validation has a budget (`Budget`): at most so many scripts and expressions, so many
characters of them, and so many seconds, the deadline reaching into each sandbox check
(engine.sandbox.checks_until). Past it the validation stops with a problem that says so,
never half-done silently; validate, deploy and the owners' editor all go through here.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.messages import Message
from engine.process.calendar import time_limit_problem
from engine.process.forms import pattern_problem
from engine.process.prefill import prefill_sources
from engine.process.visibility import visibility_problems
from engine.sandbox import ChecksTimedOut, check_expression, check_script, checks_until
from engine.sandbox.json_values import static_problems
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

# One validation's budget (escalation.bpmn has 21 pieces of code, 550 characters).
MAX_CODE_PIECES = 200
MAX_CODE_CHARS = 100_000
VALIDATION_SECONDS = 3.0


@dataclasses.dataclass(frozen=True)
class Budget:
    """How much one validation may do: pieces of code, their characters, seconds."""

    pieces: int = MAX_CODE_PIECES
    chars: int = MAX_CODE_CHARS
    seconds: float = VALIDATION_SECONDS


class _OverBudget(Exception):
    """A validation stopped by its budget; `message` says which limit."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


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


# libxml2's error codes (xmlParserErrors) said in plain words; the rest keep its own text.
_XML_ERRORS: Mapping[int, str] = {
    4: "xml_empty", 5: "xml_extra_content", 9: "xml_bad_character",
    26: "xml_bad_ampersand", 38: "xml_bad_attribute", 39: "xml_bad_attribute",
    40: "xml_bad_attribute", 41: "xml_bad_attribute", 42: "xml_attribute_twice",
    45: "xml_ended_early", 63: "xml_ended_early", 65: "xml_bad_attribute",
    68: "xml_bad_name", 73: "xml_ended_early", 74: "xml_ended_early", 76: "xml_tag_mismatch",
    77: "xml_ended_early", 114: "xml_too_deep", 201: "xml_unknown_prefix",
}
_XML_DETAILS = {
    "xml_attribute_twice": re.compile(r"Attribute (?P<name>\S+) redefined"),
    "xml_tag_mismatch": re.compile(r"mismatch: (?P<opened>\S+) line \d+ and (?P<closed>[^,\s]+)"),
    "xml_unknown_prefix": re.compile(r"prefix (?P<prefix>\S+) on (?P<tag>\S+)"),
}


def xml_error_message(err: etree.XMLSyntaxError) -> Message:
    """The parser's complaint in plain words ("Berkas bukan BPMN yang utuh: berakhir sebelum
    waktunya"); its line stays with the problem."""
    code = _XML_ERRORS.get(err.code or 0)
    text = str(err.msg or "")
    if code is None:
        return Message("malformed_xml", detail=text[:300])
    pattern = _XML_DETAILS.get(code)
    if pattern is None:
        return Message(code)
    found = pattern.search(text)
    if found is None:
        return Message("malformed_xml", detail=text[:300])
    return Message(code, **{k: v[:100] for k, v in found.groupdict().items()})


def read_xml(data: bytes) -> tuple[Tree | None, list[Problem]]:
    """Parse untrusted XML: size-limited, no DTD, no entities, no network."""
    if len(data) > MAX_BPMN_BYTES:
        return None, [Problem(0, Message("bpmn_too_large", size=f"{len(data):,}",
                                         limit=f"{MAX_BPMN_BYTES:,}"))]
    declaration = re.search(rb"<!(DOCTYPE|ENTITY)", data)
    if declaration:
        line = data[: declaration.start()].count(b"\n") + 1
        return None, [Problem(line, Message("doctype_entities"))]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return None, [Problem(line, Message("not_utf8"))]
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_blank_text=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        return None, [Problem(err.lineno or 0, xml_error_message(err))]
    if root.getroottree().docinfo.internalDTD is not None:
        return None, [Problem(1, Message("doctype"))]
    if root.tag != f"{{{BPMN_NS}}}definitions":
        return None, [Problem(root.sourceline or 1,
                              Message("root_not_definitions", namespace=BPMN_NS,
                                      tag=root.tag))]
    return root, []


@functools.cache
def _xsd() -> etree.XMLSchema:
    return BpmnValidator().validator


def check_xsd(root: Tree) -> list[Problem]:
    """Problems the OMG BPMN 2.0 XML Schema reports."""
    schema = _xsd()
    if schema.validate(root):
        return []
    return [Problem(e.line, Message("bpmn_schema",
                                     detail=e.message.replace(f"{{{BPMN_NS}}}", "bpmn:")))
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
            return None, [Problem(0, Message("form_too_large", limit=f"{MAX_FORM_BYTES:,}"),
                                  file)]
        try:
            form = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            return None, [Problem(getattr(err, "lineno", 0),
                                  Message("form_not_json", detail=str(err)), file)]
        except RecursionError:
            return None, [Problem(0, Message("form_too_deep", limit=MAX_FORM_DEPTH), file)]
    else:
        form = dict(raw)
    if not isinstance(form, dict):
        return None, [Problem(1, Message("form_not_json_object"), file)]
    if _depth(form) > MAX_FORM_DEPTH:
        return None, [Problem(1, Message("form_too_deep", limit=MAX_FORM_DEPTH), file)]
    try:
        Draft202012Validator.check_schema(form)
    except SchemaError as err:
        where = "/".join(str(p) for p in err.path) or "(top)"
        return None, [Problem(1, Message("form_schema_invalid", where=where,
                                              detail=err.message), file)]
    if form.get("type") != "object":
        return None, [Problem(1, Message("form_not_type_object"), file)]
    refused = english_text_problems(form) + pattern_problems(form) + [
        Message("form_visibility", field=field, value=value)
        for field, value in visibility_problems(form)]
    return (None, [Problem(1, m, file) for m in refused]) if refused else (form, [])


_NAMED_SCHEMAS = ("properties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMAS = ("items", "additionalProperties", "unevaluatedProperties", "unevaluatedItems",
            "propertyNames", "contains", "not", "if", "then", "else")


def _subschemas(schema: Mapping[str, Any], field: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every schema of a form with the form field it belongs to ("(form)" for the form's own)."""
    stack = [(field, schema)]
    while stack:
        field, part = stack.pop()
        yield field, part
        for keyword, value in part.items():
            if keyword in _NAMED_SCHEMAS and isinstance(value, Mapping):
                stack.extend((str(name) if keyword == "properties" and field == "(form)"
                              else field, sub) for name, sub in value.items()
                             if isinstance(sub, Mapping))
            elif keyword in _SCHEMA_LISTS and isinstance(value, list):
                stack.extend((field, sub) for sub in value if isinstance(sub, Mapping))
            elif keyword in _SCHEMAS and isinstance(value, Mapping):
                stack.append((field, value))


def pattern_problems(form: Mapping[str, Any]) -> list[Message]:
    """Patterns RE2 cannot take (matched in linear time, no backreferences or lookaround),
    and `patternProperties` (forms name each field), each with the field it is in."""
    found: list[Message] = []
    for field, part in _subschemas(form, "(form)"):
        if "patternProperties" in part:
            found.append(Message("form_pattern_properties", field=field))
        pattern = part.get("pattern")
        if pattern is not None:
            detail = pattern_problem(pattern)
            if detail:
                found.append(Message("form_pattern_unsupported", field=field,
                                     pattern=str(pattern)[:100], detail=detail))
    return found


ENGLISH_TEXTS = ("x-title-en", "x-description-en")


def english_text_problems(form: Mapping[str, Any]) -> list[Message]:
    """The owners' English texts beside the Indonesian: `x-title-en` and `x-description-en`
    are text, `x-enum-titles-en` one text per `enum` value."""
    found: list[Message] = []
    fields = form.get("properties")
    parts = [("(form)", form)] + [(str(name), prop) for name, prop in
                                  (fields.items() if isinstance(fields, Mapping) else ())
                                  if isinstance(prop, Mapping)]
    for name, part in parts:
        found += [Message("form_english_text", field=name, keyword=keyword)
                  for keyword in ENGLISH_TEXTS
                  if keyword in part and not isinstance(part[keyword], str)]
        titles, values = part.get("x-enum-titles-en"), part.get("enum")
        if titles is not None and not (
                isinstance(titles, list) and isinstance(values, list)
                and len(titles) == len(values) and all(isinstance(t, str) for t in titles)):
            found.append(Message("form_english_titles", field=name,
                                 count=len(values) if isinstance(values, list) else 0))
    return found


class _Checker:
    """Collects problems of one parsed diagram."""

    def __init__(self, root: Tree, forms: Mapping[str, bytes | Mapping[str, Any]],
                 fallback_forms: Mapping[str, Mapping[str, Any]],
                 budget: Budget = Budget(), deadline: float = float("inf")) -> None:
        self.root = root
        self.budget = budget
        self.deadline = deadline
        self.forms = forms
        self.fallback = fallback_forms
        self.problems: list[Problem] = []
        self.resolved_forms: dict[str, dict[str, Any]] = {}

    def add(self, node: Tree, message: Message) -> None:
        self.problems.append(Problem(getattr(node, "sourceline", 0) or 0, message,
                                     element=element_id(node)))

    def in_time(self) -> None:
        """Stop the validation when its deadline has passed."""
        if time.monotonic() > self.deadline:
            raise _OverBudget(Message("validation_too_slow", seconds=f"{self.budget.seconds:g}"))

    def run(self) -> Tree | None:
        """Check everything, or stop with one problem that names the budget exceeded."""
        try:
            with checks_until(self.deadline):
                return self._run()
        except ChecksTimedOut:
            self.problems.append(Problem(0, Message("validation_too_slow",
                                                    seconds=f"{self.budget.seconds:g}")))
        except _OverBudget as stop:
            self.problems.append(Problem(0, stop.message))
        return None

    def _run(self) -> Tree | None:
        processes = self.root.findall("bpmn:process", NS)
        if len(processes) != 1:
            self.add(self.root, Message("one_process", count=len(processes)))
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
                self.add(node, Message("node_unsupported", element=label(node),
                                       kind=local(node.tag)))

    def check_lanes(self, process: Tree, nodes: Mapping[str, Tree]) -> None:
        lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
        names = [(lane.get("name") or "").strip() for lane in lanes]
        for lane, name in zip(lanes, names, strict=True):
            if name not in LANES:
                self.add(lane, Message("lane_unknown", name=name, lanes=", ".join(LANES)))
        missing = [lane for lane in LANES if lane not in names]
        if missing:
            self.add(process, Message("lane_missing", lanes=", ".join(missing)))
        placed: dict[str, str] = {}
        for lane, name in zip(lanes, names, strict=True):
            for ref in lane.findall("bpmn:flowNodeRef", NS):
                node_id = (ref.text or "").strip()
                if node_id in placed:
                    self.add(ref, Message("in_two_lanes", element=node_id))
                placed[node_id] = name
        for node_id, node in nodes.items():
            if node_id not in placed:
                self.add(node, Message("in_no_lane", element=label(node)))

    def check_flows(self, nodes: Mapping[str, Tree], flows: Mapping[str, Tree]) -> None:
        incoming: set[str] = set()
        outgoing: set[str] = set()
        for flow in flows.values():
            for end, code in (("sourceRef", "flow_from_unknown"), ("targetRef", "flow_to_unknown")):
                ref = flow.get(end)
                if ref not in nodes:
                    self.add(flow, Message(code, flow=label(flow), ref=ref))
            outgoing.add(flow.get("sourceRef"))
            incoming.add(flow.get("targetRef"))
        starts = [n for n in nodes.values() if local(n.tag) == "startEvent"]
        if not starts:
            self.add(self.root, Message("no_start"))
        for node_id, node in nodes.items():
            kind = local(node.tag)
            if kind not in ("startEvent", "boundaryEvent") and node_id not in incoming:
                self.add(node, Message("no_incoming", element=label(node)))
            if kind != "endEvent" and node_id not in outgoing:
                self.add(node, Message("no_outgoing", element=label(node)))

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
                    self.add(flow, Message("flow_no_condition", flow=label(flow),
                                           gateway=label(gateway)))

    def check_expressions(self, process: Tree) -> None:
        code = [element for element in process.iter()
                if local(element.tag) in EXPRESSION_TAGS | SCRIPT_TAGS
                and (element.text or "").strip()]
        if len(code) > self.budget.pieces:
            raise _OverBudget(Message("validation_too_many_code", count=f"{len(code):,}",
                                      limit=f"{self.budget.pieces:,}"))
        chars = sum(len(element.text) for element in code)
        if chars > self.budget.chars:
            raise _OverBudget(Message("validation_too_much_code", count=f"{chars:,}",
                                      limit=f"{self.budget.chars:,}"))
        for element in code:
            self.in_time()
            kind = local(element.tag)
            text = (element.text or "").strip()
            check: Callable[[str], list[str]] = (
                check_script if kind in SCRIPT_TAGS else check_expression)
            for message in check(text):
                self.add(element, Message("sandbox_refused", kind=kind, snippet=text[:60],
                                          detail=message))
            for line, what in static_problems(text, "exec" if kind in SCRIPT_TAGS else "eval"):
                self.add(element, Message("json_refused", kind=kind, snippet=text[:60],
                                          line=line, what=what))

    def check_sop_steps(self, process: Tree, nodes: Iterable[Tree]) -> None:
        covered: set[int] = set()
        for node in nodes:
            value = properties(node).get("sopStep")
            if value is None:
                continue
            if not value.strip().isdigit() or int(value) not in SOP_STEPS:
                self.add(node, Message("step_not_a_number", element=label(node), value=value))
                continue
            covered.add(int(value))
        missing = [str(step) for step in SOP_STEPS if step not in covered]
        if missing:
            self.add(process, Message("steps_uncovered", steps=", ".join(missing)))

    def check_forms(self, nodes: Iterable[Tree]) -> None:
        named: list[tuple[Tree, str]] = []
        for node in nodes:
            if local(node.tag) != "userTask":
                continue
            self.in_time()
            name = properties(node).get("formJsonSchemaFilename", "").strip()
            named.append((node, name))
            if not name:
                self.add(node, Message("no_form", element=label(node)))
            elif not FORM_NAME.match(name):
                self.add(node, Message("form_name_invalid", element=label(node), name=name))
            elif name in self.forms:
                form, problems = read_form(name, self.forms[name])
                self.problems.extend(dataclasses.replace(p, element=node.get("id", ""))
                                     for p in problems)
                if form is not None:
                    self.resolved_forms[name] = form
            elif name in self.fallback:
                self.resolved_forms[name] = dict(self.fallback[name])
            else:
                self.add(node, Message("form_missing", element=label(node), name=name))
        self.check_prefill(named)

    def check_prefill(self, named: Iterable[tuple[Tree, str]]) -> None:
        """`x-prefill-from` names a field of another step's form (issue 13)."""
        named = [(node, name) for node, name in named if name in self.resolved_forms]
        for node, name in named:
            for field, source in prefill_sources(self.resolved_forms[name]).items():
                earlier = {other for _node, other_name in named if other_name != name
                           for other in self.resolved_forms[other_name].get("properties", {})}
                if not isinstance(source, str) or source not in earlier:
                    self.add(node, Message("prefill_unknown_field", element=label(node),
                                           field=field, source=str(source)))

    def check_time_limits(self, nodes: Mapping[str, Tree]) -> None:
        """`timeLimit` is working hours or days; a timer on a step runs on its limit."""
        for node in nodes.values():
            value = properties(node).get("timeLimit")
            if value is not None:
                problem = time_limit_problem(value)
                if problem:
                    self.add(node, Message("element_problem", element=label(node), problem=problem))
            timer = node.find("bpmn:timerEventDefinition", NS)
            if timer is None:
                continue
            if local(node.tag) != "boundaryEvent":
                self.add(node, Message("timer_not_boundary", element=label(node)))
                continue
            self.check_timer(node, timer, nodes.get(node.get("attachedToRef", "")))

    def check_timer(self, node: Tree, timer: Tree, host: Tree | None) -> None:
        """A boundary timer: non-interrupting, on a step with a limit, with the backstop date."""
        if host is None or local(host.tag) != "userTask":
            self.add(node, Message("timer_not_on_task", element=label(node)))
        elif not properties(host).get("timeLimit", "").strip():
            self.add(node, Message("timer_host_no_limit", element=label(node), host=label(host)))
        if node.get("cancelActivity", "true") != "false":
            self.add(node, Message("timer_interrupting", element=label(node)))
        date = timer.find("bpmn:timeDate", NS)
        if date is None or not TIMER_BACKSTOP.match((date.text or "").strip()):
            self.add(timer, Message("timer_backstop", element=label(node)))

    def check_layout(self, process: Tree, nodes: Mapping[str, Tree],
                     flows: Mapping[str, Tree]) -> None:
        planes = self.root.findall("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
        if not planes:
            self.add(self.root, Message("no_layout"))
            return
        drawn = {e.get("bpmnElement") for p in planes for e in p}
        lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
        for element in [*nodes.values(), *flows.values(), *lanes]:
            if element.get("id") not in drawn:
                self.add(element, Message("element_no_layout", element=label(element)))


def validate_diagram(data: bytes, forms: Mapping[str, bytes | Mapping[str, Any]],
                     fallback_forms: Mapping[str, Mapping[str, Any]] | None = None,
                     budget: Budget = Budget(),
                     ) -> tuple[list[Problem], dict[str, dict[str, Any]]]:
    """All problems of a diagram with its forms, and the forms it resolves to when none;
    within `budget` (a problem that says which limit stopped it otherwise)."""
    deadline = time.monotonic() + budget.seconds
    root, problems = read_xml(data)
    if root is None:
        return problems, {}
    problems.extend(check_xsd(root))
    checker = _Checker(root, forms, fallback_forms or {}, budget, deadline)
    process = checker.run()
    problems.extend(checker.problems)
    if process is not None and not problems and time.monotonic() > deadline:
        problems.append(Problem(0, Message("validation_too_slow",
                                           seconds=f"{budget.seconds:g}")))
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
        return [Problem(line, Message("engine_cannot_run", detail=str(err.args[0])))]
    except Exception as err:  # noqa: BLE001 - any parser failure is a problem to report
        return [Problem(0, Message("engine_cannot_read", detail=str(err)))]
    return []
