"""The owners' scenarios (`NAME.scenarios.json` beside a diagram): a deploy gate.

Each scenario gives the answers at each SOP step (and the time limits that pass) and the
path and outcome they must produce. They run in memory on the diagram and its forms with
SpiffWorkflow exactly as tickets run (engine.process.workflows, the sandbox for conditions
and scripts, each answer checked against its form), and report which sequence flows they
took. `eskalasi test`, validation and every deploy run them; a deploy that brings none runs
those of the version deployed before (engine.process.versions).

A failure is a `Problem` at the scenario file's line of the step that failed, naming the
scenario, the step and what happened instead. Results are cached by (diagram and forms hash,
scenarios hash): tests and owners deploy the same diagram often.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from json import decoder as json_decoder
from json import scanner as json_scanner
from pathlib import Path, PurePosixPath
from typing import Any, cast

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.errors import Conflict, InvalidDiagram, SandboxError
from engine.messages import Message, text
from engine.process.definitions import ProcessDefinition, build_definition, content_hash
from engine.process.files import PROCESSES
from engine.process.validation import NS, local, properties, read_xml
from engine.process.workflows import (
    advance,
    boundary_timers,
    complete,
    fire_timer,
    ready_tasks,
    start,
)
from engine.types import Problem

SUFFIX = ".scenarios.json"
SCHEMA_FILE = PROCESSES / "scenarios.schema.json"
MAX_SCENARIO_BYTES = 1024 * 1024
# One run's budget: all scenarios together, steps and seconds (the shipped file: ~150 steps).
MAX_TOTAL_STEPS = 5000
SCENARIO_SECONDS = 10.0
GATEWAYS = {"exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway",
            "complexGateway"}


@dataclass(frozen=True)
class ScenarioStep:
    """One entry of a scenario's steps: a step done with its answers, or a timer firing."""

    index: int  # 1-based, as people count
    line: int
    sop_step: int | None = None
    task: str | None = None
    timer: int | str | None = None
    message: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    """One scenario as read from the file."""

    name: str
    line: int
    steps: tuple[ScenarioStep, ...]
    outcome: str
    expect_line: int
    path: tuple[int, ...] | None = None
    waiting_at: tuple[int, ...] | None = None


@dataclass(frozen=True)
class ScenarioResult:
    """How one scenario ran: its failure (None when it passed) and the flows it took."""

    name: str
    failure: Problem | None
    taken: frozenset[str]

    @property
    def passed(self) -> bool:
        """Whether the scenario produced its path and outcome."""
        return self.failure is None


@dataclass(frozen=True)
class Coverage:
    """Which sequence flows, and which of them leave a decision (gateway branches), the
    scenarios took out of all the diagram's."""

    flows: tuple[str, ...]
    branches: tuple[str, ...]
    taken: frozenset[str]
    labels: Mapping[str, str]

    @property
    def flows_taken(self) -> int:
        """How many of the diagram's flows some scenario took."""
        return sum(1 for flow in self.flows if flow in self.taken)

    @property
    def branches_taken(self) -> int:
        """How many of the gateways' branches some scenario took."""
        return sum(1 for flow in self.branches if flow in self.taken)

    @property
    def not_taken(self) -> tuple[str, ...]:
        """The flows no scenario took, in the diagram's order."""
        return tuple(flow for flow in self.flows if flow not in self.taken)

    def summary(self) -> list[Message]:
        """The coverage lines: flows, then gateway branches, as taken / all (percent)."""
        return [Message("scenario_coverage_flows", taken=self.flows_taken, all=len(self.flows),
                        percent=_percent(self.flows_taken, len(self.flows))),
                Message("scenario_coverage_branches", taken=self.branches_taken,
                        all=len(self.branches),
                        percent=_percent(self.branches_taken, len(self.branches)))]


@dataclass(frozen=True)
class ScenarioReport:
    """What running a scenario file found: its problems (unreadable file, failed scenarios;
    any of them refuses a deploy), each scenario's result, and the flow coverage."""

    file: str
    problems: tuple[Problem, ...]
    results: tuple[ScenarioResult, ...] = ()
    coverage: Coverage | None = None

    @property
    def ok(self) -> bool:
        """Whether the file was read and every scenario passed."""
        return not self.problems


def _percent(part: int, whole: int) -> str:
    return f"{100 * part // whole if whole else 100}"


def scenarios_beside(diagram: Path) -> Path:
    """Where a diagram's scenarios are: `NAME.scenarios.json` beside `NAME.bpmn`."""
    return diagram.with_name(diagram.stem + SUFFIX)


def read_scenarios_beside(diagram: Path) -> bytes | None:
    """The scenario file beside a diagram, None when there is none."""
    path = scenarios_beside(diagram)
    return path.read_bytes() if path.is_file() else None


def is_scenario_file(name: str) -> bool:
    """Whether an uploaded file name is a scenario file (it ends with .scenarios.json)."""
    return PurePosixPath(name.replace("\\", "/")).name.lower().endswith(SUFFIX)


def split_scenarios(files: Mapping[str, bytes]
                    ) -> tuple[dict[str, bytes], bytes | None, str]:
    """Uploaded form files, and the one scenario file among them (name ending
    `.scenarios.json`) with its name: (forms, None, "") when there is none; two scenario
    files are refused (InvalidDiagram)."""
    found = [name for name in files if is_scenario_file(name)]
    if len(found) > 1:
        raise InvalidDiagram([Problem(0, Message("scenario_files_two",
                                                 names=", ".join(sorted(found))))])
    forms = {name: content for name, content in files.items() if name not in found}
    if not found:
        return forms, None, ""
    return forms, files[found[0]], PurePosixPath(found[0].replace("\\", "/")).name


# --- Reading the file --------------------------------------------------------------------

# The standard library's JSON parts the typing stubs leave out.
_JSON: Any = json_decoder
_SCANNER: Any = json_scanner


class _LocatingDecoder(json.JSONDecoder):
    """json.loads that remembers where each object and array starts, for line numbers."""

    def __init__(self) -> None:
        super().__init__(parse_constant=_no_constant)
        self.starts: dict[int, int] = {}
        self._kept: list[Any] = []  # ids stay unique while the values live

        def parse_object(*args: Any) -> tuple[Any, int]:
            value, end = _JSON.JSONObject(*args)
            self._remember(value, args[0][1] - 1)
            return value, end

        def parse_array(*args: Any) -> tuple[Any, int]:
            value, end = _JSON.JSONArray(*args)
            self._remember(value, args[0][1] - 1)
            return value, end

        self.parse_object = parse_object
        self.parse_array = parse_array
        # The pure-Python scanner calls parse_object/parse_array; the C one does not.
        self.scan_once = _SCANNER.py_make_scanner(self)

    def _remember(self, value: Any, offset: int) -> None:
        self._kept.append(value)
        self.starts[id(value)] = offset


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


@functools.cache
def _schema_validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema a scenario file must satisfy (processes/scenarios.schema.json)."""
    return dict(cast(Mapping[str, Any], _schema_validator().schema))


class _Lines:
    """Line numbers of a parsed document's objects and arrays."""

    def __init__(self, source: str, starts: Mapping[int, int]) -> None:
        self.source = source
        self.starts = starts

    def of(self, value: Any) -> int:
        offset = self.starts.get(id(value))
        return 0 if offset is None else self.source.count("\n", 0, offset) + 1

    def along(self, document: Any, path: Iterable[Any]) -> int:
        """The line of the innermost object or array on the way down `path`."""
        line, node = self.of(document), document
        for key in path:
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                break
            line = self.of(node) or line
        return line


def _scenario_label(document: Any, index: int) -> str:
    try:
        name = document["scenarios"][index]["name"]
    except (KeyError, IndexError, TypeError):
        name = None
    return name if isinstance(name, str) and name.strip() else f"#{index + 1}"


def _where(document: Any, path: Sequence[Any]) -> Message:
    """Which scenario and step a place in the file belongs to."""
    if len(path) >= 2 and path[0] == "scenarios" and isinstance(path[1], int):
        label = _scenario_label(document, path[1])
        if len(path) >= 4 and path[2] == "steps" and isinstance(path[3], int):
            return Message("scenario_where_step", scenario=label, index=path[3] + 1)
        return Message("scenario_where", scenario=label)
    return Message("scenario_where_file")


_KINDS = {"string": "kind_text", "integer": "kind_integer", "number": "kind_number",
          "boolean": "kind_boolean", "object": "kind_object", "array": "kind_array"}


def _detail(error: ValidationError) -> Message:
    """A plain message for one way the file breaks the schema."""
    rule, value = str(error.validator), cast(Any, error.validator_value)
    name = str(error.path[-1]) if error.path else ""
    if rule == "required":
        missing = [n for n in value if isinstance(error.instance, dict)
                   and n not in error.instance] or list(value)
        return Message("scenario_field_missing", field=", ".join(missing))
    if rule == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(cast(Mapping[str, Any], error.schema).get("properties", {}))
        unknown = [n for n in error.instance if n not in allowed]
        return Message("scenario_field_unknown", field=", ".join(unknown),
                       known=", ".join(sorted(allowed)))
    if rule == "type":
        kinds = value if isinstance(value, list) else [value]
        kind: str = (Message(_KINDS[kinds[0]]) if len(kinds) == 1 and kinds[0] in _KINDS
                     else " / ".join(map(str, kinds)))
        message = Message("field_type", kind=kind)
    elif rule == "enum":
        message = Message("field_choose_one", choices=", ".join(str(v) for v in value))
    elif rule in ("minimum", "maximum"):
        message = Message(f"field_{rule}", limit=value)
    elif rule in ("minLength", "maxLength"):
        message = Message("field_min_length" if rule == "minLength" else "field_max_length",
                          limit=value)
    elif rule in ("minItems", "maxItems"):
        message = Message("scenario_min_items" if rule == "minItems" else "scenario_max_items",
                          limit=value)
    else:
        message = text(error.message)
    return Message("scenario_value", field=name or "(isi)", error=message)


def read_scenarios(data: bytes | str, file: str) -> tuple[list[Scenario], list[Problem]]:
    """The scenarios of a file, or the problems that make it unreadable, each at its line
    naming the scenario and step."""
    raw = data.encode() if isinstance(data, str) else bytes(data)
    if len(raw) > MAX_SCENARIO_BYTES:
        return [], [Problem(0, Message("scenario_file_too_large",
                                       limit=f"{MAX_SCENARIO_BYTES:,}"), file)]
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return [], [Problem(raw[: err.start].count(b"\n") + 1, Message("not_utf8"), file)]
    located = _LocatingDecoder()
    try:
        document = located.decode(source)
    except json.JSONDecodeError as err:
        return [], [Problem(err.lineno, Message("form_not_json", detail=err.msg), file)]
    except (ValueError, RecursionError) as err:
        return [], [Problem(0, Message("form_not_json", detail=str(err)), file)]
    lines = _Lines(source, located.starts)
    errors = sorted(_schema_validator().iter_errors(document),
                    key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        found = [Problem(lines.along(document, e.absolute_path),
                         Message("scenario_file_invalid",
                                 where=_where(document, list(e.absolute_path)),
                                 detail=_detail(e)), file) for e in errors[:50]]
        return [], list(dict.fromkeys(found))  # a missing field is reported once
    return _scenarios(document, lines, file)


def _scenarios(document: Any, lines: _Lines, file: str) -> tuple[list[Scenario], list[Problem]]:
    found: list[Scenario] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    total = 0
    for entry in document["scenarios"]:
        name, line = entry["name"].strip(), lines.of(entry)
        if name in seen:
            problems.append(Problem(line, Message("scenario_name_twice", scenario=name,
                                                  line=seen[name]), file))
        seen.setdefault(name, line)
        steps: list[ScenarioStep] = []
        for index, step in enumerate(entry["steps"], start=1):
            where = lines.of(step)
            kinds = [kind for kind in ("sop_step", "timer", "message") if kind in step]
            if len(kinds) != 1 or ("timer" in step and "data" in step) or (
                    "task" in step and "sop_step" not in step):
                problems.append(Problem(where, Message("scenario_step_kind", scenario=name,
                                                       index=index), file))
                continue
            steps.append(ScenarioStep(index=index, line=where, sop_step=step.get("sop_step"),
                                      task=step.get("task"), timer=step.get("timer"),
                                      message=step.get("message"),
                                      data=dict(step.get("data", {}))))
        total += len(steps)
        expect = entry["expect"]
        waiting = expect.get("waiting_at")
        if waiting is not None and expect["outcome"] != "open":
            problems.append(Problem(lines.of(expect), Message("scenario_waiting_closed",
                                                              scenario=name), file))
        found.append(Scenario(
            name=name, line=line, steps=tuple(steps), outcome=expect["outcome"],
            expect_line=lines.of(expect),
            path=tuple(expect["path"]) if "path" in expect else None,
            waiting_at=tuple(sorted(waiting)) if waiting is not None else None))
    if total > MAX_TOTAL_STEPS:
        problems.append(Problem(0, Message("scenario_too_many_steps", count=f"{total:,}",
                                           limit=f"{MAX_TOTAL_STEPS:,}"), file))
    return (found, []) if not problems else ([], problems)


# --- Running them -----------------------------------------------------------------------

@dataclass(frozen=True)
class _Diagram:
    """What coverage needs of the diagram: its flows in order, which leave a gateway with
    several ways out, and which flows join a pair of elements."""

    flows: tuple[str, ...]
    branches: tuple[str, ...]
    between: Mapping[tuple[str, str], tuple[str, ...]]
    labels: Mapping[str, str]
    # Every flow node (the ends of the flows) and its SOP step, inside subprocesses too.
    nodes: frozenset[str] = frozenset()
    sop: Mapping[str, int] = field(default_factory=dict)


def _diagram(bpmn: bytes) -> _Diagram:
    root, _ = read_xml(bpmn)
    process = root.find("bpmn:process", NS) if root is not None else None
    if process is None:
        return _Diagram((), (), {}, {})
    elements = [n for n in process.iter() if isinstance(n.tag, str) and n.get("id")]
    kinds = {n.get("id"): local(n.tag) for n in elements}
    names = {n.get("id"): " ".join((n.get("name") or "").split()) for n in elements}
    sop = {n.get("id"): int(value) for n in elements
           if (value := properties(n).get("sopStep", "").strip()).isdigit()}
    flows = [n for n in elements if kinds[n.get("id")] == "sequenceFlow"]
    leaving: dict[str, int] = {}
    between: dict[tuple[str, str], list[str]] = {}
    for flow in flows:
        leaving[flow.get("sourceRef")] = leaving.get(flow.get("sourceRef"), 0) + 1
        between.setdefault((flow.get("sourceRef"), flow.get("targetRef")), []).append(
            flow.get("id"))
    branches = tuple(f.get("id") for f in flows
                     if kinds.get(f.get("sourceRef")) in GATEWAYS
                     and leaving[f.get("sourceRef")] > 1)

    def label(flow: Any) -> str:
        ends = [names.get(flow.get(end)) or flow.get(end) for end in ("sourceRef", "targetRef")]
        own = " ".join((flow.get("name") or "").split())
        return f"{own + ': ' if own else ''}{ends[0]} -> {ends[1]}"

    return _Diagram(tuple(f.get("id") for f in flows), branches,
                    {k: tuple(v) for k, v in between.items()},
                    {f.get("id"): label(f) for f in flows},
                    frozenset(end for pair in between for end in pair), sop)


def _taken(workflow: BpmnWorkflow, diagram: _Diagram) -> set[str]:
    """The flows a workflow went along: into each element it reached, from the element
    before it (SpiffWorkflow's own tasks between them, e.g. boundary event splits, skipped)."""
    taken: set[str] = set()
    every = [*workflow.tasks.values(),
             *(t for sub in workflow.subprocesses.values() for t in sub.tasks.values())]
    for task in every:
        if task.state not in (TaskState.COMPLETED, TaskState.READY, TaskState.STARTED):
            continue
        if task.task_spec.name not in diagram.nodes:
            continue
        parent = task.parent
        while parent is not None and parent.task_spec.name not in diagram.nodes:
            parent = parent.parent
        if parent is not None:
            taken.update(diagram.between.get((parent.task_spec.name, task.task_spec.name), ()))
    return taken


class _Failed(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _OutOfTime(Exception):
    pass


def _steps_of(tasks: Iterable[Any], diagram: _Diagram) -> str:
    numbers = sorted({diagram.sop.get(t.task_spec.name, 0) for t in tasks})
    return ", ".join(str(n) if n else "?" for n in numbers)


class _Run:
    """One scenario on a fresh workflow."""

    def __init__(self, scenario: Scenario, definition: ProcessDefinition, diagram: _Diagram,
                 file: str, deadline: float) -> None:
        self.scenario = scenario
        self.definition = definition
        self.diagram = diagram
        self.file = file
        self.deadline = deadline
        self.path: list[int] = []
        self.workflow: BpmnWorkflow | None = None

    def fail(self, line: int, message: Message, element: str = "") -> _Failed:
        return _Failed(Problem(line, message, self.file, element))

    def go(self) -> None:
        """Run every step, then check path and outcome; raise _Failed at the first miss
        (`workflow` is then as far as the scenario got)."""
        scenario = self.scenario
        try:
            self.workflow = workflow = start(self.definition)
        except SandboxError as err:
            raise self.fail(scenario.line, Message("scenario_stopped_at_start",
                                                   scenario=scenario.name,
                                                   error=text(str(err)))) from err
        for step in scenario.steps:
            if time.monotonic() > self.deadline:
                raise _OutOfTime
            self.take(workflow, step)
        self.check_end(workflow)

    def _ready(self, workflow: BpmnWorkflow, step: ScenarioStep, number: int | None,
               spec: str | None) -> Any:
        ready = ready_tasks(workflow)
        expected = number if number is not None else spec
        if not ready:
            raise self.fail(step.line, Message("scenario_ended_early", scenario=self.scenario.name,
                                               index=step.index, expected=expected))
        matching = [t for t in ready if (spec is None or t.task_spec.name == spec) and (
            number is None or self.diagram.sop.get(t.task_spec.name) == number)]
        if not matching:
            raise self.fail(step.line, Message(
                "scenario_went_elsewhere", scenario=self.scenario.name, index=step.index,
                expected=expected, actual=_steps_of(ready, self.diagram)),
                ready[0].task_spec.name)
        if len(matching) > 1:
            raise self.fail(step.line, Message(
                "scenario_step_ambiguous", scenario=self.scenario.name, index=step.index,
                step=expected, tasks=", ".join(t.task_spec.name for t in matching)))
        return matching[0]

    def take(self, workflow: BpmnWorkflow, step: ScenarioStep) -> None:
        name = self.scenario.name
        if step.timer is not None:
            self.timer(workflow, step)
            return
        if step.message is not None:
            self.send(workflow, step, step.message)
            return
        task = self._ready(workflow, step, step.sop_step, step.task)
        spec = task.task_spec.name
        errors = (self.definition.check(spec, dict(step.data)) if spec in self.definition.steps
                  else {})  # a task inside a subprocess: the engine has no form for it
        if errors:
            field_name, messages = next(iter(errors.items()))
            raise self.fail(step.line, Message(
                "scenario_data_invalid", scenario=name, index=step.index,
                step=step.sop_step, field=field_name, error=messages[0]), spec)
        try:
            complete(workflow, task, dict(step.data))
        except SandboxError as err:
            raise self.fail(step.line, Message("scenario_stopped", scenario=name,
                                               index=step.index, step=step.sop_step,
                                               error=text(str(err))), spec) from err
        self.path.append(step.sop_step or 0)

    def timer(self, workflow: BpmnWorkflow, step: ScenarioStep) -> None:
        timers = boundary_timers(self.definition)
        if isinstance(step.timer, str):
            hosts = [host for host, timer in timers.items() if timer == step.timer]
            if not hosts:
                raise self.fail(step.line, Message("scenario_timer_unknown",
                                                   scenario=self.scenario.name,
                                                   index=step.index, timer=step.timer))
            task = self._ready(workflow, step, None, hosts[0])
        else:
            task = self._ready(workflow, step, step.timer, None)
        spec = task.task_spec.name
        boundary = timers.get(spec)
        if boundary is None:
            raise self.fail(step.line, Message("scenario_no_timer", scenario=self.scenario.name,
                                               index=step.index, step=step.timer), spec)
        try:
            fire_timer(workflow, spec, boundary)
        except Conflict as err:
            raise self.fail(step.line, Message("scenario_timer_fired", scenario=self.scenario.name,
                                               index=step.index, timer=boundary), spec) from err
        except SandboxError as err:
            raise self.fail(step.line, Message("scenario_stopped", scenario=self.scenario.name,
                                               index=step.index, step=step.timer,
                                               error=text(str(err))), spec) from err

    def send(self, workflow: BpmnWorkflow, step: ScenarioStep, name: str) -> None:
        """A message arrives (a ticket operation such as a withdrawal), its data the payload."""
        specs = [self.definition.spec, *workflow.subprocess_specs.values()]
        known = [spec.event_definition for process in specs
                 for spec in process.task_specs.values()
                 if isinstance(getattr(spec, "event_definition", None), MessageEventDefinition)
                 and spec.event_definition.name == name]
        if not known:
            raise self.fail(step.line, Message("scenario_message_unknown",
                                               scenario=self.scenario.name, index=step.index,
                                               message=name))
        try:
            workflow.send_event(BpmnEvent(known[0], payload=dict(step.data)))
            advance(workflow)
        except WorkflowException as err:
            raise self.fail(step.line, Message("scenario_message_not_waiting",
                                               scenario=self.scenario.name, index=step.index,
                                               message=name)) from err
        except SandboxError as err:
            raise self.fail(step.line, Message("scenario_stopped", scenario=self.scenario.name,
                                               index=step.index, step=name,
                                               error=text(str(err)))) from err

    def check_end(self, workflow: BpmnWorkflow) -> None:
        scenario = self.scenario
        if scenario.path is not None and tuple(self.path) != scenario.path:
            raise self.fail(scenario.expect_line, Message(
                "scenario_path", scenario=scenario.name,
                expected=", ".join(map(str, scenario.path)),
                actual=", ".join(map(str, self.path))))
        ready = ready_tasks(workflow)
        waiting = _steps_of(ready, self.diagram)
        actual = (Message("scenario_is_closed") if workflow.is_completed()
                  else Message("scenario_is_waiting", steps=waiting or "-"))
        if scenario.outcome == "closed":
            if not workflow.is_completed():
                raise self.fail(scenario.expect_line, Message(
                    "scenario_outcome", scenario=scenario.name,
                    expected=Message("scenario_is_closed"), actual=actual))
            return
        expected_steps = (", ".join(map(str, scenario.waiting_at))
                          if scenario.waiting_at is not None else None)
        if workflow.is_completed() or (expected_steps is not None and expected_steps != waiting):
            raise self.fail(scenario.expect_line, Message(
                "scenario_outcome", scenario=scenario.name,
                expected=Message("scenario_is_waiting", steps=expected_steps or "?"),
                actual=actual))


def run_scenarios(definition: ProcessDefinition, bpmn: bytes, scenarios: Sequence[Scenario],
                  file: str, seconds: float = SCENARIO_SECONDS) -> ScenarioReport:
    """Run each scenario on a fresh workflow of `definition`; the report of all of them."""
    diagram = _diagram(bpmn)
    deadline = time.monotonic() + seconds
    results: list[ScenarioResult] = []
    problems: list[Problem] = []
    for scenario in scenarios:
        run = _Run(scenario, definition, diagram, file, deadline)
        failure: Problem | None = None
        try:
            run.go()
        except _Failed as failed:
            failure = failed.problem
        except _OutOfTime:
            problems.append(Problem(0, Message("scenario_too_slow", seconds=f"{seconds:g}"),
                                    file))
            break
        if failure is not None:
            problems.append(failure)
        # A failed scenario's flows count up to where it failed.
        taken = _taken(run.workflow, diagram) if run.workflow is not None else set()
        results.append(ScenarioResult(scenario.name, failure, frozenset(taken)))
    coverage = Coverage(diagram.flows, diagram.branches,
                        frozenset().union(*(r.taken for r in results)), diagram.labels)
    return ScenarioReport(file, tuple(problems), tuple(results), coverage)


_REPORTS: OrderedDict[tuple[str, str, str], ScenarioReport] = OrderedDict()
_REPORTS_KEPT = 64
_REPORTS_LOCK = threading.Lock()  # web servers deploy from several threads


def check(bpmn: bytes, forms: Mapping[str, Mapping[str, Any]], scenarios: bytes | str,
          file: str, definition: ProcessDefinition | None = None) -> ScenarioReport:
    """Read and run a scenario file against a diagram that passed validation, with the forms
    it resolved to; the same three inputs give the same report at once (cached)."""
    version_id = content_hash(bpmn, forms)
    raw = scenarios.encode() if isinstance(scenarios, str) else bytes(scenarios)
    key = (version_id, hashlib.sha256(raw).hexdigest(), file)
    with _REPORTS_LOCK:
        found = _REPORTS.get(key)
        if found is not None:
            _REPORTS.move_to_end(key)
            return found
    read, problems = read_scenarios(raw, file)
    if problems:
        report = ScenarioReport(file, tuple(problems))
    else:
        report = run_scenarios(definition or build_definition(version_id, bpmn, forms), bpmn,
                               read, file)
    with _REPORTS_LOCK:
        _REPORTS[key] = report
        while len(_REPORTS) > _REPORTS_KEPT:
            _REPORTS.popitem(last=False)
    return report


# --- Walking a draft step by step (the editor's recorder) --------------------------------

@dataclass(frozen=True)
class ReadyStep:
    """A user task waiting after the steps so far: its id, name, SOP step and form."""

    task: str
    name: str
    sop_step: int | None
    form: Mapping[str, Any]


@dataclass(frozen=True)
class Walk:
    """Where the steps so far lead: the failure (None when every step was taken), the SOP
    path done, the steps now ready, and whether the ticket would be closed."""

    failure: Problem | None
    path: tuple[int, ...]
    ready: tuple[ReadyStep, ...]
    closed: bool


def walk(definition: ProcessDefinition, bpmn: bytes, steps: Sequence[Mapping[str, Any]],
         file: str, seconds: float = SCENARIO_SECONDS) -> Walk:
    """Take the given steps (as a scenario file writes them) on a fresh workflow and say
    what is ready next: the recorder asks this after each step the owner fills in."""
    scenario_steps: list[ScenarioStep] = []
    if steps:
        read, problems = read_scenarios(json.dumps({"scenarios": [{
            "name": "-", "steps": list(steps), "expect": {"outcome": "open"}}]}), file)
        if problems:
            return Walk(problems[0], (), (), False)
        scenario_steps = list(read[0].steps)
    scenario = Scenario(name="-", line=0, steps=tuple(scenario_steps), outcome="open",
                        expect_line=0)
    diagram = _diagram(bpmn)
    run = _Run(scenario, definition, diagram, file, time.monotonic() + seconds)
    failure: Problem | None = None
    try:
        run.workflow = workflow = start(definition)
        for step in scenario.steps:
            run.take(workflow, step)
    except SandboxError as err:
        failure = Problem(0, Message("scenario_stopped_at_start", scenario="-",
                                     error=text(str(err))), file)
    except _Failed as failed:
        failure = failed.problem
    workflow_now = run.workflow
    if workflow_now is None:
        return Walk(failure, (), (), False)
    ready = tuple(ReadyStep(task=t.task_spec.name,
                            name=definition.steps[t.task_spec.name].name
                            if t.task_spec.name in definition.steps else t.task_spec.name,
                            sop_step=diagram.sop.get(t.task_spec.name),
                            form=definition.form(t.task_spec.name)
                            if t.task_spec.name in definition.steps else {"type": "object"})
                  for t in ready_tasks(workflow_now))
    return Walk(failure, tuple(run.path), ready, workflow_now.is_completed())
