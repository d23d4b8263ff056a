"""Benchmark: task completion over HTTP through the JSON API (POST /tasks/{id}/complete).

Prints figures, it is not a test:
1. p50 and p95 latency of one client against the app on SQLite, served in-process by
   werkzeug's threaded server (as `eskalasi serve` serves it); target p95 <= 50 ms.
2. completions per second with 8 concurrent clients (processes) against
   `gunicorn -w 4 'web:create_app()'` on PostgreSQL (a scratch database, created and
   dropped); each client takes its own tickets through the happy path; target >= 100/s.
Each figure is the median of --rounds rounds.

    .venv/bin/python bench/http_completion.py [--tickets 20] [--rounds 3] \
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/eskalasi_bench] [--skip-gunicorn]
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

import engine
from tests.desk import STEP_DATA
from web import create_app
from web.config import DATABASE_EXTENSION

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-key"
PASSWORD = os.environ.get("ESKALASI_DEMO_PASSWORD", "eskalasi-demo")
LANE_USER = {"Helpdesk LKPP": "helpdesk.lkpp", "Admin LPSE": "admin.bandung",
             "Pengguna SPSE": "pengguna.bandung"}
HAPPY_PATH_STEPS = 9  # 2, 3, 5, 12, 13, 14, 15, 16, 17


class Client:
    """One keep-alive HTTP connection speaking JSON to /api/v1."""

    def __init__(self, port: int, tokens: dict[str, str] | None = None) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.tokens = tokens or {}

    def call(self, method: str, path: str, user: str | None = None,
             body: Any = None) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if user is not None:
            headers["Authorization"] = f"Bearer {self.tokens[user]}"
        payload = json.dumps(body).encode() if body is not None else None
        for attempt in (1, 2):  # a closed keep-alive connection is reopened once
            try:
                self.connection.request(method, "/api/v1" + path, payload, headers)
                response = self.connection.getresponse()
                return response.status, json.loads(response.read() or b"null")
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def sign_in(self, *usernames: str) -> dict[str, str]:
        for username in usernames:
            status, body = self.call("POST", "/auth/token", None,
                                     {"username": username, "password": PASSWORD})
            assert status == 200, body
            self.tokens[username] = body["token"]
        return self.tokens

    def open_ticket(self) -> dict[str, Any]:
        status, ticket = self.call("POST", "/tickets", "admin.bandung",
                                   {"reporter": "pengguna.bandung",
                                    "data": STEP_DATA["step01_eskalasi"]})
        assert status == 201, ticket
        return dict(ticket)

    def complete_next(self, ticket: dict[str, Any]) -> dict[str, Any]:
        """Complete the ticket's (only) pending task as its lane's user."""
        [task] = ticket["tasks"]
        status, after = self.call("POST", f"/tasks/{task['id']}/complete",
                                  LANE_USER[task["lane"]], {"data": STEP_DATA[task["step"]]})
        assert status == 200, after
        return dict(after)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# 1. One client, SQLite, werkzeug's threaded server in this process ------------------------

def sqlite_round(tickets: int) -> tuple[float, float, int]:
    """p50 and p95 (ms) of completions by one client, and how many were timed."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        with engine.Database(url) as database:
            engine.init(database, demo=True)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, "DEVELOPMENT": True,
                          "ATTACHMENTS_DIR": f"{folder}/attachments"})
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            client = Client(server.server_port)
            client.sign_in(*LANE_USER.values())
            timings = []
            for number in range(tickets + 1):  # the first ticket warms the caches
                ticket = client.open_ticket()
                for _ in range(HAPPY_PATH_STEPS):
                    started = time.perf_counter()
                    ticket = client.complete_next(ticket)
                    if number:
                        timings.append((time.perf_counter() - started) * 1000)
                assert ticket["status"] == "closed"
        finally:
            server.shutdown()
            app.extensions[DATABASE_EXTENSION].dispose()
    return percentile(timings, 0.5), percentile(timings, 0.95), len(timings)


# 2. Eight clients, gunicorn -w 4, PostgreSQL ---------------------------------------------

def client_process(port: int, tokens: dict[str, str], tickets: int, start: Any,
                   results: Any) -> None:
    """Open own tickets, wait for the start, then take them all through the happy path."""
    client = Client(port, tokens)
    opened = [client.open_ticket() for _ in range(tickets)]
    start.wait()  # a barrier: every client has opened its tickets
    began = time.perf_counter()
    done = 0
    for ticket in opened:
        for _ in range(HAPPY_PATH_STEPS):
            ticket = client.complete_next(ticket)
            done += 1
        assert ticket["status"] == "closed"
    results.put((done, began, time.perf_counter()))


def recreate_database(url: str) -> None:
    name = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def drop_database(url: str) -> None:
    name = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def wait_until_up(port: int, process: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/openapi.json")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def gunicorn_round(url: str, clients: int, tickets: int, workers: int) -> float:
    """Completions per second of `clients` concurrent clients."""
    recreate_database(url)
    with engine.Database(url) as database:
        engine.init(database, demo=True)
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
               "--log-level", "warning", "web:create_app()"]
    environment = {**os.environ, "ESKALASI_DATABASE_URL": url, "ESKALASI_SECRET_KEY": SECRET,
                   "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as folder:
        process = subprocess.Popen(command, cwd=folder, env=environment)
        try:
            wait_until_up(port, process)
            tokens = Client(port).sign_in(*LANE_USER.values())
            context = multiprocessing.get_context("spawn")
            start, results = context.Barrier(clients + 1), context.Queue()
            children = [context.Process(target=client_process,
                                        args=(port, tokens, tickets, start, results))
                        for _ in range(clients)]
            for child in children:
                child.start()
            start.wait(timeout=600)
            finished = [results.get(timeout=600) for _ in children]
            for child in children:
                child.join()
        finally:
            process.terminate()
            process.wait(timeout=30)
    drop_database(url)
    done = sum(count for count, _, _ in finished)
    elapsed = max(end for _, _, end in finished) - min(began for _, began, _ in finished)
    return float(done / elapsed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=20, help="tickets per client per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--postgres", default=os.environ.get(
        "ESKALASI_BENCH_DATABASE_URL",
        "postgresql+psycopg://postgres@127.0.0.1:5432/eskalasi_bench"))
    parser.add_argument("--skip-gunicorn", action="store_true")
    args = parser.parse_args()

    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    rounds = [sqlite_round(args.tickets) for _ in range(args.rounds)]
    p50 = statistics.median(r[0] for r in rounds)
    p95 = statistics.median(r[1] for r in rounds)
    print(f"1. one client, SQLite, werkzeug threaded server: {rounds[0][2]} completions "
          f"per round, {args.rounds} rounds")
    print(f"   p50 {p50:.1f} ms, p95 {p95:.1f} ms (median of rounds; target p95 <= 50 ms)  "
          f"rounds: " + ", ".join(f"{a:.1f}/{b:.1f}" for a, b, _ in rounds))
    if args.skip_gunicorn:
        return
    rates = [gunicorn_round(args.postgres, args.clients, args.tickets, args.workers)
             for _ in range(args.rounds)]
    print(f"2. {args.clients} clients, gunicorn -w {args.workers}, PostgreSQL: "
          f"{args.clients * args.tickets * HAPPY_PATH_STEPS} completions per round, "
          f"{args.rounds} rounds")
    print(f"   {statistics.median(rates):.0f} completions/s (median; target >= 100)  "
          f"rounds: " + ", ".join(f"{r:.0f}" for r in rates))


if __name__ == "__main__":
    main()
