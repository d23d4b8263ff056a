"""Running a process definition with SpiffWorkflow: start, complete a user task, fire a
boundary timer. Tickets (engine.tickets.runtime) and the owners' scenarios
(engine.process.scenarios) both run diagrams through here, so a scenario takes exactly the
path a ticket with the same answers would take.
"""

from __future__ import annotations

import functools
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

from engine.errors import Conflict, SandboxError
from engine.messages import Message, text
from engine.process.definitions import ProcessDefinition
from engine.sandbox import create_script_engine

BOUNDARY_SPLIT = ".BoundaryEventSplit"


@functools.cache
def script_engine() -> Any:
    """The one script engine every workflow uses: the sandbox."""
    return create_script_engine()


def advance(workflow: BpmnWorkflow) -> None:
    """Run the engine steps (conditions, scripts) up to the next wait; a failure is a
    SandboxError that must abort the whole use case."""
    try:
        workflow.do_engine_steps()
    except SpiffWorkflowException as err:
        cause = err.__context__  # the sandbox's reason; SpiffWorkflow names only the expression
        detail = (f"{str(err).strip()} {cause}" if isinstance(cause, SandboxError)
                  and str(cause) not in str(err) else str(err))
        raise SandboxError(text(detail)) from err


def start(definition: ProcessDefinition) -> BpmnWorkflow:
    """A fresh workflow on `definition`, run up to its first user task."""
    workflow = BpmnWorkflow(definition.spec, script_engine=script_engine())
    advance(workflow)
    return workflow


def ready_tasks(workflow: BpmnWorkflow) -> list[SpiffTask]:
    """The user tasks waiting for a person, in a stable order."""
    # A scan of the task maps finds what get_tasks(state=READY, manual=True) finds (a READY
    # task is never below a predicted one nor inside a finished subprocess) without walking
    # the tree, which a completion did several times.
    tasks = [task for tasks in (workflow.tasks, *(sub.tasks for sub in
                                                  workflow.subprocesses.values()))
             for task in tasks.values()
             if task.state == TaskState.READY and task.task_spec.manual]
    return sorted(tasks, key=lambda t: (t.task_spec.name, str(t.id)))


def find_ready(workflow: BpmnWorkflow, *, task_id: str | None = None,
               spec_name: str | None = None) -> SpiffTask:
    """The READY user task with this id (or spec name); Conflict if it is not pending."""
    for task in ready_tasks(workflow):
        if str(task.id) == task_id or (task_id is None and task.task_spec.name == spec_name):
            return task
    raise Conflict(Message("task_not_pending"))


def complete(workflow: BpmnWorkflow, task: SpiffTask, data: dict[str, Any]) -> None:
    """Complete a READY user task with validated data and run on to the next wait."""
    if task.state != TaskState.READY or not task.task_spec.manual:
        raise Conflict(Message("task_not_pending"))
    task.set_data(**data)
    task.run()
    advance(workflow)


_BOUNDARY_TIMERS: dict[str, dict[str, str]] = {}


def boundary_timers(definition: ProcessDefinition) -> dict[str, str]:
    """User task -> the non-interrupting boundary timer event attached to it."""
    found = _BOUNDARY_TIMERS.get(definition.version_id)
    if found is None:
        found = {}
        for spec in definition.spec.task_specs.values():
            if (isinstance(getattr(spec, "event_definition", None), TimerEventDefinition)
                    and getattr(spec, "cancel_activity", True) is False):
                split = spec.inputs[0].name if spec.inputs else ""
                if split.endswith(BOUNDARY_SPLIT):
                    found.setdefault(split.removesuffix(BOUNDARY_SPLIT), spec.name)
        _BOUNDARY_TIMERS[definition.version_id] = found
    return found


def fire_timer(workflow: BpmnWorkflow, task_spec: str, boundary: str) -> None:
    """Fire the boundary timer of the READY user task `task_spec` and run its path.

    The engine decides when (the working-day calendar), not SpiffWorkflow's wall clock, so
    replaying the `timer_fired` event reproduces it exactly.
    """
    task = find_ready(workflow, spec_name=task_spec)
    waiting = [t for t in (task.parent.children if task.parent else [])
               if t.task_spec.name == boundary and t.state == TaskState.WAITING]
    if not waiting:
        raise Conflict(Message("timer_not_waiting", timer=boundary, task=task_spec))
    timer = waiting[0]
    timer.task_spec.event_definition.catch(timer)
    timer.task_spec._update(timer)
    advance(workflow)


def message_definition(definition: ProcessDefinition, message: str) -> Any | None:
    """The diagram's catching event definition of the message named `message` (a ticket
    operation: tiket_ditarik, tiket_duplikat), or None when the version has none."""
    for spec in definition.spec.task_specs.values():
        event = getattr(spec, "event_definition", None)
        if isinstance(event, MessageEventDefinition) and event.name == message:
            return event
    return None


def waits_for_message(workflow: BpmnWorkflow, message: str) -> bool:
    """Whether some event of the workflow is waiting for the message right now."""
    return any(event.name == message for event in workflow.waiting_events())


def send_message(workflow: BpmnWorkflow, definition: ProcessDefinition, message: str) -> None:
    """Deliver the message to the event waiting for it (an interrupting boundary event ends
    its task) and run on; Conflict when nothing waits for it."""
    event = message_definition(definition, message)
    if event is None or not waits_for_message(workflow, message):
        raise Conflict(Message("message_not_waiting", message=message))
    workflow.send_event(BpmnEvent(event, None))
    advance(workflow)
