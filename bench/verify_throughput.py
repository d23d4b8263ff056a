"""Verify throughput: `eskalasi verify --all` over N closed tickets, tickets per second.

Closes real tickets through the services along every path of the SOP (LPSE authority,
the data-request loop once and twice, with and without the SPSE user, "not solved" once and
twice, every rating), then clones them with re-chained events until there are N, writes the
day checkpoints, and times `engine.verify_tickets` over all of them (one process, one core).

    .venv/bin/python bench/verify_throughput.py --tickets 10000 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

import engine
from bench.make_tickets import add_lpses, clone
from engine.evidence.checkpoints import record_checkpoints
from engine.persistence.tables import TicketRow
from tests.desk import Desk

Step = str | tuple[str, dict[str, object]]
DATA_LOOP: list[Step] = [("step05_kelengkapan", {"perlu_data_tambahan": True}),
                         "step06_minta_data", "step07_terima_permintaan"]
SOLVE: list[Step] = ["step12_penanganan", "step13_cek_selesai", "step14_balas_selesai",
                     "step15_periksa"]


def paths() -> list[list[Step]]:
    """Step sequences from step 2 to the end, one per kind of closed ticket."""
    found: list[list[Step]] = [["step02_terima", ("step03_kewenangan", {"kewenangan": "LPSE"}),
                                "step04_panduan"]]
    for loops in range(3):
        for user in (False, True):
            for reopened in range(3):
                for rating in (2, 5):
                    steps: list[Step] = ["step02_terima", "step03_kewenangan"]
                    for _ in range(loops):
                        steps += [*DATA_LOOP, ("step08_data_pengguna", {
                            "perlu_data_pengguna": True,
                            "permintaan_ke_pengguna": "Tangkapan layar galat."}
                            if user else {})]
                        if user:
                            steps.append("step09_kirim_data_pengguna")
                        steps += ["step10_kirim_data", "step11_terima_data"]
                    steps.append("step05_kelengkapan")
                    for _ in range(reopened):
                        steps += [*SOLVE, ("step16_konfirmasi", {
                            "terselesaikan": False, "alasan_belum_selesai": "Masih gagal."})]
                    steps += [*SOLVE, "step16_konfirmasi", ("step17_tutup", {"rating": rating})]
                    found.append(steps)
    return found


def seed(database: engine.Database) -> list[int]:
    """One closed ticket per path, opened through the services."""
    desk = Desk(database)
    ids = []
    for steps in paths():
        ticket = desk.run(desk.open(), *steps)
        assert ticket.status == "closed", steps
        ids.append(ticket.id)
    return ids


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", help="SQLAlchemy URL of an empty database (default: a "
                                      "temporary SQLite file)")
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite:///{Path(folder) / 'verify.sqlite3'}"
        database = engine.Database(url)
        engine.init(database, demo=True)
        started = time.perf_counter()
        seeds = seed(database)
        clone(database, seeds, args.tickets, add_lpses(database))
        record_checkpoints(database.uow(), datetime.now(UTC) + timedelta(days=1))
        with database.uow() as uow:
            count = uow.session.scalar(select(func.count()).select_from(TicketRow))
        print(f"{count:,} closed tickets ({len(seeds)} paths) made in "
              f"{time.perf_counter() - started:.0f} s on {database.engine.dialect.name}")
        rates, cpu_rates = [], []
        for _ in range(args.repeat):
            database.workflows.clear()
            started, cpu = time.perf_counter(), time.process_time()
            results = engine.verify_tickets(database.uow())
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            failed = [r for r in results if not r.ok]
            assert not failed, failed[:3]
            rates.append(len(results) / elapsed)
            cpu_rates.append(len(results) / cpu)
            print(f"  {len(results):,} verified in {elapsed:.1f} s ({cpu:.1f} s of CPU): "
                  f"{rates[-1]:,.0f} tickets/s, {cpu_rates[-1]:,.0f} per CPU second")
        # One process on one core: the CPU figure is what the core does when the machine
        # is not shared; the wall-clock figure is what this run saw.
        print(f"verify --all over {count:,} closed tickets: median "
              f"{statistics.median(rates):,.0f} tickets/s wall clock, "
              f"{statistics.median(cpu_rates):,.0f} tickets per CPU second (target >= 200/s)")
        database.dispose()


if __name__ == "__main__":
    main()
