"""Crash: kill -9 the app servers and the worker in the middle of the load, restart, check.

Runs bench/load.py's simulated users against gunicorn and `eskalasi worker` on PostgreSQL;
every --every seconds it kills the gunicorn master, all its workers and the worker with
SIGKILL (requests in flight die with them), waits a moment, and starts them again; the
users carry on (what fails while the servers are down is counted apart). Then it checks:

1. no completed task lost: every task completion and every ticket opening that a client
   saw answered 2xx is in the database;
2. nothing half-applied: for every ticket, its events, its chain head, its task rows and
   its status agree (a closed ticket has no pending task, an open one has one; every
   completed task row has its event);
3. `eskalasi verify --all` passes (each ticket replays to its stored state).

    .venv/bin/python bench/crash.py [--duration 120] [--every 30] [--users 50] \
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/bench_crash]
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text

import engine
from bench.http_completion import free_port, recreate_database
from bench.load import (
    Stats,
    add_accounts,
    cast,
    report,
    run_users,
    sign_in,
    start_servers,
    stop,
    verify_all,
)


def children(pid: int) -> list[int]:
    """The child processes of `pid` (gunicorn's workers)."""
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(child) for child in found]


def kill_all(pids: list[int]) -> int:
    """SIGKILL each; how many were alive."""
    killed = 0
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
            killed += 1
        except ProcessLookupError:
            pass
    return killed


def check(url: str, stats: Stats) -> list[str]:
    """What is wrong in the database after the crashes (empty: nothing)."""
    problems = []
    database = create_engine(url)
    with database.connect() as connection:
        seen_tasks = [task for task, _, _ in stats.completed]
        done = {row[0] for row in connection.execute(text(
            "SELECT id FROM tasks WHERE completed_at IS NOT NULL"))}
        lost = [task for task in seen_tasks if task not in done]
        if lost:
            problems.append(f"{len(lost)} completions answered 200 are not in the database: "
                            f"{lost[:5]}")
        tickets = {row[0] for row in connection.execute(text("SELECT id FROM tickets"))}
        missing = [ticket for ticket in stats.opened if ticket not in tickets]
        if missing:
            problems.append(f"{len(missing)} tickets answered 201 are missing: {missing[:5]}")
        rows = connection.execute(text("""
            SELECT t.id, t.status, t.event_count, t.last_hash,
                   (SELECT COUNT(*) FROM events e WHERE e.ticket_id = t.id),
                   (SELECT e.hash FROM events e WHERE e.ticket_id = t.id
                     ORDER BY e.seq DESC LIMIT 1),
                   (SELECT COUNT(*) FROM tasks k WHERE k.ticket_id = t.id
                     AND k.completed_at IS NULL),
                   (SELECT COUNT(*) FROM tasks k WHERE k.ticket_id = t.id
                     AND k.completed_at IS NOT NULL),
                   (SELECT COUNT(*) FROM events e WHERE e.ticket_id = t.id
                     AND e.type IN ('ticket_opened', 'task_completed'))
            FROM tickets t""")).all()
    database.dispose()
    for ticket, status, count, head, events, last, pending, completed, steps in rows:
        if count != events or head != last:
            problems.append(f"ticket {ticket}: chain head says {count} events, has {events}")
        if (status == "closed") != (pending == 0):
            problems.append(f"ticket {ticket}: {status} with {pending} pending tasks")
        if completed != steps:
            problems.append(f"ticket {ticket}: {completed} completed task rows, {steps} "
                            f"opening/completion events")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=120, help="seconds of load")
    parser.add_argument("--every", type=float, default=30, help="seconds between crashes")
    parser.add_argument("--down", type=float, default=2, help="seconds the servers stay dead")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--postgres", default=os.environ.get(
        "ESKALASI_CRASH_DATABASE_URL",
        "postgresql+psycopg://postgres@127.0.0.1:5432/bench_crash"))
    args = parser.parse_args()
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    people = cast(args.users)
    recreate_database(args.postgres)
    with engine.Database(args.postgres) as database:
        engine.init(database, demo=True)
    add_accounts(args.postgres, people)
    port = free_port()
    stats = Stats()
    crashes: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        servers = list(start_servers(args.postgres, port, args.workers, folder))
        tokens = sign_in(port, people)
        load = threading.Thread(target=run_users,
                                args=(port, people, tokens, args.duration, stats))
        began = time.monotonic()
        load.start()
        try:
            while load.is_alive():
                load.join(timeout=args.every)
                if not load.is_alive() or time.monotonic() - began > args.duration - 10:
                    continue
                gunicorn, worker = servers
                before = len(stats.completed) + len(stats.opened)
                at = round(time.monotonic() - began)
                victims = [gunicorn.pid, *children(gunicorn.pid), worker.pid]
                killed = kill_all(victims)
                gunicorn.wait()
                worker.wait()
                time.sleep(args.down)
                started = time.monotonic()
                servers = list(start_servers(args.postgres, port, args.workers, folder))
                crashes.append({"at": at, "killed": killed,
                                "completions_before": before,
                                "back_after_s": round(args.down + time.monotonic() - started,
                                                      1)})
                print(f"crash {len(crashes)}: kill -9 of {killed} processes at "
                      f"{crashes[-1]['at']} s; serving again after "
                      f"{crashes[-1]['back_after_s']} s", flush=True)
        finally:
            load.join()
            for server in servers:
                stop(server)
    print()
    report(stats, time.monotonic() - began)
    broken = Counter(key.split(":")[-1].strip() for key in stats.failures.elements())
    print(f"failed while the servers were down or dying: {dict(broken)}")
    problems = check(args.postgres, stats)
    lost = [p for p in problems if "not in the database" in p or "missing" in p]
    print(f"completions answered 2xx: {len(stats.completed) + len(stats.opened)}; "
          f"lost: {lost if lost else 'none'}")
    print(f"half-applied tickets: {len(problems) - len(lost)}")
    for problem in problems[:20]:
        print(f"  {problem}")
    status, line = verify_all(args.postgres)
    print(f"eskalasi verify --all: exit {status}: {line}")
    sys.exit(1 if problems or status else 0)


if __name__ == "__main__":
    main()
