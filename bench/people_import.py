"""Putting the service into use: import 600 LPSEs and 20,000 accounts, then sign in.

Builds a fresh database (`eskalasi init --demo`), writes a directory CSV (the shipped
`data/lpse_sample.csv` plus generated LPSEs up to --lpse) and an accounts CSV (--accounts,
mostly Pengguna SPSE, an Admin LPSE per LPSE, a few national agents), and times the same
engine calls `eskalasi lpse import` and `eskalasi users import` make: the first import, and
a second one of the same file (which changes nothing). Every new account gets its
invitation (a token and an outbox mail) in the same transaction. Then it signs in through
the real sign-in form and the API token endpoint (Flask test client, no network) and prints
the median and p95, and the administrator's accounts page with a search over all accounts.

    .venv/bin/python bench/people_import.py
    .venv/bin/python bench/people_import.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text

import engine
from engine.persistence.tables import OutboxRow, UserRow
from tests.conftest import reset_postgres
from web import create_app
from web.config import DATABASE_EXTENSION

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "lpse_sample.csv"
ZONES = ("WIB", "WITA", "WIT")
FIRST = ("Budi", "Siti", "Agus", "Dewi", "Eko", "Rina", "Joko", "Sri", "Andi", "Nur", "Hadi",
         "Wati", "Yusuf", "Lestari", "Bambang", "Ratna", "Fajar", "Intan", "Rudi", "Ayu")
LAST = ("Santoso", "Wulandari", "Pratama", "Hidayat", "Saputra", "Lestari", "Nugroho",
        "Kurniawan", "Siregar", "Harahap", "Simanjuntak", "Manurung", "Tanjung", "Wijaya")
DEMO_PASSWORD = "eskalasi-demo"  # CONTRACT.md: the demo accounts
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def directory_csv(path: Path, count: int) -> list[str]:
    """The sample directory plus generated LPSEs up to `count`; their codes."""
    rows = list(csv.DictReader(SAMPLE.open(encoding="utf-8")))
    for number in range(len(rows), count):
        rows.append({"kode": f"kabupaten-contoh-{number}",
                     "nama": f"LPSE Kabupaten Contoh {number}",
                     "zona_waktu": ZONES[number % 3], "email": f"lpse{number}@contoh.go.id"})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["kode", "nama", "zona_waktu", "email"])
        writer.writeheader()
        writer.writerows(rows[:count])
    return [row["kode"] for row in rows[:count]]


def accounts_csv(path: Path, count: int, codes: list[str]) -> None:
    """`count` accounts: an Admin LPSE per LPSE, 20 national agents, Pengguna SPSE for the rest
    (spread over the LPSEs)."""
    random.seed(12)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")  # as a spreadsheet in Indonesia saves it
        writer.writerow(["username", "nama", "email", "peran", "lpse"])
        for number in range(count):
            name = f"{random.choice(FIRST)} {random.choice(LAST)}"
            if number < len(codes):
                role, lpse = "admin_lpse", codes[number]
            elif number < len(codes) + 20:
                role, lpse = ("helpdesk", "") if number % 2 else ("auditor", "")
            else:
                role, lpse = "pengguna", codes[number % len(codes)]
            writer.writerow([f"akun{number:05d}", name, f"akun{number:05d}@contoh.go.id", role,
                             lpse])


def timed(action: Callable[[], engine.ImportResult]) -> tuple[float, engine.ImportResult]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(label: str, seconds: list[float]) -> None:
    milliseconds = [s * 1000 for s in seconds]
    print(f"{label}: median {statistics.median(milliseconds):.1f} ms, "
          f"p95 {percentile(milliseconds, 0.95):.1f} ms ({len(seconds)} requests)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lpse", type=int, default=600)
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--sign-ins", type=int, default=100)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="people-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'eskalasi.sqlite3'}"
    if url.startswith("postgresql"):
        reset_postgres(url)
    database = engine.Database(url)
    engine.init(database, demo=True)
    operator = engine.command_line_administrator("bench")
    lpse_file, accounts_file = folder / "lpse.csv", folder / "akun.csv"
    codes = directory_csv(lpse_file, args.lpse)
    accounts_csv(accounts_file, args.accounts, codes)
    print(f"database: {database.engine.dialect.name}; files in {folder}")

    def import_directory() -> engine.ImportResult:
        with lpse_file.open("rb") as stream:
            return engine.import_directory(database.uow(), operator, stream)

    def import_accounts() -> engine.ImportResult:
        with accounts_file.open("rb") as stream:
            return engine.import_accounts(database.uow(), operator, stream,
                                          settings=engine.Settings())

    for label, action in (("LPSE import", import_directory),
                          ("LPSE re-import", import_directory),
                          ("accounts import", import_accounts),
                          ("accounts re-import", import_accounts)):
        seconds, result = timed(action)
        assert result.ok, result.problems[:3]
        print(f"{label}: {seconds:.2f} s ({len(result.added)} added, {len(result.updated)} "
              f"updated, {result.unchanged} unchanged)")
    with database.uow() as uow:
        users = uow.session.scalar(select(func.count()).select_from(UserRow))
        mails = uow.session.scalar(select(func.count()).select_from(OutboxRow))
        events = uow.session.scalar(text("SELECT COUNT(*) FROM events WHERE stream = 'people'"))
    print(f"{users} accounts, {mails} invitation mails waiting, {events} people events")
    started = time.perf_counter()
    results = engine.verify_tickets(database.uow())
    print(f"verify --all (people chain of {events} events): "
          f"{'ok' if all(r.ok for r in results) else 'FAILED'} in "
          f"{time.perf_counter() - started:.2f} s")
    database.dispose()
    sign_in(url, folder, args.sign_ins)


def sign_in(url: str, folder: Path, count: int) -> None:
    """Sign in through the form and the token endpoint, over the big accounts table."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench",
                      "ATTACHMENTS_DIR": str(folder / "attachments")})
    users = ["pengguna.bandung", "admin.bandung", "helpdesk.lkpp", "auditor", "admin.sistem"]
    form: list[float] = []
    token: list[float] = []
    for number in range(count):
        client = app.test_client()
        found = TOKEN.search(client.get("/masuk").text)
        assert found
        started = time.perf_counter()
        answer = client.post("/masuk", data={"csrf_token": found.group(1),
                                             "username": users[number % len(users)],
                                             "password": DEMO_PASSWORD})
        form.append(time.perf_counter() - started)
        assert answer.status_code == 302, answer.status_code
        started = time.perf_counter()
        answer = client.post("/api/v1/auth/token", json={"username": users[number % len(users)],
                                                        "password": DEMO_PASSWORD})
        token.append(time.perf_counter() - started)
        assert answer.status_code == 200, answer.status_code
    report("sign-in form POST /masuk", form)
    report("API POST /auth/token", token)
    admin = app.test_client()
    found = TOKEN.search(admin.get("/masuk").text)
    assert found
    admin.post("/masuk", data={"csrf_token": found.group(1), "username": "admin.sistem",
                               "password": DEMO_PASSWORD})
    pages: list[float] = []
    for number in range(20):
        started = time.perf_counter()
        answer = admin.get(f"/admin/akun?q=akun{number:03d}&halaman=1")
        pages.append(time.perf_counter() - started)
        assert answer.status_code == 200
    report("accounts page with a search", pages)
    app.extensions[DATABASE_EXTENSION].dispose()


if __name__ == "__main__":
    main()
