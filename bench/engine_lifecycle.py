"""Benchmark: task completion through the services (SQLite) against plain SpiffWorkflow.

Prints, from one run: ms per task completion through the services with SQLite persistence;
the same happy-path lifecycle on plain in-memory SpiffWorkflow with the same diagram (the
floor); their ratio (target <= 3); and bytes stored per closed ticket, logical and as SQLite
file growth with indexes (target <= 16 KB; bench/sqlite_size.py).

    .venv/bin/python bench/engine_lifecycle.py [--tickets 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import text
from sqlite_size import describe, measure

import engine
from engine.process.files import DEFAULT_DIAGRAM
from tests.desk import STEP_ACTOR, STEP_DATA

HAPPY_PATH = ["step02_terima", "step03_kewenangan", "step05_kelengkapan", "step12_penanganan",
              "step13_cek_selesai", "step14_balas_selesai", "step15_periksa",
              "step16_konfirmasi", "step17_tutup"]


def services_run(database: engine.Database, users: dict[str, engine.User],
                 cpu: list[float] | None = None) -> list[float]:
    """One ticket through the services; seconds per completion (opening included), and
    this process's CPU seconds per completion appended to `cpu`."""
    timings = []
    started, used = time.perf_counter(), time.process_time()
    ticket = engine.open_ticket(database.uow(), users["admin.bandung"], "pengguna.bandung",
                                STEP_DATA["step01_eskalasi"])
    timings.append(time.perf_counter() - started)
    if cpu is not None:
        cpu.append(time.process_time() - used)
    for step in HAPPY_PATH:
        actor = users[STEP_ACTOR.get(step, "helpdesk.lkpp")]
        task_id = next(t.id for t in ticket.tasks if t.spec_name == step)
        started, used = time.perf_counter(), time.process_time()
        ticket = engine.complete_task(database.uow(), actor, task_id, STEP_DATA[step])
        timings.append(time.perf_counter() - started)
        if cpu is not None:
            cpu.append(time.process_time() - used)
    assert ticket.status == "closed"
    return timings


def floor_run(spec: Any, cpu: list[float] | None = None) -> list[float]:
    """The same lifecycle on plain in-memory SpiffWorkflow; seconds per completion (and
    CPU seconds per completion appended to `cpu`)."""
    timings = []
    workflow = BpmnWorkflow(spec)
    workflow.do_engine_steps()
    for step in ["step01_eskalasi", *HAPPY_PATH]:
        started, used = time.perf_counter(), time.process_time()
        [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
        assert task.task_spec.name == step
        task.set_data(**STEP_DATA[step])
        task.run()
        workflow.do_engine_steps()
        timings.append(time.perf_counter() - started)
        if cpu is not None:
            cpu.append(time.process_time() - used)
    assert workflow.is_completed()
    return timings


def stored_bytes(database: engine.Database) -> dict[str, float]:
    """Logical bytes per closed ticket: workflow, events, task rows."""
    with database.engine.connect() as connection:
        tickets = connection.execute(text("SELECT COUNT(*), SUM(LENGTH(workflow)) + "
                                          "SUM(LENGTH(number) + LENGTH(title) + 64 + 80) "
                                          "FROM tickets")).one()
        events = connection.execute(text(
            "SELECT SUM(LENGTH(stream) + 8 + LENGTH(at) + LENGTH(actor) + LENGTH(role) + "
            "LENGTH(type) + COALESCE(LENGTH(task), 0) + 8 + LENGTH(data) + LENGTH(hash) + "
            "LENGTH(prev_hash)) FROM events WHERE ticket_id IS NOT NULL")).scalar_one()
        tasks = connection.execute(text(
            "SELECT SUM(LENGTH(id) + LENGTH(spec_name) + LENGTH(name) + LENGTH(lane) + 8 * 6) "
            "FROM tasks")).scalar_one()
        workflow = connection.execute(text("SELECT AVG(LENGTH(workflow)) FROM tickets")
                                      ).scalar_one()
    count = tickets[0]
    return {"workflow": float(workflow), "events": events / count, "tasks": tasks / count,
            "total": (tickets[1] + events + tasks) / count}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        database = engine.Database(f"sqlite:///{path}")
        engine.init(database, demo=True)
        users = {u: engine.get_user(database.uow(), u)
                 for u in ("admin.bandung", "pengguna.bandung", "helpdesk.lkpp")}
        parser_ = SpiffBpmnParser()
        parser_.add_bpmn_file(str(DEFAULT_DIAGRAM))
        spec = parser_.get_spec("eskalasi_lpse_support")
        services_run(database, users)  # warm up: parse caches, first connections
        floor_run(spec)
        database.engine.dispose()  # no pooled connection holds the WAL
        before = measure(path)
        service_ms: list[float] = []
        floor_ms: list[float] = []
        service_cpu: list[float] = []
        floor_cpu: list[float] = []
        for _ in range(args.tickets):  # interleaved, so both see the same machine noise
            service_ms.extend(t * 1000 for t in services_run(database, users, service_cpu))
            floor_ms.extend(t * 1000 for t in floor_run(spec, floor_cpu))
        database.engine.dispose()
        after = measure(path)
        sizes = stored_bytes(database)
        database.dispose()
    service, floor = statistics.median(service_ms), statistics.median(floor_ms)
    print(f"tickets: {args.tickets} (happy path, {1 + len(HAPPY_PATH)} tasks each)")
    print(f"services + SQLite: median {service:.2f} ms per task completion "
          f"(p95 {statistics.quantiles(service_ms, n=20)[18]:.2f} ms)")
    print(f"plain SpiffWorkflow in memory: median {floor:.2f} ms per task completion")
    print(f"ratio: {service / floor:.2f} (target <= 3)")
    # CPU time of this process: what the machine's other load does not stretch (but work in
    # other processes, such as sandbox evaluators, is not in it).
    service_cpu_ms = statistics.median(service_cpu) * 1000
    floor_cpu_ms = statistics.median(floor_cpu) * 1000
    print(f"CPU time of this process: services median {service_cpu_ms:.2f} ms, floor "
          f"{floor_cpu_ms:.2f} ms per completion, ratio {service_cpu_ms / floor_cpu_ms:.2f}")
    print(f"bytes per closed ticket: {sizes['total']:,.0f} logical "
          f"(workflow {sizes['workflow']:,.0f}, events {sizes['events']:,.0f}, "
          f"task rows {sizes['tasks']:,.0f})")
    print(describe(before, after, args.tickets))


if __name__ == "__main__":
    main()
