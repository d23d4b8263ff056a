"""Benchmark: what running diagram code in evaluator processes costs, before and after.

Prints, from one run, for the sandbox of this tree ("after": a pool of warm evaluator
processes, JSON in and out) and of an older tree ("before", e.g. the commit before the pool:
everything ran in the calling process): the median cost of one gateway condition
(`kewenangan == "LKPP"` over a ticket's task data), of one small script task, of one task
completion on plain SpiffWorkflow with the bundled diagram and the sandbox (its engine steps
evaluate its conditions), and of one task completion through the services with SQLite;
and the after/before ratio of each. Both trees are measured in alternating rounds, each in
a fresh interpreter, so they see the same machine.

    git worktree add /tmp/pool-before <commit>    # or: git archive <commit> | tar -x -C DIR
    .venv/bin/python bench/sandbox_cost.py --before /tmp/pool-before [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent
HAPPY_PATH = ["step02_terima", "step03_kewenangan", "step05_kelengkapan", "step12_penanganan",
              "step13_cek_selesai", "step14_balas_selesai", "step15_periksa",
              "step16_konfirmasi", "step17_tutup"]
KINDS = {
    "condition": "one gateway condition (environment.evaluate)",
    "script": "one script task body (environment.execute)",
    "completion_spiff": "one task completion, SpiffWorkflow + sandbox, in memory",
    "completion_services": "one task completion through the services, SQLite",
}


def measure(conditions: int, tickets: int) -> dict[str, list[float]]:
    """Run in the tree on sys.path: milliseconds per operation, every sample."""
    from engine.sandbox import create_script_engine
    from tests.desk import STEP_DATA

    samples: dict[str, list[float]] = {kind: [] for kind in KINDS}
    script_engine = create_script_engine()
    environment = script_engine.environment
    data: dict[str, Any] = {}
    for step_data in STEP_DATA.values():
        data.update(step_data)

    def timed(kind: str, call: Any) -> None:
        started = time.perf_counter()
        call()
        samples[kind].append((time.perf_counter() - started) * 1000)

    for _ in range(50):  # warm up: compile caches, the pool's first process
        environment.evaluate('kewenangan == "LKPP"', dict(data))
    for _ in range(conditions):
        timed("condition", lambda: environment.evaluate('kewenangan == "LKPP"', data))
        timed("script", lambda: environment.execute("total = rating * 2\nlabel = judul[:10]",
                                                    dict(data)))

    _completions(script_engine, samples, tickets)
    return samples


def _completions(script_engine: Any, samples: dict[str, list[float]], tickets: int) -> None:
    """Task completions on plain SpiffWorkflow and through the services."""
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
    from SpiffWorkflow.util.task import TaskState

    import engine
    from engine.process.files import DEFAULT_DIAGRAM
    from tests.desk import STEP_ACTOR, STEP_DATA
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(DEFAULT_DIAGRAM))
    spec = parser.get_spec("eskalasi_lpse_support")
    for round_ in range(tickets + 1):
        workflow = BpmnWorkflow(spec, script_engine=script_engine)
        workflow.do_engine_steps()
        for step in ["step01_eskalasi", *HAPPY_PATH]:
            started = time.perf_counter()
            [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
            task.set_data(**STEP_DATA[step])
            task.run()
            workflow.do_engine_steps()
            if round_:  # the first ticket warms up
                samples["completion_spiff"].append((time.perf_counter() - started) * 1000)
        assert workflow.is_completed()

    with tempfile.TemporaryDirectory() as folder:
        database = engine.Database(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        engine.init(database, demo=True)
        users = {u: engine.get_user(database.uow(), u)
                 for u in ("admin.bandung", "pengguna.bandung", "helpdesk.lkpp")}
        for round_ in range(tickets + 1):
            ticket = engine.open_ticket(database.uow(), users["admin.bandung"],
                                        "pengguna.bandung", STEP_DATA["step01_eskalasi"])
            for step in HAPPY_PATH:
                actor = users[STEP_ACTOR.get(step, "helpdesk.lkpp")]
                task_id = next(t.id for t in ticket.tasks if t.spec_name == step)
                started = time.perf_counter()
                ticket = engine.complete_task(database.uow(), actor, task_id, STEP_DATA[step])
                if round_:
                    samples["completion_services"].append(
                        (time.perf_counter() - started) * 1000)
            assert ticket.status == "closed"
        database.dispose()


def run_tree(tree: Path, conditions: int, tickets: int) -> dict[str, list[float]]:
    """One round in a fresh interpreter that imports the engine from `tree`."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    output = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--measure", str(tree),
         "--conditions", str(conditions), "--tickets", str(tickets)],
        env=env, cwd=tree, check=True, capture_output=True, text=True).stdout
    result: dict[str, list[float]] = json.loads(output.strip().splitlines()[-1])
    return result


def main() -> None:
    """Alternate rounds of both trees; print medians and ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, required=False,
                        help="a checkout of the tree to compare with (the older sandbox)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--conditions", type=int, default=1000)
    parser.add_argument("--tickets", type=int, default=5)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        sys.path.insert(0, str(args.measure))
        print(json.dumps(measure(args.conditions, args.tickets)))
        return
    trees = {"after": HERE}
    if args.before is not None:
        trees = {"before": args.before.resolve(), **trees}
    samples: dict[str, dict[str, list[float]]] = {name: {k: [] for k in KINDS} for name in trees}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            for kind, values in run_tree(tree, args.conditions, args.tickets).items():
                samples[name][kind].extend(values)
    medians = {name: {kind: statistics.median(values) for kind, values in kinds.items()}
               for name, kinds in samples.items()}
    print(f"rounds: {args.rounds}; per round {args.conditions} conditions and scripts, "
          f"{args.tickets} tickets of {1 + len(HAPPY_PATH)} completions")
    for kind, label in KINDS.items():
        line = f"{label}: " + ", ".join(f"{name} median {medians[name][kind]:.3f} ms"
                                       for name in trees)
        if "before" in medians:
            line += f"; ratio after/before {medians['after'][kind] / medians['before'][kind]:.2f}"
        print(line)


if __name__ == "__main__":
    main()
