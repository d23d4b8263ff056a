"""The SOP document rendered from a deployed diagram, so the paper follows the diagram."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from engine.persistence.unit_of_work import UnitOfWork
from engine.process.definitions import Step, read_steps
from engine.process.drafts import version_files
from engine.process.validation import NS, Tree, read_xml
from engine.types import SopDocument, SopRow, User

TASK_KINDS = ("userTask", "manualTask", "task", "scriptTask")
DECISIONS = ("exclusiveGateway",)


def sop_document(uow: UnitOfWork, actor: User, version_id: str | None = None) -> SopDocument:
    """The SOP table of a version (the current one unless given), one row per SOP step."""
    files = version_files(uow, actor, version_id)
    root, problems = read_xml(files.bpmn_xml.encode())
    if root is None:  # deployed versions passed validation; this is a broken database
        raise ValueError(f"stored diagram {files.version.id} does not parse: {problems}")
    _, steps, _ = read_steps(root)
    process = root.find("bpmn:process", NS)
    flows = [(f.get("id"), f.get("sourceRef"), f.get("targetRef"), _flow_label(f))
             for f in process.findall("bpmn:sequenceFlow", NS)]
    lanes = tuple((lane.get("name") or "").strip()
                  for lane in process.findall("bpmn:laneSet/bpmn:lane", NS))
    groups: dict[int, list[Step]] = defaultdict(list)
    for step in steps.values():
        if step.sop_step is not None:
            groups[step.sop_step].append(step)
    rows = tuple(_row(number, groups[number], steps, flows) for number in sorted(groups))
    title = (process.get("name") or process.get("id") or "").strip()
    return SopDocument(version=files.version, title=title, lanes=lanes, rows=rows)


def _flow_label(flow: Tree) -> str:
    name = (flow.get("name") or "").strip()
    if name:
        return name
    condition = flow.find("bpmn:conditionExpression", NS)
    return (condition.text or "").strip() if condition is not None else ""


def _row(number: int, group: list[Step], steps: Mapping[str, Step],
         flows: list[tuple[str, str, str, str]]) -> SopRow:
    tasks = [s for s in group if s.kind in TASK_KINDS]
    primary = tasks[0] if tasks else group[0]
    ids = {s.spec_name for s in group}
    decisions = [s for s in group if s.kind in DECISIONS]
    starts = any(steps[src].kind == "startEvent" for _, src, dst, _ in flows
                 if dst in ids and src in steps)
    ends = any(steps[dst].kind == "endEvent" for _, src, dst, _ in flows
               if src in ids and dst in steps)
    kind = "decision" if decisions else "terminator" if starts or ends else "process"

    def first(attribute: str) -> str:
        return next((getattr(s, attribute) for s in [primary, *group] if getattr(s, attribute)),
                    "")

    branches = tuple(
        (label or flow_id, _next_step(dst, steps, flows))
        for decision in decisions
        for flow_id, src, dst, label in flows if src == decision.spec_name)
    return SopRow(number=number, activity=primary.name, lane=primary.lane or "", kind=kind,
                  requirements=first("requirements"), equipment=first("equipment"),
                  time_limit=first("time_limit"), output=first("output"),
                  remarks=first("remarks"), branches=branches, activity_en=primary.name_en)


def _next_step(target: str, steps: Mapping[str, Step],
               flows: list[tuple[str, str, str, str]]) -> int | None:
    """The SOP step a flow leads to, through elements that carry none (merges); None when it
    ends the process."""
    seen: set[str] = set()
    todo = [target]
    while todo:
        node = todo.pop(0)
        if node in seen or node not in steps:
            continue
        seen.add(node)
        if steps[node].sop_step is not None:
            return steps[node].sop_step
        todo.extend(dst for _, src, dst, _ in flows if src == node)
    return None
