"""Load: 50 simulated users of every role working tickets through the JSON API.

Starts `gunicorn -w 4 'web:create_app()'` and `eskalasi worker` on a PostgreSQL database
of its own (dropped and created), adds LPSEs and accounts for the users, then runs the
users as threads for --duration seconds: Admin LPSE open tickets and work their steps,
Pengguna SPSE theirs, Helpdesk LKPP take tasks from their shared inbox (so two of them
sometimes race for one: the loser's 409 is counted as a conflict, not an error), auditors
read tickets, events and verify them, process owners list and validate diagrams. Decisions
are taken at random, so tickets also loop (data requests, not solved, reopened).

Prints completions per second, p50/p95/p99 per endpoint, and errors (5xx, broken
connections, any 4xx other than a lost race); then runs `eskalasi verify --all`.

With --claiming (issue 13) Helpdesk LKPP work as a team does with ownership: go on with the
tasks they hold (`?assignee=me`), else claim one of the ten oldest unclaimed
(`?assignee=none`) before filling it in; a 409 on the claim means someone was quicker, so
they pick another. A lost race is then a completion refused with 409 (work thrown away);
a refused claim costs nothing. --compare runs both ways, one after the other, on fresh
databases and prints the two counts side by side.

    .venv/bin/python bench/load.py [--duration 180] [--users 50] [--workers 4] \
        [--claiming | --compare] \
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/bench_load]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import engine
from bench.http_completion import free_port, recreate_database
from engine.people.passwords import hash_password
from engine.persistence.tables import LpseRow, UserRow
from tests.desk import STEP_DATA

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-demo-password"
SECRET = "load-bench-secret"
DIAGRAM = (ROOT / "processes" / "escalation.bpmn").read_bytes()
ID = re.compile(r"/(?:[0-9]+|[0-9a-f]{8}-[0-9a-f-]{27})(?=/|$)")


def shape(path: str) -> str:
    """`/tasks/3f0.../complete?x=1` -> `/tasks/{id}/complete`: one row per endpoint."""
    return ID.sub("/{id}", path.split("?")[0])


@dataclass
class Stats:
    """What every simulated user saw, shared under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    failures: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    completed: list[tuple[str, int, str]] = field(default_factory=list)  # task, ticket, step
    opened: list[int] = field(default_factory=list)
    closed: int = 0

    def note(self, key: str, seconds: float, status: int) -> None:
        with self.lock:
            self.latency[key].append(seconds)
            self.statuses[key][status] += 1

    def fail(self, key: str, what: str) -> None:
        with self.lock:
            self.failures[f"{key}: {what}"] += 1
            if len(self.samples) < 20:
                self.samples.append(f"{key}: {what}")


class Client:
    """One simulated user's HTTP connection to /api/v1 (reopened when the server closes
    it: gunicorn's sync workers answer one request per connection)."""

    def __init__(self, port: int, token: str, stats: Stats) -> None:
        self.port = port
        self.token = token
        self.stats = stats
        self.connection: http.client.HTTPConnection | None = None

    def call(self, method: str, path: str, body: Any = None, raw: bytes | None = None,
             ok: tuple[int, ...] = ()) -> tuple[int, Any]:
        """Send; record latency and status; a status not 2xx and not in `ok` is an error."""
        key = f"{method} {shape(path)}"
        headers = {"Authorization": f"Bearer {self.token}"}
        payload = raw
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        elif raw is not None:
            headers["Content-Type"] = "application/xml"
        started = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.connection.request(method, "/api/v1" + path, payload, headers)
            response = self.connection.getresponse()
            data = response.read()
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
        except (OSError, http.client.HTTPException) as error:
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            self.stats.fail(key, type(error).__name__)
            return 0, None
        self.stats.note(key, time.perf_counter() - started, response.status)
        if not 200 <= response.status < 300 and response.status not in ok:
            self.stats.fail(key, f"{response.status} {data[:120]!r}")
        try:
            return response.status, json.loads(data or b"null")
        except ValueError:
            return response.status, None


def form_data(step: str, rng: random.Random) -> dict[str, Any]:
    """The step's sample data, with the decisions taken at random (loops included)."""
    data = dict(STEP_DATA[step])
    if step == "step03_kewenangan" and rng.random() < 0.1:
        data.update(kewenangan="LPSE", alasan_kewenangan="Pengaturan akun di LPSE.")
    elif step == "step05_kelengkapan":
        data["perlu_data_tambahan"] = rng.random() < 0.25
    elif step == "step08_data_pengguna" and rng.random() < 0.5:
        data.update(perlu_data_pengguna=True, permintaan_ke_pengguna="Kirim tangkapan layar.")
    elif step == "step13_cek_selesai":
        data["masalah_selesai"] = rng.random() < 0.8
    elif step == "step16_konfirmasi" and rng.random() < 0.15:
        data.update(terselesaikan=False, alasan_belum_selesai="Masih gagal unggah.")
    return data


@dataclass
class User:
    """One simulated person: a role, an account, and the loop of what they do."""

    role: str
    username: str
    reporter: str = ""  # for an Admin LPSE: the Pengguna SPSE of their LPSE
    claiming: bool = False  # Helpdesk LKPP: claim a task before filling it in

    def run(self, client: Client, until: float, stats: Stats, seed: int) -> None:
        rng = random.Random(seed)
        act: Callable[[Client, random.Random, Stats], bool] = getattr(self, f"act_{self.role}")
        while time.monotonic() < until:
            busy = act(client, rng, stats)
            time.sleep(rng.uniform(0, 0.05) if busy else rng.uniform(0.1, 0.3))

    def work_task(self, client: Client, rng: random.Random, stats: Stats,
                  pick_from: int = 1) -> bool:
        """Complete one of the first pending tasks; False when there is none."""
        status, found = client.call("GET", f"/tasks?limit={pick_from}")
        if status != 200 or not found["items"]:
            return False
        task = rng.choice(found["items"])
        status, _ = client.call("GET", f"/tasks/{task['id']}", ok=(404,))
        if status != 200:
            return True  # someone else took it meanwhile
        self.complete(client, task, rng, stats)
        return True

    def complete(self, client: Client, task: dict[str, Any], rng: random.Random,
                 stats: Stats) -> None:
        """Complete `task` with made-up form data, counted when it went through (404/409:
        someone else was quicker)."""
        status, ticket = client.call("POST", f"/tasks/{task['id']}/complete",
                                     {"data": form_data(task["step"], rng)}, ok=(404, 409))
        if status == 200:
            with stats.lock:
                stats.completed.append((task["id"], task["ticket_id"], task["step"]))
                stats.closed += ticket["status"] == "closed"

    def read_ticket(self, client: Client, rng: random.Random) -> bool:
        status, found = client.call("GET", "/tickets?limit=20")
        if status != 200 or not found["items"]:
            return False
        client.call("GET", f"/tickets/{rng.choice(found['items'])['id']}")
        return True

    def act_admin(self, client: Client, rng: random.Random, stats: Stats) -> bool:
        if self.work_task(client, rng, stats):
            return True
        if rng.random() < 0.5:
            status, ticket = client.call("POST", "/tickets", {
                "reporter": self.reporter, "data": form_data("step01_eskalasi", rng)})
            if status == 201:
                with stats.lock:
                    stats.opened.append(ticket["id"])
            return True
        return self.read_ticket(client, rng)

    def act_pengguna(self, client: Client, rng: random.Random, stats: Stats) -> bool:
        return self.work_task(client, rng, stats) or (
            rng.random() < 0.3 and self.read_ticket(client, rng))

    def act_helpdesk(self, client: Client, rng: random.Random, stats: Stats) -> bool:
        # Several people work one inbox: each takes one of the oldest ten, so races happen.
        if self.claiming:
            return self.claim_and_work(client, rng, stats)
        return self.work_task(client, rng, stats, pick_from=10)

    def claim_and_work(self, client: Client, rng: random.Random, stats: Stats) -> bool:
        """My held task first; else claim one of the ten oldest unclaimed (409: someone was
        quicker, pick another next round), then complete it."""
        status, found = client.call("GET", "/tasks?assignee=me&limit=1")
        if status != 200:
            return False
        if not found["items"]:
            status, found = client.call("GET", "/tasks?assignee=none&limit=10")
            if status != 200 or not found["items"]:
                return False
            task = rng.choice(found["items"])
            status, _ = client.call("POST", f"/tasks/{task['id']}/claim", ok=(404, 409))
            if status != 200:
                return True
        else:
            task = found["items"][0]
        self.complete(client, task, rng, stats)
        return True

    def act_auditor(self, client: Client, rng: random.Random, stats: Stats) -> bool:
        status, found = client.call("GET", "/tickets?limit=50")
        if status != 200 or not found["items"]:
            return False
        ticket = rng.choice(found["items"])["id"]
        client.call("GET", f"/tickets/{ticket}/events")
        client.call("GET", f"/tickets/{ticket}/verify")
        return False  # reading, with pauses

    def act_owner(self, client: Client, rng: random.Random, stats: Stats) -> bool:
        client.call("GET", "/process-versions")
        if rng.random() < 0.2:
            client.call("POST", "/process-versions/validate", raw=DIAGRAM)
        return False


def cast(users: int, claiming: bool = False) -> list[User]:
    """About half the users are LPSE pairs (admin + user); the rest Helpdesk LKPP, auditors
    and process owners."""
    pairs = max(1, users * 12 // 50)
    helpdesk = max(1, users * 14 // 50)
    auditors = max(1, users * 6 // 50)
    owners = max(1, users - 2 * pairs - helpdesk - auditors)
    cast = []
    for number in range(pairs):
        cast.append(User("admin", f"admin.load{number:02d}", f"pengguna.load{number:02d}"))
        cast.append(User("pengguna", f"pengguna.load{number:02d}"))
    cast += [User("helpdesk", f"helpdesk.load{n:02d}", claiming=claiming)
             for n in range(helpdesk)]
    cast += [User("auditor", f"auditor.load{n:02d}") for n in range(auditors)]
    cast += [User("owner", f"pemilik.load{n:02d}") for n in range(owners)]
    return cast


ROLE_OF = {"admin": engine.Role.ADMIN, "pengguna": engine.Role.PENGGUNA,
           "helpdesk": engine.Role.HELPDESK, "auditor": engine.Role.AUDITOR,
           "owner": engine.Role.PROCESS_OWNER}


def add_accounts(url: str, people: list[User]) -> None:
    """An LPSE per admin/user pair, and an account for every simulated user."""
    password = hash_password(PASSWORD)
    with engine.Database(url) as database, database.uow() as uow:
        session = uow.session
        lpse_of: dict[str, int] = {}
        for person in people:
            if person.role == "admin":
                number = person.username.removeprefix("admin.load")
                lpse = LpseRow(code=f"load-{number}", name=f"LPSE Beban {number}",
                               timezone="Asia/Jakarta")
                session.add(lpse)
                session.flush()
                lpse_of[number] = lpse.id
        for person in people:
            number = person.username.rsplit(".load", 1)[1]
            lpse_id = lpse_of[number] if person.role in ("admin", "pengguna") else None
            session.add(UserRow(username=person.username, full_name=person.username,
                                role=ROLE_OF[person.role].value, lpse_id=lpse_id,
                                password_hash=password, active=True))
        uow.commit()


def sign_in(port: int, people: list[User]) -> dict[str, str]:
    tokens = {}
    for person in people:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("POST", "/api/v1/auth/token",
                           json.dumps({"username": person.username, "password": PASSWORD}),
                           {"Content-Type": "application/json"})
        response = connection.getresponse()
        body = json.loads(response.read())
        assert response.status == 200, body
        tokens[person.username] = body["token"]
        connection.close()
    return tokens


def wait_until_up(port: int, process: subprocess.Popen[bytes], seconds: float = 300) -> float:
    """Wait for the app to answer (workers import the app on a busy machine); seconds taken."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return time.monotonic() - started
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {seconds:.0f} s")


def environment(url: str) -> dict[str, str]:
    return {**os.environ, "ESKALASI_DATABASE_URL": url, "ESKALASI_SECRET_KEY": SECRET,
            "PYTHONPATH": str(ROOT)}


def start_servers(url: str, port: int, workers: int, folder: str,
                  ) -> tuple[subprocess.Popen[bytes], subprocess.Popen[bytes]]:
    """gunicorn with `workers` processes, and the worker for timers and mail."""
    bin_dir = Path(sys.executable).parent
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--timeout", "60", "--log-level", "warning", "web:create_app()"],
        cwd=folder, env=environment(url))
    worker = subprocess.Popen([str(bin_dir / "eskalasi"), "worker", "--interval", "1"],
                              cwd=folder, env=environment(url), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    wait_until_up(port, gunicorn)
    return gunicorn, worker


def run_users(port: int, people: list[User], tokens: dict[str, str], seconds: float,
              stats: Stats, seed: int = 7) -> float:
    """Every simulated user as a thread for `seconds`; the seconds it really took."""
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=person.run,
                                args=(Client(port, tokens[person.username], stats), until,
                                      stats, seed * 1000 + index), daemon=True)
               for index, person in enumerate(people)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


COMPLETE, CLAIM = "POST /tasks/{id}/complete", "POST /tasks/{id}/claim"


def lost_races(stats: Stats) -> int:
    """Completions refused with 409: work someone filled in and lost."""
    return stats.statuses[COMPLETE][409]


def report(stats: Stats, elapsed: float) -> int:
    """Print the figures; the number of errors."""
    completions = len(stats.completed) + len(stats.opened)
    requests = sum(len(v) for v in stats.latency.values())
    conflicts = lost_races(stats)
    errors = sum(stats.failures.values())
    print(f"ran {elapsed:.0f} s: {requests:,} requests ({requests / elapsed:.1f}/s), "
          f"{completions:,} completions = {len(stats.opened):,} tickets opened + "
          f"{len(stats.completed):,} tasks completed ({completions / elapsed:.1f}/s), "
          f"{stats.closed:,} tickets closed")
    print(f"lost races (completions refused with 409: work thrown away): {conflicts}")
    print(f"claims refused (409 on claim: someone was quicker, nothing lost): "
          f"{stats.statuses[CLAIM][409]}")
    print(f"errors (5xx, broken connections, other 4xx): {errors}")
    print(f"{'endpoint':44s} {'count':>7s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s}  "
          f"statuses")
    for key in sorted(stats.latency):
        values = stats.latency[key]
        codes = " ".join(f"{code}:{n}" for code, n in sorted(stats.statuses[key].items()))
        print(f"{key:44s} {len(values):7d} {percentile(values, 0.5) * 1000:8.1f} "
              f"{percentile(values, 0.95) * 1000:8.1f} {percentile(values, 0.99) * 1000:8.1f}"
              f"  {codes}")
    for sample in stats.samples:
        print(f"  error: {sample}")
    return errors


def verify_all(url: str) -> tuple[int, str]:
    """`eskalasi verify --all`: its exit status and last line."""
    done = subprocess.run([str(Path(sys.executable).parent / "eskalasi"), "verify", "--all"],
                          env=environment(url), capture_output=True, text=True, check=False)
    lines = (done.stdout + done.stderr).strip().splitlines()
    return done.returncode, lines[-1] if lines else ""


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=180, help="seconds of load")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--claiming", action="store_true",
                        help="Helpdesk LKPP claim a task before completing it (issue 13)")
    parser.add_argument("--compare", action="store_true",
                        help="run without claiming, then with, and compare lost races")
    parser.add_argument("--postgres", default=os.environ.get(
        "ESKALASI_LOAD_DATABASE_URL",
        "postgresql+psycopg://postgres@127.0.0.1:5432/bench_load"))
    args = parser.parse_args()
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    modes = [False, True] if args.compare else [args.claiming]
    results = []
    for claiming in modes:
        print(f"--- {'with' if claiming else 'without'} claiming ---")
        results.append(run_once(args, claiming))
    if args.compare:
        (lost_before, _), (lost_after, _) = results
        print(f"lost races: {lost_before} without claiming, {lost_after} with claiming")
    sys.exit(1 if any(failed for _, failed in results) else 0)


def run_once(args: argparse.Namespace, claiming: bool) -> tuple[int, bool]:
    """One load run on a fresh database: (lost races, whether anything failed)."""
    people = cast(args.users, claiming)
    print(f"{len(people)} users: " + ", ".join(
        f"{n} {role}" for role, n in Counter(p.role for p in people).items()))
    recreate_database(args.postgres)
    with engine.Database(args.postgres) as database:
        engine.init(database, demo=True)
    add_accounts(args.postgres, people)
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        gunicorn, worker = start_servers(args.postgres, port, args.workers, folder)
        try:
            tokens = sign_in(port, people)
            stats = Stats()
            elapsed = run_users(port, people, tokens, args.duration, stats)
        finally:
            stop(gunicorn)
            stop(worker)
    errors = report(stats, elapsed)
    status, line = verify_all(args.postgres)
    print(f"eskalasi verify --all: exit {status}: {line}")
    return lost_races(stats), bool(errors or status)


if __name__ == "__main__":
    main()
