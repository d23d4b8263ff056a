"""Benchmark: serializing a ticket's workflow once per change, as the store does.

Runs the happy path on in-memory SpiffWorkflow (processes/escalation.bpmn) and, after each
task, saves the workflow two ways: `dump_workflow` (finished tasks' JSON reused) and from
scratch (SpiffWorkflow's converter, JSON, zlib). Prints the median ms per save of each over
--tickets tickets, and the blob sizes of a closed ticket.

    .venv/bin/python bench/workflow_serialization.py [--tickets 50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_lifecycle import HAPPY_PATH
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.persistence.serializer import SEPARATORS, dump_workflow, workflow_dict
from engine.process.files import DEFAULT_DIAGRAM
from tests.desk import STEP_DATA


def from_scratch(workflow: BpmnWorkflow) -> bytes:
    """The save without reuse: every task converted, then JSON and zlib."""
    return zlib.compress(json.dumps(workflow_dict(workflow), separators=SEPARATORS).encode(), 6)


def one_ticket(spec: Any, save: Callable[[BpmnWorkflow], bytes]) -> tuple[list[float], int]:
    """Seconds per save after each task of the happy path; the closed ticket's blob size."""
    timings = []
    workflow = BpmnWorkflow(spec)
    workflow.do_engine_steps()
    blob = b""
    for step in ["step01_eskalasi", *HAPPY_PATH]:
        [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
        task.set_data(**STEP_DATA[step])
        task.run()
        workflow.do_engine_steps()
        started = time.perf_counter()
        blob = save(workflow)
        timings.append(time.perf_counter() - started)
    return timings, len(blob)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=50)
    args = parser.parse_args()
    spiff = SpiffBpmnParser()
    spiff.add_bpmn_file(str(DEFAULT_DIAGRAM))
    spec = spiff.get_spec("eskalasi_lpse_support")
    reused: list[float] = []
    scratch: list[float] = []
    sizes = {}
    for _ in range(args.tickets):  # interleaved: both see the same machine noise
        timings, sizes["reused"] = one_ticket(spec, dump_workflow)
        reused.extend(timings)
        timings, sizes["scratch"] = one_ticket(spec, from_scratch)
        scratch.extend(timings)
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"saves: {len(reused)} each ({args.tickets} tickets, one save per completed task)")
    print(f"dump_workflow (finished tasks' JSON reused): median "
          f"{statistics.median(reused) * 1000:.3f} ms per save")
    print(f"from scratch (converter, JSON, zlib): median "
          f"{statistics.median(scratch) * 1000:.3f} ms per save")
    print(f"closed ticket's blob: {sizes['reused']:,} bytes (from scratch {sizes['scratch']:,})")


if __name__ == "__main__":
    main()
