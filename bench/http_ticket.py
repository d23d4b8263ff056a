"""Benchmark: a whole ticket over HTTP (`eskalasi serve`, SQLite) against plain SpiffWorkflow.

Prints figures, it is not a test. Each round starts `eskalasi serve` on a fresh SQLite file
(`eskalasi init --demo`), and one client drives whole tickets through /api/v1 with bearer
tokens: POST /tickets as admin.bandung, then every task of the happy path (steps 2, 3, 5,
12-17) completed by its lane's demo user until the ticket is closed. Interleaved with them,
the same lifecycle runs on plain in-memory SpiffWorkflow with processes/escalation.bpmn (the
floor, as in bench/engine_lifecycle.py). Per round: the median ms per whole ticket of each,
their ratio (issue 14: target <= 5), what any request costs before the engine works (GET
/api/v1/me), and the SQLite bytes per closed ticket, indexes included (target <= 16 KB).
The summary is the median round (by ratio).

    .venv/bin/python bench/http_ticket.py [--tickets 40] [--rounds 3] [--no-worker]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_lifecycle import floor_run
from http_completion import HAPPY_PATH_STEPS, Client, free_port, wait_until_up
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from sqlite_size import describe, measure

from engine.process.files import DEFAULT_DIAGRAM

ROOT = Path(__file__).resolve().parent.parent
ESKALASI = str(Path(sys.executable).with_name("eskalasi"))
SECRET = "bench-secret-key"
TARGET_RATIO = 5


@dataclass(frozen=True)
class Round:
    """One server's figures: ms per whole ticket over HTTP and on the floor, bytes."""

    http_ms: float
    floor_ms: float
    request_ms: float
    me_ms: float
    size: str
    server_cpu_ms: float
    floor_cpu_ms: float

    @property
    def ratio(self) -> float:
        return self.http_ms / self.floor_ms


def whole_ticket(client: Client) -> float:
    """Open a ticket and complete it to closed over HTTP; the seconds it took."""
    started = time.perf_counter()
    ticket = client.open_ticket()
    for _ in range(HAPPY_PATH_STEPS):
        ticket = client.complete_next(ticket)
    elapsed = time.perf_counter() - started
    assert ticket["status"] == "closed", ticket
    assert not ticket["tasks"], ticket
    return elapsed


def floor_ticket(spec: Any, cpu: list[float] | None = None) -> float:
    """The same lifecycle on plain in-memory SpiffWorkflow; the seconds it took (its CPU
    seconds appended to `cpu`)."""
    started, used = time.perf_counter(), time.process_time()
    floor_run(spec)
    if cpu is not None:
        cpu.append(time.process_time() - used)
    return time.perf_counter() - started


def tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a process and its live descendants (Linux /proc: the
    server and its sandbox evaluator processes)."""
    children: dict[int, list[int]] = {}
    used: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += used.get(current, 0.0)
        todo.extend(children.get(current, []))
    return total


def fixed_cost(client: Client, requests: int = 100) -> float:
    """Median ms of GET /api/v1/me: what any request costs before the engine does work."""
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        status, _ = client.call("GET", "/me", "helpdesk.lkpp")
        timings.append((time.perf_counter() - started) * 1000)
        assert status == 200
    return statistics.median(timings)


def one_round(spec: Any, tickets: int, worker: bool) -> Round:
    """A fresh SQLite file and server; `tickets` whole tickets timed after one warm-up."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        environment = {**os.environ, "ESKALASI_DATABASE_URL": f"sqlite:///{path}",
                       "ESKALASI_SECRET_KEY": SECRET, "PYTHONPATH": str(ROOT)}
        subprocess.run([ESKALASI, "init", "--demo"], cwd=folder, env=environment, check=True,
                       stdout=subprocess.DEVNULL)
        port = free_port()
        command = [ESKALASI, "serve", "--port", str(port), *([] if worker else ["--no-worker"])]
        with open(Path(folder) / "serve.log", "wb") as log:
            server = subprocess.Popen(command, cwd=folder, env=environment, stdout=log,
                                      stderr=subprocess.STDOUT)
            try:
                wait_until_up(port, server)
                client = Client(port)
                client.sign_in("admin.bandung", "pengguna.bandung", "helpdesk.lkpp")
                whole_ticket(client)  # warm up: parse caches, first connections
                floor_ticket(spec)
                before = measure(path)
                http_s: list[float] = []
                floor_s: list[float] = []
                floor_cpu: list[float] = []
                server_cpu = 0.0
                for _ in range(tickets):  # interleaved: both see the same machine noise
                    used = tree_cpu(server.pid)
                    http_s.append(whole_ticket(client))
                    server_cpu += tree_cpu(server.pid) - used
                    floor_s.append(floor_ticket(spec, floor_cpu))
                after = measure(path)
                me_ms = fixed_cost(client)
            finally:
                server.terminate()
                server.wait(timeout=30)
    http_ms = statistics.median(http_s) * 1000
    return Round(http_ms=http_ms, floor_ms=statistics.median(floor_s) * 1000,
                 request_ms=http_ms / (1 + HAPPY_PATH_STEPS), me_ms=me_ms,
                 size=describe(before, after, tickets),
                 server_cpu_ms=server_cpu / tickets * 1000,
                 floor_cpu_ms=statistics.mean(floor_cpu) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=40, help="timed tickets per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-worker", action="store_true",
                        help="serve without the background worker thread")
    args = parser.parse_args()
    spiff = SpiffBpmnParser()
    spiff.add_bpmn_file(str(DEFAULT_DIAGRAM))
    spec = spiff.get_spec("eskalasi_lpse_support")

    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"whole ticket: open + {HAPPY_PATH_STEPS} completions to closed, one client, "
          f"{args.tickets} tickets per round, {args.rounds} rounds")
    rounds = []
    for number in range(1, args.rounds + 1):
        result = one_round(spec, args.tickets, worker=not args.no_worker)
        rounds.append(result)
        print(f"round {number}: HTTP {result.http_ms:.1f} ms, floor {result.floor_ms:.2f} ms, "
              f"ratio {result.ratio:.1f}")
    middle = sorted(rounds, key=lambda r: r.ratio)[len(rounds) // 2]
    print(f"eskalasi serve + SQLite over HTTP: median {middle.http_ms:.1f} ms per whole ticket "
          f"({middle.request_ms:.1f} ms per request; GET /api/v1/me alone "
          f"{middle.me_ms:.1f} ms)")
    print(f"plain SpiffWorkflow in memory: median {middle.floor_ms:.2f} ms per whole ticket")
    print(f"ratio: {middle.ratio:.1f} (target <= {TARGET_RATIO}; the median round, both "
          f"figures from it)")
    print(f"CPU time per whole ticket (the machine's other load does not stretch it): server "
          f"and its evaluator processes {middle.server_cpu_ms:.1f} ms (mean; /proc, 10 ms "
          f"ticks), floor {middle.floor_cpu_ms:.2f} ms, ratio "
          f"{middle.server_cpu_ms / middle.floor_cpu_ms:.1f}")
    print(middle.size)


if __name__ == "__main__":
    main()
