"""Ticket search at scale (issue 13): p95 of a search at 1k and at 100k tickets.

Fills a database with tickets fast (plain INSERTs of ticket rows, one pending task each and
their search documents of realistic Indonesian helpdesk text: titles, descriptions with
company names, error and tender codes, answers, internal notes), then times
`engine.find_tickets` (one page of 25, as the list page and the API ask) for a mix of what
people type: a common word, two words, a quoted phrase, a company name, an error code, a
ticket number, a word found nowhere, and an internal note's words; as Helpdesk LKPP (every
ticket visible), as an Admin LPSE (one LPSE's) and as a Pengguna SPSE (their own); and
one page of the list sorted by due time. Targets: p95 <= 50 ms, and the 100k figure
<= 1.5x the 1k figure.

    .venv/bin/python bench/search.py                       # SQLite files under /tmp
    .venv/bin/python bench/search.py --url postgresql+psycopg://postgres@127.0.0.1/bench \\
        --sizes 1000 100000
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, insert, select, text

import engine
from engine.persistence.tables import (
    LpseRow,
    ProcessVersionRow,
    TaskRow,
    TicketRow,
    TicketSearchRow,
    UserRow,
)
from engine.tickets.search_index import LPSE_SCOPE, REPORTER_SCOPE, scope_word

LPSES = 40
BATCH = 2000
REPEAT = 30
# What tickets say, in the words and phrases people use (a phrase's words appear together,
# as in real text: "kata sandi", not "kata" here and "sandi" there).
PHRASES = ("gagal unggah", "dokumen penawaran", "dokumen kualifikasi", "kata sandi",
           "akun terkunci", "tidak bisa masuk", "sertifikat elektronik", "tanda tangan",
           "jadwal tahapan", "evaluasi harga", "negosiasi kontrak", "addendum",
           "server lambat", "halaman kosong", "tombol tidak berfungsi", "versi aplikasi",
           "peramban chrome", "peramban firefox", "unduh berkas", "ukuran melebihi batas",
           "format tidak didukung", "apendo", "spamkodok", "kunci publik",
           "pembukaan sampul", "administrasi teknis", "masa sanggah", "sanggah banding",
           "pengumuman pemenang", "rup", "sirup", "katalog elektronik", "etalase produk",
           "keranjang pesanan", "pembayaran", "data npwp", "nib", "izin usaha", "kbli",
           "lpse", "admin", "helpdesk", "agregasi", "paket", "penyedia", "pokja pemilihan",
           "pengadaan barang", "jasa konsultansi", "pekerjaan konstruksi", "reset",
           "verifikasi", "timeout", "sejak pagi", "mohon bantuan", "sudah dicoba",
           "muncul pesan", "saat", "pada", "dan", "di", "untuk", "yang", "tender", "ulang")
FIRMS = ("Maju", "Jaya", "Sinar", "Abadi", "Karya", "Utama", "Mandiri", "Sejahtera",
         "Bangun", "Persada", "Nusantara", "Prima", "Cipta", "Mulia", "Sentosa",
         "Makmur", "Bersama", "Harapan", "Baru", "Teknik", "Indah", "Lestari", "Agung",
         "Perkasa", "Wijaya", "Kusuma", "Dharma", "Bakti", "Citra", "Kencana",
         "Anugerah", "Mega", "Tirta", "Samudra")
WHO = ("helpdesk.lkpp", "admin.cari000", "pengguna.cari000")
QUERIES = ("unggah", "gagal unggah", '"kata sandi"', "{firm}", "{code}", "{number}",
           "zzqxv", "{note}")


def sentence(rng: random.Random, phrases: int) -> str:
    return " ".join(rng.choice(PHRASES) for _ in range(phrases))


def firm(rng: random.Random) -> str:
    return f"{rng.choice(('PT', 'CV'))} {rng.choice(FIRMS)} {rng.choice(FIRMS)}"


def fill(database: engine.Database, tickets: int, seed: int = 13) -> dict[str, Any]:
    """Add bench tickets until there are `tickets`; what the queries look for."""
    rng = random.Random(seed)
    with database.engine.begin() as connection:
        have = connection.scalar(select(func.count()).select_from(TicketRow)) or 0
        version = connection.scalar(select(ProcessVersionRow.id))
        lpses: list[tuple[int, int]] = []
        for number in range(LPSES):
            code = f"cari-{number:03d}"
            lpse_id = connection.scalar(select(LpseRow.id).where(LpseRow.code == code))
            if lpse_id is None:
                lpse_id = connection.execute(insert(LpseRow).values(
                    code=code, name=f"LPSE Cari {number:03d}", timezone="Asia/Jakarta")
                ).inserted_primary_key[0]  # type: ignore[index]
                connection.execute(insert(UserRow), [
                    {"username": f"pengguna.cari{number:03d}", "lpse_id": lpse_id,
                     "full_name": f"Budi Cari {number:03d}", "active": True,
                     "role": engine.Role.PENGGUNA.value},
                    {"username": f"admin.cari{number:03d}", "lpse_id": lpse_id,
                     "full_name": f"Admin Cari {number:03d}", "active": True,
                     "role": engine.Role.ADMIN.value}])
            reporter = connection.scalar(select(UserRow.id).where(
                UserRow.username == f"pengguna.cari{number:03d}"))
            lpses.append((int(lpse_id), int(reporter or 0)))
        now = datetime.now(UTC)
        start = (connection.scalar(select(func.max(TicketRow.id))) or 0) + 1
        for first in range(start, start + max(0, tickets - have), BATCH):
            rows, tasks, docs = [], [], []
            for ticket_id in range(first, min(first + BATCH, start + tickets - have)):
                lpse_id, reporter = lpses[ticket_id % LPSES]
                title = f"{sentence(rng, 1).capitalize()} {sentence(rng, 2)}"
                ticket_number = f"ESK-2026-{ticket_id:06d}"
                created = now - timedelta(minutes=ticket_id)
                rows.append({"id": ticket_id, "number": ticket_number, "title": title,
                             "status": "open", "lpse_id": lpse_id, "reporter_id": reporter,
                             "opened_by_id": reporter, "process_version_id": version,
                             "created_at": created, "workflow": b"", "event_count": 0,
                             "last_hash": "", "revision": 1})
                tasks.append({"id": f"bench-{ticket_id}", "ticket_id": ticket_id,
                              "spec_name": "step02_terima", "name": "Menerima dan mempelajari",
                              "lane": "Helpdesk LKPP", "sop_step": 2, "lpse_id": lpse_id,
                              "reporter_id": reporter, "created_at": created,
                              "due_at": created + timedelta(hours=rng.randint(1, 96))})
                public = " ".join([
                    scope_word(LPSE_SCOPE, lpse_id), scope_word(REPORTER_SCOPE, reporter),
                    ticket_number, str(ticket_id), title, f"LPSE Cari {lpse_id}", "Budi Cari",
                    rng.choice(("SPSE 4.5", "SPSE 4.4", "e-Katalog", "SiRUP")),
                    f"SPSE-{rng.randint(1, 5000)}", f"{rng.randint(10**7, 10**8 - 1)}",
                    sentence(rng, 8), firm(rng), sentence(rng, 7),
                    sentence(rng, 6)])
                internal = f"{sentence(rng, 4)} catatan-{rng.randint(1, 20000)}"
                docs.append({"ticket_id": ticket_id, "public_text": public,
                             "internal_text": internal})
            connection.execute(insert(TicketRow), rows)
            connection.execute(insert(TaskRow), tasks)
            connection.execute(insert(TicketSearchRow), docs)
        connection.execute(text("ANALYZE"))
        sample = connection.execute(select(TicketSearchRow.public_text,
                                           TicketSearchRow.internal_text)
                                    .order_by(TicketSearchRow.ticket_id.desc()).limit(50)).all()
    return {"sample": [(p.split(), i.split()) for p, i in sample]}


def typed(pattern: str, rng: random.Random, sample: list[tuple[list[str], list[str]]]) -> str:
    public, internal = rng.choice(sample)
    at = next(i for i, word in enumerate(public) if word in ("PT", "CV"))
    code = next(word for word in public if word.startswith("SPSE-"))
    number = next(word for word in public if word.startswith("ESK-"))
    return pattern.format(firm=f'"{" ".join(public[at:at + 3])}"', code=code,
                          number=number, note=internal[-1])


def summary(wall: list[float], cpu: list[float]) -> dict[str, float]:
    """p50 and p95 of the wall and CPU milliseconds of the same calls."""
    wall, cpu = sorted(wall), sorted(cpu)
    at = int(len(wall) * 0.95) - 1
    return {"p50": statistics.median(wall), "p95": wall[at],
            "cpu_p50": statistics.median(cpu), "cpu_p95": cpu[at]}


def measure(database: engine.Database, found: dict[str, Any], username: str) -> dict[str, float]:
    """Milliseconds per search, p50 and p95 over REPEAT rounds of every query: wall time, and
    this process's CPU time (on SQLite all of a search's work; the wall time also holds
    waiting for a CPU on a busy machine)."""
    rng = random.Random(7)
    user = engine.get_user(database.uow(), username)
    wall: list[float] = []
    cpu: list[float] = []
    for round_ in range(REPEAT + 2):
        for pattern in QUERIES:
            query = engine.TicketQuery(text=typed(pattern, rng, found["sample"]))
            started, started_cpu = time.perf_counter(), time.process_time()
            engine.find_tickets(database.uow(), user, query, limit=26)
            if round_ >= 2:  # the first rounds warm caches
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
    return summary(wall, cpu)


def measure_list(database: engine.Database, username: str) -> dict[str, float]:
    """Milliseconds for one page of the list sorted by due time (no words), p50 and p95."""
    user = engine.get_user(database.uow(), username)
    times: list[float] = []
    for round_ in range(REPEAT + 2):
        started = time.perf_counter()
        engine.find_tickets(database.uow(), user, engine.TicketQuery(sort=engine.SORT_DUE),
                            limit=26, offset=26 * (round_ % 4))
        if round_ >= 2:
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1]}


def database_for(url: str, size: int, bench: str = "search") -> engine.Database:
    """A bench's own database (a SQLite file of its own, /tmp/eskalasi-BENCH-SIZE.sqlite3,
    initialised once; PostgreSQL's public schema remade)."""
    if url.startswith("sqlite"):
        path = Path(f"/tmp/eskalasi-{bench}-{size}.sqlite3")
        url = f"sqlite:///{path}"
        if not path.exists():
            engine.init(engine.Database(url), demo=True)
    else:
        with create_engine(url, isolation_level="AUTOCOMMIT").connect() as admin:
            admin.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            admin.execute(text("CREATE SCHEMA public"))
        engine.init(engine.Database(url), demo=True)
    return engine.Database(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="sqlite", help="sqlite (files in /tmp) or a "
                        "PostgreSQL URL (its public schema is dropped and made again)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    args = parser.parse_args()
    figures: dict[int, dict[str, dict[str, float]]] = {}
    print("load average at start: " + " ".join(f"{n:.1f}" for n in os.getloadavg()))
    for size in args.sizes:
        database = database_for(args.url, size)
        started = time.perf_counter()
        found = fill(database, size)
        print(f"{size} tickets ready in {time.perf_counter() - started:.1f} s")
        figures[size] = {who: measure(database, found, who)
                         for who in WHO}
        by_due = measure_list(database, WHO[0])
        print(f"  {size:>7} tickets, list by due time (Helpdesk LKPP, pages 1-4): p50 "
              f"{by_due['p50']:6.2f} ms  p95 {by_due['p95']:6.2f} ms")
        for who, figure in figures[size].items():
            print(f"  {size:>7} tickets, {who:<17} p50 {figure['p50']:6.2f} ms  "
                  f"p95 {figure['p95']:6.2f} ms   (CPU of this process: p50 "
                  f"{figure['cpu_p50']:6.2f} ms, p95 {figure['cpu_p95']:6.2f} ms)")
        database.dispose()
    print("load average at end: " + " ".join(f"{n:.1f}" for n in os.getloadavg()))
    if len(args.sizes) >= 2:
        small, large = min(args.sizes), max(args.sizes)
        for who in figures[large]:
            ratio = figures[large][who]["p95"] / figures[small][who]["p95"]
            verdict = "ok" if figures[large][who]["p95"] <= 50 and ratio <= 1.5 else "MISSED"
            print(f"{who:<17} p95 {small}: {figures[small][who]['p95']:.2f} ms, {large}: "
                  f"{figures[large][who]['p95']:.2f} ms, ratio {ratio:.2f} ({verdict}; "
                  "target <= 50 ms and <= 1.5x)")


if __name__ == "__main__":
    main()
