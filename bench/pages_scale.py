"""Benchmark: the inbox and the ticket page with 1,000 and with 100,000 tickets.

Makes both databases with bench/make_tickets.py (unless they exist), then requests the pages
through the real app (Flask test client, signed in as each role) and prints p50/p95 per page
and database size, and the 100k/1k ratio (targets: p95 <= 50 ms, ratio <= 1.5).

    .venv/bin/python bench/pages_scale.py [--small /tmp/b1k.sqlite3] [--large /tmp/b100k.sqlite3]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask.testing import FlaskClient

from web import create_app
from web.config import DATABASE_EXTENSION

ROUNDS = 60


def ensure(path: Path, tickets: int) -> None:
    if not path.exists():
        subprocess.run([sys.executable, str(Path(__file__).parent / "make_tickets.py"),
                        "--url", f"sqlite:///{path}", "--tickets", str(tickets)], check=True)


def sign_in(client: FlaskClient, username: str) -> None:
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no CSRF token on /masuk"
    answer = client.post("/masuk", data={"username": username, "password": "eskalasi-demo",
                                         "csrf_token": token.group(1)})
    assert answer.status_code in (302, 303), answer.status_code


def timings(client: FlaskClient, url: str) -> list[float]:
    assert client.get(url).status_code == 200, url
    found = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(url)
        found.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return found


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
    finally:
        app.extensions[DATABASE_EXTENSION].dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=Path, default=Path("/tmp/eskalasi-1k.sqlite3"))
    parser.add_argument("--large", type=Path, default=Path("/tmp/eskalasi-100k.sqlite3"))
    args = parser.parse_args()
    ensure(args.small, 1_000)
    ensure(args.large, 100_000)
    small, large = measure(args.small), measure(args.large)
    print(f"{'page':32s} {'1k p50':>8s} {'1k p95':>8s} {'100k p50':>9s} {'100k p95':>9s} "
          f"{'ratio p95':>9s}")
    for name in small:
        (s50, s95), (l50, l95) = small[name], large[name]
        print(f"{name:32s} {s50:7.1f}ms {s95:7.1f}ms {l50:8.1f}ms {l95:8.1f}ms {l95 / s95:9.2f}")


if __name__ == "__main__":
    main()
