"""Benchmark: the operations dashboard (/dasbor) with 1,000 and 100,000 tickets.

Makes both databases with bench/make_tickets.py (unless they exist; its fresh copies are
upgraded to the current schema), then requests /dasbor through the real app as Helpdesk
LKPP (every LPSE) and an Admin LPSE (their own), and the engine's figures alone, and prints
p50/p95 and the 100k/1k ratio (targets: p95 <= 50 ms, ratio <= 1.5). The views read the
stored figures; the last line is the count itself, paid by one view a minute.

    .venv/bin/python bench/dashboard.py [--small FILE.sqlite3] [--large FILE.sqlite3]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask.testing import FlaskClient

import engine
from bench.pages_scale import compare_sizes, sign_in
from web import create_app
from web.config import DATABASE_EXTENSION

ROUNDS = 60


def timed(action: Callable[[], object], rounds: int = ROUNDS) -> tuple[float, float]:
    """p50 and p95 in milliseconds of `rounds` runs (after one warm-up)."""
    action()
    found = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        found.append((time.perf_counter() - started) * 1000)
    return statistics.median(found), statistics.quantiles(found, n=20)[18]


def measure(path: Path) -> dict[str, tuple[float, float]]:
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench",
                      "TESTING": True})
    database = app.extensions[DATABASE_EXTENSION]
    results = {}
    try:
        for username in ("helpdesk.lkpp", "admin.bandung"):
            client = app.test_client()
            sign_in(client, username)

            def page(client: FlaskClient = client) -> None:
                assert client.get("/dasbor").status_code == 200

            user = engine.get_user(database.uow(), username)

            def figures(user: engine.User = user) -> None:
                engine.dashboard(database.uow(), user)

            def afresh(user: engine.User = user) -> None:
                engine.dashboard(database.uow(), user, now=datetime.now(UTC))

            results[f"/dasbor ({username})"] = timed(page)
            results[f"engine.dashboard ({username})"] = timed(figures)
        # Counting afresh (what a view pays once a minute, when the stored figures expire).
        results["count afresh (every LPSE)"] = timed(afresh, rounds=10)
    finally:
        database.dispose()
    return results


def main() -> None:
    compare_sizes(measure, Path("/tmp/h11-dash-1k.sqlite3"), Path("/tmp/h11-dash-100k.sqlite3"),
                  "what", 36)


if __name__ == "__main__":
    main()
