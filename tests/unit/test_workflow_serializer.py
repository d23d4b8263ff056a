"""The workflow serializer: reusing finished tasks' JSON never changes what is saved."""

from __future__ import annotations

import json
import zlib
from typing import Any

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.persistence import serializer
from engine.process.files import DEFAULT_DIAGRAM
from engine.tickets import runtime
from tests.desk import STEP_DATA

# The first answer at these steps takes the loops back (more data, not solved, not resolved).
DETOURS: dict[str, dict[str, Any]] = {
    "step05_kelengkapan": {"perlu_data_tambahan": True},
    "step08_data_pengguna": {"perlu_data_pengguna": True},
    "step13_cek_selesai": {"masalah_selesai": False},
    "step16_konfirmasi": {"terselesaikan": False},
}


@pytest.fixture(scope="module")
def spec() -> Any:
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(DEFAULT_DIAGRAM))
    return parser.get_spec("eskalasi_lpse_support")


def saved(workflow: BpmnWorkflow) -> dict[str, Any]:
    return dict(json.loads(zlib.decompress(serializer.dump_workflow(workflow))))


def from_scratch(workflow: BpmnWorkflow) -> dict[str, Any]:
    """What SpiffWorkflow's own converter makes of the workflow, nothing reused."""
    return dict(json.loads(json.dumps(serializer.workflow_dict(workflow))))


def test_every_save_along_loops_and_a_timer_equals_a_save_from_scratch(spec: Any) -> None:
    workflow = BpmnWorkflow(spec)
    workflow.do_engine_steps()
    detours = dict(DETOURS)
    fired = False
    for _ in range(60):
        assert saved(workflow) == from_scratch(workflow)
        if workflow.is_completed():
            break
        [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
        name = task.task_spec.name
        if name == "step02_terima" and not fired:  # the reminder timer fires first, once
            runtime.fire_timer(workflow, name, "Timer_02_batas_waktu")
            fired = True
            continue
        runtime.complete(workflow, task, {**STEP_DATA[name], **detours.pop(name, {})})
    assert workflow.is_completed() and fired and not detours
    assert saved(workflow) == from_scratch(workflow)


def test_a_loaded_workflow_saves_and_runs_on_as_the_original(spec: Any) -> None:
    original = BpmnWorkflow(spec)
    original.do_engine_steps()
    for _ in range(4):
        [task] = original.get_tasks(state=TaskState.READY, manual=True)
        runtime.complete(original, task, STEP_DATA[task.task_spec.name])
    loaded = serializer.load_workflow(serializer.dump_workflow(original), spec, None)

    assert saved(loaded) == saved(original)
    assert runtime.snapshot(loaded) == runtime.snapshot(original)
    for workflow in (original, loaded):
        [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
        runtime.complete(workflow, task, STEP_DATA[task.task_spec.name])
    assert runtime.snapshot(loaded) == runtime.snapshot(original)
    assert saved(loaded) == from_scratch(loaded)


def test_a_finished_task_changed_after_its_save_is_serialized_again(spec: Any) -> None:
    workflow = BpmnWorkflow(spec)
    workflow.do_engine_steps()
    [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
    runtime.complete(workflow, task, STEP_DATA["step01_eskalasi"])
    saved(workflow)  # the finished tasks' JSON is kept now
    task.last_state_change += 1.0

    assert saved(workflow) == from_scratch(workflow)


@pytest.mark.parametrize("change", ["own data", "parent data", "internal data"])
def test_a_predicted_task_whose_data_changed_after_its_save_is_serialized_again(
        spec: Any, change: str) -> None:
    workflow = BpmnWorkflow(spec)
    workflow.do_engine_steps()
    saved(workflow)  # the predicted tasks' JSON (no data, empty delta) is kept now
    task = next(t for t in workflow.get_tasks(state=TaskState.PREDICTED_MASK)
                if t.parent is not None and t.parent.has_state(TaskState.PREDICTED_MASK))
    holder = {"own data": task.data, "parent data": task.parent.data,
              "internal data": task.internal_data}[change]
    holder["catatan"] = "diubah tanpa ganti status"

    assert saved(workflow) == from_scratch(workflow)
