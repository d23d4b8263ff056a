"""Workflow state to bytes and back, without the process definition in every save.

A save writes every task of the workflow, but a finished task (completed, cancelled) does not
change once its parent has finished too: its JSON is kept on the workflow object and reused
by the next save (the workflow cache keeps the object between use cases), so a completion
serializes only the tasks it touched and the ones still open.
"""

from __future__ import annotations

import json
import zlib
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

FORMAT = "eskalasi-1"
SEPARATORS = (",", ":")
# zlib's fastest level: half the time of level 6 on a ticket's workflow, and the row (about
# 3.4 KB instead of 3.1 KB) still takes one page of SQLite either way.
LEVEL = 1
# Where a workflow object keeps tasks' JSON: task id -> (what it was made from, the
# `"<id>":<JSON>` text, whether the task and its parent are finished).
_TASK_JSON = "_eskalasi_task_json"
_Cache = dict[UUID, tuple[tuple[Any, ...], str, bool]]


class PinnedWorkflowConverter(BpmnWorkflowConverter):  # type: ignore[misc]
    """Leaves the spec out of the dict; the ticket's pinned process version supplies it."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def to_json(self, workflow: BpmnWorkflow) -> str:
        """The JSON text of `to_dict` (plus the format), reusing finished tasks' JSON."""
        cache: _Cache = workflow.__dict__.setdefault(_TASK_JSON, {})
        tasks = ",".join(self._task_json(task_id, task, cache)
                         for task_id, task in workflow.tasks.items())
        fields = {
            "data": self.registry.convert(self.registry.clean(workflow.data)),
            "correlations": workflow.correlations,
            "last_task": str(workflow.last_task.id) if workflow.last_task is not None else None,
            "success": workflow.success,
            "completed": workflow.completed,
            "root": str(workflow.task_tree.id),
            "subprocesses": self.mapping_to_dict(workflow.subprocesses),
            "bpmn_events": self.registry.convert(workflow.bpmn_events),
            "format": FORMAT,
        }
        rest = json.dumps(fields, separators=SEPARATORS)
        return f'{{"tasks":{{{tasks}}},{rest[1:]}'

    def _task_json(self, task_id: UUID, task: Task, cache: _Cache) -> str:
        """`"<id>":<the task's JSON>`, reused while what it is made from stays the same."""
        made_from = (task.state, task.last_state_change, task.triggered, tuple(task._children),
                     task.task_spec.name)
        kept = cache.get(task_id)
        if kept is not None and kept[0] == made_from and (kept[2] or _blank(task)):
            return kept[1]
        text = f'"{task_id}":' + json.dumps(self.registry.convert(task), separators=SEPARATORS)
        # Its delta is taken against the parent's data: both must be final to reuse it, or
        # (a predicted task) both empty, checked again on each reuse.
        final = task.has_state(TaskState.FINISHED_MASK) and (
            task.parent is None or task.parent.has_state(TaskState.FINISHED_MASK))
        if final or _blank(task):
            cache[task_id] = (made_from, text, final)
        else:
            cache.pop(task_id, None)
        return text

    def restore(self, dct: dict[str, Any], spec: Any, script_engine: Any) -> BpmnWorkflow:
        """Rebuild a workflow from `to_dict` output and its (shared, parsed) spec."""
        workflow = self.target_class(spec, {}, script_engine=script_engine, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _blank(task: Task) -> bool:
    """No data and no internal data of its own, and a parent without data: the task's JSON
    then follows from what `_task_json` compares (its delta is empty)."""
    return not task.data and not task.internal_data and (
        task.parent is None or not task.parent.data)


def _make_converter() -> PinnedWorkflowConverter:
    config = dict(SPIFF_CONFIG)
    config.pop(BpmnWorkflow, None)
    registry = BpmnWorkflowSerializer.configure(config)
    return PinnedWorkflowConverter(BpmnWorkflow, registry)


_CONVERTER = _make_converter()


def workflow_dict(workflow: BpmnWorkflow) -> dict[str, Any]:
    """What `dump_workflow` saves, as SpiffWorkflow's own converter makes it (nothing reused)."""
    return {**_CONVERTER.to_dict(workflow), "format": FORMAT}


def dump_workflow(workflow: BpmnWorkflow) -> bytes:
    """Compressed JSON of the workflow's state (tasks and data), no spec."""
    return zlib.compress(_CONVERTER.to_json(workflow).encode(), LEVEL)


def load_workflow(blob: bytes, spec: Any, script_engine: Any) -> BpmnWorkflow:
    """The workflow saved by `dump_workflow`, bound to its pinned spec."""
    dct = json.loads(zlib.decompress(blob))
    if dct.pop("format", None) != FORMAT:
        raise ValueError("unknown workflow serialization format")
    return _CONVERTER.restore(dct, spec, script_engine)
