"""Wraps BpmnWorkflow: start a ticket's workflow, list its ready tasks, complete one.

Running the diagram itself lives in engine.process.workflows, shared with the owners'
scenarios (a scenario takes the path a ticket would); this module adds what only tickets
need: what replay reproduces, and the stored state.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.persistence.serializer import dump_workflow, load_workflow
from engine.process.definitions import ProcessDefinition
from engine.process.workflows import (
    BOUNDARY_SPLIT,
    boundary_timers,
    complete,
    find_ready,
    fire_timer,
    ready_tasks,
    script_engine,
    start,
)

__all__ = ["BOUNDARY_SPLIT", "boundary_timers", "complete", "completed_steps", "current_data",
           "dump", "find_ready", "fire_timer", "load", "ready_tasks", "script_engine",
           "snapshot", "start"]


def completed_steps(workflow: BpmnWorkflow) -> list[str]:
    """Spec names of the completed user tasks, in the order they were completed."""
    tasks = workflow.get_tasks(state=TaskState.COMPLETED, manual=True)
    return [t.task_spec.name for t in sorted(tasks, key=lambda t: t.last_state_change)]


def current_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The process data as it stands: of the ready tasks, or of the end when finished."""
    ready = ready_tasks(workflow)
    if ready:
        return dict(ready[0].data)
    if workflow.last_task is not None:
        return dict(workflow.last_task.data)
    return dict(workflow.data)


def snapshot(workflow: BpmnWorkflow) -> dict[str, Any]:
    """What replay must reproduce: completed and pending tasks, the data, finished or not."""
    return {
        "completed": completed_steps(workflow),
        "pending": [t.task_spec.name for t in ready_tasks(workflow)],
        "data": current_data(workflow),
        "finished": workflow.is_completed(),
    }


def dump(workflow: BpmnWorkflow) -> bytes:
    """The workflow's state for the database."""
    return dump_workflow(workflow)


def load(blob: bytes, definition: ProcessDefinition) -> BpmnWorkflow:
    """A stored workflow on its pinned definition."""
    return load_workflow(blob, definition.spec, script_engine())
