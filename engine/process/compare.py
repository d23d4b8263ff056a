"""Compare two diagrams with their forms: what was added, removed, renamed, moved between
lanes, re-routed, and whose conditions, forms or properties changed, element by element.

Elements are matched by their BPMN id (bpmn.io modelers keep ids when an element is renamed
or moved). The result is data (engine.types.Change); callers put it in words.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.errors import Forbidden, InvalidDiagram, NotFound
from engine.evidence.chain import canonical_json
from engine.messages import Message
from engine.persistence import repository
from engine.persistence.tables import ProcessVersionRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.process.validation import NS, local, properties, read_xml
from engine.types import Change, ChangeKind, ComparedSide, Comparison, Problem, Role, User

ADDED, REMOVED, RENAMED, LANE_MOVED = (
    ChangeKind.ADDED, ChangeKind.REMOVED, ChangeKind.RENAMED, ChangeKind.LANE_MOVED)
CONDITION_CHANGED, FORM_CHANGED, PROPERTY_CHANGED = (
    ChangeKind.CONDITION_CHANGED, ChangeKind.FORM_CHANGED, ChangeKind.PROPERTY_CHANGED)
RECONNECTED, TYPE_CHANGED, SCRIPT_CHANGED = (
    ChangeKind.RECONNECTED, ChangeKind.TYPE_CHANGED, ChangeKind.SCRIPT_CHANGED)
KINDS = tuple(ChangeKind)

# Properties compared one by one (CONTRACT.md and the team's shared names), in this order.
PROPERTIES = ("sopStep", "formJsonSchemaFilename", "formUiSchemaFilename", "timeLimit",
              "requirements", "equipment", "output", "remarks")
# Aspects of an element that are not properties but are compared the same way.
DOCUMENTATION, TIMER, ATTACHED_TO, DEFAULT_FLOW = (
    "documentation", "timer", "attachedToRef", "default")
# Not part of the process's behaviour or of the SOP table.
_SKIPPED = {"laneSet", "association", "textAnnotation", "dataObject",
            "dataObjectReference", "dataStoreReference", "extensionElements", "documentation",
            ""}
_TIMER_TAGS = ("timeDuration", "timeDate", "timeCycle")
LIMIT_LABEL = "Batas waktu"  # how the editor labels a step's timer


@dataclass(frozen=True)
class Element:
    """What is compared of one element of a diagram."""

    id: str
    kind: str
    name: str
    lane: str = ""
    source: str = ""
    target: str = ""
    condition: str = ""
    script: str = ""
    props: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Diagram:
    """A diagram read for comparing: its elements in document order, and its forms."""

    elements: Mapping[str, Element]
    forms: Mapping[str, Mapping[str, Any]]

    def form_of(self, element: Element) -> Mapping[str, Any] | None:
        """The JSON Schema a user task names, if this side has it."""
        name = element.props.get("formJsonSchemaFilename", "")
        return self.forms.get(name) if name else None


def _text(node: Any) -> str:
    return " ".join((node.text or "").split()) if node is not None else ""


def read_diagram(bpmn: bytes, forms: Mapping[str, Any]) -> Diagram:
    """Read a diagram's elements for comparing; InvalidDiagram when it is not a diagram.

    Tolerant of an unfinished draft (no start event, dangling flows): only XML that does not
    parse, or that has no process, is refused.
    """
    root, problems = read_xml(bpmn)
    if root is None:
        raise InvalidDiagram(problems)
    process = root.find("bpmn:process", NS)
    if process is None:
        raise InvalidDiagram([Problem(root.sourceline or 1, Message("no_bpmn_process"))])
    lanes: dict[str, str] = {}
    for lane in process.findall("bpmn:laneSet/bpmn:lane", NS):
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            lanes[(ref.text or "").strip()] = (lane.get("name") or "").strip()
    defaults = {node.get("default"): node.get("id") for node in process
                if node.get("default")}
    elements = {node.get("id"): _element(node, lanes, defaults) for node in process
                if node.get("id") and local(node.tag) not in _SKIPPED}
    return Diagram(elements, {name: dict(form) for name, form in forms.items()
                              if isinstance(form, Mapping)})


def _element(node: Any, lanes: Mapping[str, str], defaults: Mapping[str, str]) -> Element:
    node_id, kind = node.get("id"), local(node.tag)
    props = dict(properties(node))
    documentation = _text(node.find("bpmn:documentation", NS))
    if documentation:
        props[DOCUMENTATION] = documentation
    if kind == "boundaryEvent":
        props[ATTACHED_TO] = node.get("attachedToRef", "")
    timer = [_text(node.find(f"bpmn:timerEventDefinition/bpmn:{tag}", NS))
             for tag in _TIMER_TAGS]
    if any(timer):
        props[TIMER] = " ".join(t for t in timer if t)
    condition = _text(node.find("bpmn:conditionExpression", NS))
    if kind == "sequenceFlow" and node_id in defaults:
        condition = condition or DEFAULT_FLOW
    return Element(
        id=node_id, kind=kind, name=" ".join((node.get("name") or "").split()),
        lane=lanes.get(node_id, ""), source=node.get("sourceRef", ""),
        target=node.get("targetRef", ""), condition=condition,
        script=(node.findtext("bpmn:script", default="", namespaces=NS) or "").strip(),
        props=props)


def _label(diagram: Diagram, element_id: str) -> str:
    found = diagram.elements.get(element_id)
    return (found.name or found.id) if found is not None else element_id


def _field_summary(schema: Mapping[str, Any], name: str) -> str:
    spec = schema.get("properties", {}).get(name)
    if not isinstance(spec, Mapping):
        return ""
    return str(spec.get("title") or name)


def _form_changes(element: Element, name: str, before: Mapping[str, Any] | None,
                  after: Mapping[str, Any] | None) -> list[Change]:
    """One change per form field added, removed or changed (type, title, choices, required)."""
    old, new = dict(before or {}), dict(after or {})
    if canonical_json(old) == canonical_json(new):
        return []
    old_fields = old.get("properties", {}) if isinstance(old.get("properties"), dict) else {}
    new_fields = new.get("properties", {}) if isinstance(new.get("properties"), dict) else {}
    old_required = set(old.get("required") or [])
    new_required = set(new.get("required") or [])
    changes = []
    for field_name in [*old_fields, *(f for f in new_fields if f not in old_fields)]:
        was = (old_fields.get(field_name), field_name in old_required)
        now = (new_fields.get(field_name), field_name in new_required)
        if canonical_json(was) != canonical_json(now):
            changes.append(Change(FORM_CHANGED, element.id, element.kind, name, field_name,
                                  _field_summary(old, field_name) if was[0] is not None else "",
                                  _field_summary(new, field_name) if now[0] is not None else ""))
    rest_old = {k: v for k, v in old.items() if k not in ("properties", "required")}
    rest_new = {k: v for k, v in new.items() if k not in ("properties", "required")}
    if not changes or canonical_json(rest_old) != canonical_json(rest_new):
        changes.append(Change(FORM_CHANGED, element.id, element.kind, name, "",
                              str(old.get("title", "")), str(new.get("title", ""))))
    return changes


def _limit_labels(old: Element, new: Element) -> bool:
    """Both names are a timer's "Batas waktu ..." label (it follows the step's timeLimit,
    which is compared as the step's property)."""
    return (old.kind == new.kind == "boundaryEvent" and TIMER in new.props
            and all(e.name == LIMIT_LABEL or e.name.startswith(LIMIT_LABEL + " ")
                    for e in (old, new)))


def _element_changes(before: Diagram, after: Diagram, old: Element,
                     new: Element) -> list[Change]:
    name = new.name or old.name or new.id
    kind = new.kind
    changes: list[Change] = []

    def add(change_kind: str, aspect: str, was: str, now: str) -> None:
        changes.append(Change(change_kind, new.id, kind, name, aspect, was, now))

    for change_kind, attribute in ((TYPE_CHANGED, "kind"), (RENAMED, "name"),
                                   (LANE_MOVED, "lane"), (CONDITION_CHANGED, "condition"),
                                   (SCRIPT_CHANGED, "script")):
        if attribute == "name" and _limit_labels(old, new):
            continue  # the editor relabels a timer with its step's limit: not a rename
        if getattr(old, attribute) != getattr(new, attribute):
            add(change_kind, "", getattr(old, attribute), getattr(new, attribute))
    if (old.source, old.target) != (new.source, new.target):
        was = f"{_label(before, old.source)} → {_label(before, old.target)}"
        now = f"{_label(after, new.source)} → {_label(after, new.target)}"
        if was == now:  # elements renamed by id only: the ids tell them apart
            was, now = f"{old.source} → {old.target}", f"{new.source} → {new.target}"
        add(RECONNECTED, "", was, now)
    keys = [*PROPERTIES, DOCUMENTATION, TIMER, ATTACHED_TO]
    keys += sorted((set(old.props) | set(new.props)) - set(keys))
    for key in keys:
        if old.props.get(key, "") != new.props.get(key, ""):
            add(PROPERTY_CHANGED, key, old.props.get(key, ""), new.props.get(key, ""))
    if kind == "userTask":
        changes += _form_changes(new, name, before.form_of(old), after.form_of(new))
    return changes


def diff(before: Diagram, after: Diagram) -> list[Change]:
    """Every change from `before` to `after`, in the order of the elements in `after` (then
    the removed ones in the order of `before`)."""
    changes: list[Change] = []
    for element in after.elements.values():
        old = before.elements.get(element.id)
        if old is None:
            changes.append(Change(ADDED, element.id, element.kind, element.name or element.id))
        else:
            changes += _element_changes(before, after, old, element)
    for element in before.elements.values():
        if element.id not in after.elements:
            changes.append(Change(REMOVED, element.id, element.kind,
                                  element.name or element.id))
    return changes


def compare_parts(before_bpmn: bytes, before_forms: Mapping[str, Any], after_bpmn: bytes,
                  after_forms: Mapping[str, Any]) -> list[Change]:
    """Every change between two (diagram, forms) pairs; forms may be bytes or parsed."""
    return diff(read_diagram(before_bpmn, _parsed(before_forms)),
                read_diagram(after_bpmn, _parsed(after_forms)))


def _parsed(forms: Mapping[str, Any]) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for name, form in forms.items():
        if isinstance(form, bytes | bytearray | str):
            try:
                parsed[name] = json.loads(form)
            except (UnicodeDecodeError, json.JSONDecodeError):
                parsed[name] = {}
        else:
            parsed[name] = form
    return parsed


def _scenarios_by_name(text: str | None) -> dict[str, str] | None:
    """Each scenario of a file as canonical JSON by name; None when it cannot be read."""
    if not text:
        return {}
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    entries = document.get("scenarios") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        return None
    return {str(entry.get("name", "")).strip(): json.dumps(entry, sort_keys=True)
            for entry in entries if isinstance(entry, dict)}


def scenario_changes(before: str | None, after: str | None) -> tuple[tuple[str, str], ...]:
    """The scenarios added, removed and changed from one scenarios file to another, as
    (kind, name); a file that cannot be read counts as changed whole (name "")."""
    old, new = _scenarios_by_name(before), _scenarios_by_name(after)
    if old is None or new is None:
        return () if (before or "") == (after or "") else (("changed", ""),)
    found = [(ADDED if name not in old else "changed", name) for name, entry in new.items()
             if old.get(name) != entry]
    found += [(REMOVED, name) for name in old if name not in new]
    return tuple(found)


def marks(changes: Iterable[Change]) -> tuple[tuple[tuple[str, str], ...],
                                                tuple[tuple[str, str], ...]]:
    """What to highlight on each diagram: removed and changed elements on the one before,
    added and changed elements on the one after."""
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    for change in changes:
        if change.kind == ADDED:
            after[change.element] = ADDED
        elif change.kind == REMOVED:
            before[change.element] = REMOVED
        else:
            before.setdefault(change.element, "changed")
            after.setdefault(change.element, "changed")
    return tuple(sorted(before.items())), tuple(sorted(after.items()))


def _owner(actor: User) -> None:
    if actor.role is not Role.PROCESS_OWNER:
        raise Forbidden(Message("only_owner_compares"))


def _side(row: ProcessVersionRow, kind_marks: tuple[tuple[str, str], ...]) -> ComparedSide:
    return ComparedSide(kind="version", id=row.id, number=row.number, label=row.note,
                        bpmn_xml=row.bpmn_xml, marks=kind_marks)


def compare_version(uow: UnitOfWork, actor: User, version_id: str,
                    base_id: str | None = None) -> Comparison:
    """A deployed version compared with the one new tickets start on (or with `base_id`);
    the current version itself is compared with the one deployed before it."""
    _owner(actor)
    with uow:
        session = uow.session
        version = session.get(ProcessVersionRow, version_id)
        if version is None:
            raise NotFound(Message("version_not_found"))
        base = _base(uow, version, base_id)
        changes = compare_parts(base.bpmn_xml.encode(), base.forms,
                                version.bpmn_xml.encode(), version.forms)
        before_marks, after_marks = marks(changes)
        return Comparison(_side(base, before_marks), _side(version, after_marks),
                          tuple(changes), scenario_changes(base.scenarios, version.scenarios))


def _base(uow: UnitOfWork, version: ProcessVersionRow,
          base_id: str | None) -> ProcessVersionRow:
    session = uow.session
    if base_id:
        base = session.get(ProcessVersionRow, base_id)
        if base is None:
            raise NotFound(Message("version_not_found"))
        return base
    current = repository.current_version(session)
    if current is None:
        raise NotFound(Message("no_version_deployed"))
    if current.id != version.id:
        return current
    older = [row for row in repository.versions(session) if row.number < version.number]
    return older[0] if older else version


def compare_with_current(uow: UnitOfWork, actor: User, kind: str, item_id: str, label: str,
                         bpmn: bytes, forms: Mapping[str, Any],
                         scenarios: str | None = None) -> Comparison:
    """Any diagram (a draft) compared with the one new tickets start on; forms it does not
    bring come from the current version, as on deploy, and so do its scenarios when it
    brings none."""
    _owner(actor)
    with uow:
        current = repository.current_version(uow.session)
        if current is None:
            raise NotFound(Message("no_version_deployed"))
        resolved = {**current.forms, **_parsed(forms)}
        changes = compare_parts(current.bpmn_xml.encode(), current.forms, bpmn, resolved)
        before_marks, after_marks = marks(changes)
        return Comparison(_side(current, before_marks),
                          ComparedSide(kind=kind, id=item_id, number=None, label=label,
                                       bpmn_xml=bpmn.decode("utf-8", "replace"),
                                       marks=after_marks),
                          tuple(changes),
                          scenario_changes(current.scenarios, scenarios)
                          if scenarios is not None else ())


__all__ = ["KINDS", "compare_parts", "compare_version", "compare_with_current",
           "diff", "marks", "read_diagram"]
