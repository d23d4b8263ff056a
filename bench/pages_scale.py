"""Benchmark: inbox, ticket page, audit search and reports with 1,000 and 100,000 tickets.

Makes both databases with bench/make_tickets.py (unless they exist), then requests the pages
through the real app (Flask test client, signed in as each role: the auditor's search by
number, by LPSE and status, by step, the reports and a ticket's history) and prints p50/p95
per page and the 100k/1k ratio (targets: p95 <= 50 ms, ratio <= 1.5).

    .venv/bin/python bench/pages_scale.py [--small /tmp/b1k.sqlite3] [--large /tmp/b100k.sqlite3]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask.testing import FlaskClient

import engine
from web import create_app
from web.config import DATABASE_EXTENSION

ROUNDS = 60
BUDGET_S = 20  # per page: slow pages get fewer rounds (at least MIN_ROUNDS)
MIN_ROUNDS = 10


def ensure(path: Path, tickets: int) -> None:
    """Make the database when missing; bring one kept from an earlier run to today's schema
    (an older file would answer 503 on the pages that read the newer tables)."""
    if not path.exists():
        subprocess.run([sys.executable, str(Path(__file__).parent / "make_tickets.py"),
                        "--url", f"sqlite:///{path}", "--tickets", str(tickets)], check=True)
        return
    with engine.Database(f"sqlite:///{path}") as database:
        database.upgrade()


def sign_in(client: FlaskClient, username: str) -> None:
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no CSRF token on /masuk"
    answer = client.post("/masuk", data={"username": username, "password": "eskalasi-demo",
                                         "csrf_token": token.group(1)})
    assert answer.status_code in (302, 303), answer.status_code


def timings(client: FlaskClient, url: str) -> list[float]:
    assert client.get(url).status_code == 200, url
    found: list[float] = []
    began = time.perf_counter()
    while len(found) < ROUNDS and (len(found) < MIN_ROUNDS
                                   or time.perf_counter() - began < BUDGET_S):
        started = time.perf_counter()
        response = client.get(url)
        found.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return found


def audit_pages(client: FlaskClient) -> list[tuple[str, str]]:
    """The auditor's search and reports, on a demo ticket both databases hold."""
    search = client.get("/audit/?lpse=1").get_data(as_text=True)
    found = re.search(r'href="/audit/tiket/(\d+)">(ESK-[0-9-]+)<', search)
    assert found, "no ticket in the audit search"
    ticket, number = found.groups()
    return [("audit search", "/audit/"),
            ("audit search by number", f"/audit/?nomor={number}"),
            ("audit search LPSE+status", "/audit/?lpse=1&status=open"),
            ("audit search by step", "/audit/?langkah=12"),
            ("audit reports", "/audit/laporan"),
            ("audit history", f"/audit/tiket/{ticket}")]


def measure(path: Path) -> dict[str, tuple[float, float]]:
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench",
                      "TESTING": True})
    results = {}
    try:
        for username in ("helpdesk.lkpp", "admin.bandung", "pengguna.bandung"):
            client = app.test_client()
            sign_in(client, username)
            inbox = client.get("/tugas").get_data(as_text=True)
            ticket = re.search(r'href="(/tiket/\d+)"', client.get("/tiket").get_data(as_text=True))
            for name, url in (("inbox", "/tugas"), ("ticket page", ticket.group(1) if ticket
                                                    else None)):
                if url is None:
                    continue
                values = timings(client, url)
                results[f"{name} ({username})"] = (statistics.median(values),
                                                   statistics.quantiles(values, n=20)[18])
            assert "data-task-id" in inbox or username != "helpdesk.lkpp"
        client = app.test_client()
        sign_in(client, "auditor")
        for name, url in audit_pages(client):
            values = timings(client, url)
            results[f"{name} (auditor)"] = (statistics.median(values),
                                            statistics.quantiles(values, n=20)[18])
    finally:
        app.extensions[DATABASE_EXTENSION].dispose()
    return results


Figures = dict[str, tuple[float, float]]


def compare_sizes(measure: Callable[[Path], Figures], small: Path, large: Path, heading: str,
                  width: int) -> None:
    """A bench's main: its 1k and 100k databases (--small, --large; made when missing),
    measured, and a table of p50/p95 per row with the 100k/1k ratio of the p95s."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=Path, default=small)
    parser.add_argument("--large", type=Path, default=large)
    args = parser.parse_args()
    ensure(args.small, 1_000)
    ensure(args.large, 100_000)
    small_figures, large_figures = measure(args.small), measure(args.large)
    print(f"{heading:{width}s} {'1k p50':>8s} {'1k p95':>8s} {'100k p50':>9s} {'100k p95':>9s} "
          f"{'ratio p95':>9s}")
    for name in small_figures:
        (s50, s95), (l50, l95) = small_figures[name], large_figures[name]
        print(f"{name:{width}s} {s50:7.1f}ms {s95:7.1f}ms {l50:8.1f}ms {l95:8.1f}ms "
              f"{l95 / s95:9.2f}")


def main() -> None:
    compare_sizes(measure, Path("/tmp/eskalasi-1k.sqlite3"), Path("/tmp/eskalasi-100k.sqlite3"),
                  "page", 32)


if __name__ == "__main__":
    main()
