"""Re-pin a running workflow to another process version (SpiffWorkflow's migrate_workflow).

Shared by the migration use case and by replay, so both move a workflow the same way.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.definitions import ProcessDefinition
from engine.errors import SandboxError

# SpecDiff compares task specs through their serialized form.
_REGISTRY = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)


def move(workflow: Any, definition: ProcessDefinition) -> None:
    """Re-pin a workflow to `definition`, in place: tasks are aligned with the new specs by
    id, waiting tasks are reset on them (keeping their ids), then it runs on."""
    top, _ = diff_workflow(_REGISTRY, workflow, definition.spec, {})
    migrate_workflow(top, workflow, definition.spec)
    try:
        workflow.do_engine_steps()
    except SpiffWorkflowException as err:
        raise SandboxError(f"the process could not continue: {err}") from err
