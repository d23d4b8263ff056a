"""The workflow wrapper: the pending user tasks it finds are SpiffWorkflow's own."""

from __future__ import annotations

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

from engine.process.files import DEFAULT_DIAGRAM
from engine.tickets import runtime
from tests.desk import STEP_DATA

# A user task before, inside and beside an embedded subprocess (after a parallel split).
SUBPROCESS_BPMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"
    targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="first" />
    <bpmn:userTask id="first" />
    <bpmn:sequenceFlow id="f2" sourceRef="first" targetRef="split" />
    <bpmn:parallelGateway id="split" />
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="sub" />
    <bpmn:sequenceFlow id="f4" sourceRef="split" targetRef="beside" />
    <bpmn:subProcess id="sub">
      <bpmn:startEvent id="sub_start" />
      <bpmn:sequenceFlow id="s1" sourceRef="sub_start" targetRef="inside" />
      <bpmn:userTask id="inside" />
      <bpmn:sequenceFlow id="s2" sourceRef="inside" targetRef="sub_end" />
      <bpmn:endEvent id="sub_end" />
    </bpmn:subProcess>
    <bpmn:userTask id="beside" />
    <bpmn:sequenceFlow id="f5" sourceRef="sub" targetRef="join" />
    <bpmn:sequenceFlow id="f6" sourceRef="beside" targetRef="join" />
    <bpmn:parallelGateway id="join" />
    <bpmn:sequenceFlow id="f7" sourceRef="join" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
"""


def spiff_ready(workflow: BpmnWorkflow) -> list[SpiffTask]:
    """SpiffWorkflow's own answer, in the wrapper's order."""
    tasks = workflow.get_tasks(state=TaskState.READY, manual=True)
    return sorted(tasks, key=lambda t: (t.task_spec.name, str(t.id)))


def test_ready_tasks_are_spiffworkflows_along_the_escalation_loops() -> None:
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(DEFAULT_DIAGRAM))
    workflow = BpmnWorkflow(parser.get_spec("eskalasi_lpse_support"))
    workflow.do_engine_steps()
    detours = {"step05_kelengkapan": {"perlu_data_tambahan": True},
               "step08_data_pengguna": {"perlu_data_pengguna": True},
               "step13_cek_selesai": {"masalah_selesai": False}}
    steps = 0
    while not workflow.is_completed():
        ready = runtime.ready_tasks(workflow)
        assert ready == spiff_ready(workflow) and len(ready) == 1
        name = ready[0].task_spec.name
        runtime.complete(workflow, ready[0], {**STEP_DATA[name], **detours.pop(name, {})})
        steps += 1
    assert runtime.ready_tasks(workflow) == spiff_ready(workflow) == []
    assert not detours and steps > 10


def test_ready_tasks_inside_a_subprocess_are_found_and_gone_when_it_ends() -> None:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(SUBPROCESS_BPMN)
    workflow = BpmnWorkflow(parser.get_spec("p"), parser.get_subprocess_specs("p"))
    workflow.do_engine_steps()
    seen = []
    while not workflow.is_completed():
        ready = runtime.ready_tasks(workflow)
        assert ready == spiff_ready(workflow)
        seen.append(sorted(t.task_spec.name for t in ready))
        runtime.complete(workflow, ready[0], {})
    assert seen == [["first"], ["beside", "inside"], ["inside"]]
