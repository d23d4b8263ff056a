"""Re-pin a running workflow to another process version (SpiffWorkflow's migrate_workflow).

Shared by the migration use case and by replay, so both move a workflow the same way.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.util.diff import (
    SpecDiff,
    WorkflowDiff,
    diff_workflow,
    migrate_workflow,
)
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.errors import SandboxError
from engine.messages import text
from engine.process.definitions import ProcessDefinition

# SpecDiff compares task specs through their serialized form.
_REGISTRY = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)


# Spec diffs by (old spec, new spec): they take tens of milliseconds and depend on the two
# specs alone, which are parsed once per version and never change.
_SPEC_DIFFS: dict[tuple[int, int], tuple[Any, Any, SpecDiff]] = {}


def _spec_diff(old: Any, new: Any) -> SpecDiff:
    found = _SPEC_DIFFS.get((id(old), id(new)))
    if found is None or found[0] is not old or found[1] is not new:
        found = (old, new, SpecDiff(_REGISTRY, old, new))
        if len(_SPEC_DIFFS) > 64:
            _SPEC_DIFFS.clear()
        _SPEC_DIFFS[(id(old), id(new))] = found
    return found[2]


def move(workflow: Any, definition: ProcessDefinition) -> None:
    """Re-pin a workflow to `definition`, in place: tasks are aligned with the new specs by
    id, waiting tasks are reset on them (keeping their ids), then it runs on.

    What `diff_workflow` does for a workflow without subprocesses (the validator refuses
    them), with the spec diff reused across workflows.
    """
    if workflow.subprocesses:
        top, _ = diff_workflow(_REGISTRY, workflow, definition.spec, {})
    else:
        top = WorkflowDiff(workflow, _spec_diff(workflow.spec, definition.spec))
    migrate_workflow(top, workflow, definition.spec)
    try:
        workflow.do_engine_steps()
    except SpiffWorkflowException as err:
        raise SandboxError(text(str(err))) from err
