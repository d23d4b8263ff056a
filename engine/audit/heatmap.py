"""The heatmap on the diagram (issue 16): how many tickets went along each sequence flow, and
the median and p90 working time of each step, over tickets chosen by opening date, LPSE and
process version; for process owners and auditors.

Durations come from `engine.audit.working_time.task_times`, the reports' own source (done
tasks only, in working time of each ticket's LPSE), so a step's count and mean here are the
report's. The flows a ticket took are read off its task rows, not its workflow: each task
was created when an earlier one of the ticket was completed (or the ticket opened), and the
diagram's shortest path between the two nodes that passes no other task is the flows taken
(gateways, events and boundary timers in between); a closed ticket's last task leads to the
nearest end event. No workflow is loaded.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from lxml import etree
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from engine.audit.inspection import created_between
from engine.audit.step_names import current_step_names
from engine.audit.working_time import TaskTime, task_times
from engine.errors import NotFound
from engine.messages import Message
from engine.persistence.tables import ProcessVersionRow, TicketRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.types import Role, User

ALL_VERSIONS = "semua"
SLOWEST = 5
# Nodes a ticket waits at (one task row each): a path between two of them passes no other.
_TASK_KINDS = {"userTask", "manualTask", "task"}
_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True)
class StepTime:
    """Working time of the done tasks of one SOP step, in hours."""

    sop_step: int | None
    name: str
    elements: tuple[str, ...]  # the diagram's nodes carrying this step (to draw the badge)
    count: int
    mean: float
    median: float
    p90: float


@dataclass(frozen=True)
class Heatmap:
    """What to draw on one version's diagram, over the tickets the filter chose."""

    version_id: str
    version_number: int
    bpmn_xml: str
    tickets: int
    flows: dict[str, int]  # sequence flow id -> tickets that went along it
    steps: list[StepTime]
    slowest: list[StepTime]  # by median, slowest first
    versions: list[tuple[str, int]] = field(default_factory=list)  # (id, number), newest first


@dataclass
class _Graph:
    """A version's diagram as a graph: which node each flow leaves and enters."""

    outgoing: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # node -> (flow, to)
    boundary: dict[str, list[str]] = field(default_factory=dict)  # task -> its boundary events
    tasks: set[str] = field(default_factory=set)
    starts: list[str] = field(default_factory=list)
    ends: set[str] = field(default_factory=set)

    paths: dict[tuple[tuple[str, ...], str | None], list[str]] = field(default_factory=dict)

    def path_to(self, sources: Iterable[str], goal: str | None) -> list[str]:
        """The flows of the shortest path from the sources to `goal` (None: an end event),
        passing no task on the way; none when there is no such path. Remembered: tickets
        go the same few ways."""
        key = (tuple(sources), goal)
        found = self.paths.get(key)
        if found is None:
            found = self.paths[key] = self.path(
                key[0], (lambda node: node in self.ends) if goal is None
                else (lambda node: node == goal))
        return found

    def path(self, sources: Iterable[str], reached: Any) -> list[str]:
        """The flows of the shortest path from the sources to a node `reached(node)` is true
        of, passing no task on the way (none when there is no such path)."""
        queue: deque[str] = deque()
        came: dict[str, tuple[str, str] | None] = {}
        for source in sources:
            for start in (source, *self.boundary.get(source, ())):
                if start not in came:
                    came[start] = None
                    queue.append(start)
        while queue:
            node = queue.popleft()
            for flow, target in self.outgoing.get(node, ()):
                if target in came:
                    continue
                came[target] = (flow, node)
                if reached(target):
                    found: list[str] = []
                    step = came[target]
                    while step is not None:
                        found.append(step[0])
                        step = came[step[1]]
                    return found[::-1]
                if target not in self.tasks:
                    queue.append(target)
        return []


def _graph(bpmn_xml: str) -> _Graph:
    root = etree.fromstring(bpmn_xml.encode(), _PARSER)
    graph = _Graph()
    for element in root.iter(f"{{{_BPMN}}}*"):
        kind = etree.QName(element).localname
        ident = element.get("id", "")
        if kind == "sequenceFlow":
            graph.outgoing.setdefault(element.get("sourceRef", ""), []).append(
                (ident, element.get("targetRef", "")))
        elif kind == "boundaryEvent":
            graph.boundary.setdefault(element.get("attachedToRef", ""), []).append(ident)
        elif kind in _TASK_KINDS:
            graph.tasks.add(ident)
        elif kind == "startEvent" and etree.QName(element.getparent()).localname == "process":
            graph.starts.append(ident)
        elif kind == "endEvent":
            graph.ends.add(ident)
    return graph


def may_see_heatmap(user: User) -> bool:
    """Process owners and auditors."""
    return user.role in (Role.PROCESS_OWNER, Role.AUDITOR)


def heatmap(uow: UnitOfWork, actor: User, date_from: date | None = None,
            date_to: date | None = None, lpse_id: int | None = None,
            version_id: str | None = None, now: datetime | None = None) -> Heatmap:
    """The heatmap over the tickets opened in the date range (both days inclusive), of one
    LPSE or all, pinned to one version (default: the current one; ALL_VERSIONS: any, drawn
    on the current diagram)."""
    if not may_see_heatmap(actor):
        raise NotFound(Message("page_not_found"))
    now = now or datetime.now(UTC)
    with uow:
        session = uow.session
        versions = [(id_, number) for id_, number in session.execute(
            select(ProcessVersionRow.id, ProcessVersionRow.number)
            .order_by(ProcessVersionRow.activation.desc()))]
        if not versions:
            raise NotFound(Message("page_not_found"))
        numbers = dict(versions)
        every = version_id == ALL_VERSIONS
        shown = versions[0][0] if every or version_id not in numbers else version_id
        conditions: list[ColumnElement[bool]] = created_between(date_from, date_to)
        if lpse_id is not None:
            conditions.append(TicketRow.lpse_id == lpse_id)
        if not every:
            conditions.append(TicketRow.process_version_id == shown)
        tickets = {id_: (version, status) for id_, version, status in session.execute(
            select(TicketRow.id, TicketRow.process_version_id, TicketRow.status)
            .where(*conditions))}
        flows, times = _collect(session, conditions, tickets, now)
        names = current_step_names(session)
        elements: dict[int, set[str]] = {}
        shown_row = session.get(ProcessVersionRow, shown)
        assert shown_row is not None
        bpmn_xml = shown_row.bpmn_xml
        for node, sop_step in _steps_of(bpmn_xml):
            elements.setdefault(sop_step, set()).add(node)
    steps = [_step_time(sop_step or None, found, names, elements.get(sop_step, set()))
             for (sop_step, _), found in sorted(times.items())]
    return Heatmap(
        version_id=shown, version_number=numbers[shown], bpmn_xml=bpmn_xml,
        tickets=len(tickets), flows={flow: len(ids) for flow, ids in sorted(flows.items())},
        steps=steps, slowest=sorted(steps, key=lambda s: (-s.median, -s.p90))[:SLOWEST],
        versions=versions)


def _collect(session: Session, conditions: list[ColumnElement[bool]],
             tickets: dict[int, tuple[str, str]], now: datetime
             ) -> tuple[dict[str, set[int]], dict[tuple[int, str], list[TaskTime]]]:
    """The tickets along each flow, and the done tasks of each step (grouped as the report
    groups them: by SOP number, a node without one by its name), in one pass over the
    tasks."""
    graphs: dict[str, _Graph] = {}
    flows: dict[str, set[int]] = {}
    times: dict[tuple[int, str], list[TaskTime]] = {}
    held: list[TaskTime] = []

    def close(ticket_id: int) -> None:
        version, status = tickets[ticket_id]
        graph = graphs.get(version)
        if graph is None:
            row = session.get(ProcessVersionRow, version)
            graph = graphs[version] = _graph(row.bpmn_xml if row is not None else
                                             "<definitions/>")
        for flow in _taken(graph, held, status == "closed"):
            flows.setdefault(flow, set()).add(ticket_id)
        held.clear()

    for task in task_times(session, conditions, now):
        if held and held[0].ticket_id != task.ticket_id:
            close(held[0].ticket_id)
        held.append(task)
        if task.done:
            key = (task.sop_step, "") if task.sop_step else (0, task.name)
            times.setdefault(key, []).append(task)
    if held:
        close(held[0].ticket_id)
    return flows, times


def _steps_of(bpmn_xml: str) -> list[tuple[str, int]]:
    """(node id, SOP step) of the version's nodes that carry one."""
    root = etree.fromstring(bpmn_xml.encode(), _PARSER)
    found = []
    for prop in root.iter("{*}property"):
        if prop.get("name") == "sopStep":
            node = prop.getparent().getparent().getparent()  # properties/extensions/node
            try:
                found.append((node.get("id", ""), int(prop.get("value", ""))))
            except ValueError:
                continue
    return found


def _taken(graph: _Graph, held: list[TaskTime], closed: bool) -> set[str]:
    """The flows one ticket went along, from its tasks in order of creation."""
    taken: set[str] = set()
    for task in held:
        # Tasks made in one transaction share their instant (step 1 is done as step 2 is
        # made): any other task done by the time this one was made may be its predecessor.
        earlier = [t for t in held if t is not task and t.ended is not None
                   and t.ended <= task.started]
        if earlier:
            before = max(earlier, key=lambda t: t.ended or t.started)
            sources = [before.spec_name]
        else:
            sources = graph.starts
        taken.update(graph.path_to(sources, task.spec_name))
    if closed and held:
        last = max(held, key=lambda t: t.ended or t.started)
        taken.update(graph.path_to([last.spec_name], None))
    return taken


def _step_time(sop_step: int | None, found: list[TaskTime], names: dict[int, str],
               elements: set[str]) -> StepTime:
    hours = sorted(t.working.total_seconds() / 3600 for t in found)
    name = names.get(sop_step, found[0].name) if sop_step is not None else found[0].name
    return StepTime(sop_step=sop_step, name=name, elements=tuple(sorted(elements)),
                    count=len(hours), mean=sum(hours) / len(hours),
                    median=statistics.median(hours), p90=percentile(hours, 0.9))


def percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted values (the smallest value with at least
    `share` of them at or below it)."""
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def heatmap_data(found: Heatmap) -> dict[str, Any]:
    """The heatmap as JSON for the diagram page's script."""
    return {"bpmn_xml": found.bpmn_xml, "tickets": found.tickets, "flows": found.flows,
            "steps": [{"sop_step": s.sop_step, "name": s.name, "elements": list(s.elements),
                       "count": s.count, "median": s.median, "p90": s.p90}
                      for s in found.steps]}

