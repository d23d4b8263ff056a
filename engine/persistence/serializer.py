"""Workflow state to bytes and back, without the process definition in every save."""

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

FORMAT = "eskalasi-1"


class PinnedWorkflowConverter(BpmnWorkflowConverter):  # type: ignore[misc]
    """Leaves the spec out of the dict; the ticket's pinned process version supplies it."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def restore(self, dct: dict[str, Any], spec: Any, script_engine: Any) -> BpmnWorkflow:
        """Rebuild a workflow from `to_dict` output and its (shared, parsed) spec."""
        workflow = self.target_class(spec, {}, script_engine=script_engine, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _make_converter() -> PinnedWorkflowConverter:
    config = dict(SPIFF_CONFIG)
    config.pop(BpmnWorkflow, None)
    registry = BpmnWorkflowSerializer.configure(config)
    return PinnedWorkflowConverter(BpmnWorkflow, registry)


_CONVERTER = _make_converter()


def dump_workflow(workflow: BpmnWorkflow) -> bytes:
    """Compressed JSON of the workflow's state (tasks and data), no spec."""
    dct = _CONVERTER.to_dict(workflow)
    dct["format"] = FORMAT
    return zlib.compress(json.dumps(dct, separators=(",", ":")).encode(), 6)


def load_workflow(blob: bytes, spec: Any, script_engine: Any) -> BpmnWorkflow:
    """The workflow saved by `dump_workflow`, bound to its pinned spec."""
    dct = json.loads(zlib.decompress(blob))
    if dct.pop("format", None) != FORMAT:
        raise ValueError("unknown workflow serialization format")
    return _CONVERTER.restore(dct, spec, script_engine)
