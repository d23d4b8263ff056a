"""Fill a database with many tickets, for measuring pages at scale.

Opens a few dozen real tickets through the services (different steps, several LPSEs), then
clones them with plain SQL until there are N. Clones share their seed's workflow and events
(re-chained under their own stream), so they read like real tickets; completing a clone's
task is not supported (its workflow's task ids belong to the seed).

    .venv/bin/python bench/make_tickets.py --url sqlite:////tmp/100k.sqlite3 --tickets 100000
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select

import engine
from engine.evidence import chain
from engine.people.passwords import hash_password
from engine.persistence.tables import (
    EventRow,
    LpseRow,
    TaskRow,
    TicketRow,
    UserRow,
)
from tests.desk import Desk

LPSE_COUNT = 50
STAGES: list[list[str]] = [
    [],
    ["step02_terima"],
    ["step02_terima", "step03_kewenangan"],
    ["step02_terima", "step03_kewenangan", "step05_kelengkapan", "step12_penanganan",
     "step13_cek_selesai", "step14_balas_selesai"],
    ["step02_terima", "step03_kewenangan", "step05_kelengkapan", "step12_penanganan",
     "step13_cek_selesai", "step14_balas_selesai", "step15_periksa", "step16_konfirmasi",
     "step17_tutup"],
]


def add_lpses(database: engine.Database) -> list[tuple[int, int, int]]:
    """LPSEs with one admin and one user each: (lpse id, admin id, user id)."""
    password = hash_password("eskalasi-demo")
    with database.uow() as uow:
        session = uow.session
        for number in range(LPSE_COUNT):
            code = f"bench-{number:03d}"
            if session.scalar(select(LpseRow).where(LpseRow.code == code)) is None:
                lpse = LpseRow(code=code, name=f"LPSE Uji {number:03d}", timezone="Asia/Jakarta")
                session.add(lpse)
                session.flush()
                for role, prefix in ((engine.Role.ADMIN, "admin"), (engine.Role.PENGGUNA,
                                                                    "pengguna")):
                    session.add(UserRow(username=f"{prefix}.uji{number:03d}", role=role.value,
                                        full_name=f"{role.value} Uji {number:03d}",
                                        lpse_id=lpse.id, password_hash=password))
        uow.commit()
        # Clones go to the bench LPSEs only, so a demo user's own pages hold the same
        # tickets in a small and a large database: what changes is only the table sizes.
        rows = session.execute(
            select(LpseRow.id, UserRow.id, UserRow.role)
            .join(UserRow, UserRow.lpse_id == LpseRow.id)
            .where(LpseRow.code.like("bench-%"))).all()
    found: dict[int, dict[str, int]] = {}
    for lpse_id, user_id, role_name in rows:
        found.setdefault(lpse_id, {})[role_name] = user_id
    return [(lpse, users["Admin LPSE"], users["Pengguna SPSE"])
            for lpse, users in sorted(found.items()) if len(users) == 2]


def seed(database: engine.Database) -> list[int]:
    """Real tickets at every stage, on the demo LPSEs."""
    desk = Desk(database)
    ids = []
    for stage in STAGES:
        for admin, user in (("admin.bandung", "pengguna.bandung"),
                            ("admin.surabaya", "pengguna.surabaya")):
            ticket = desk.open(admin=admin, reporter=user)
            for step in stage:
                actor = {"step15_periksa": user, "step16_konfirmasi": user,
                         "step17_tutup": admin}.get(step, "helpdesk.lkpp")
                ticket = desk.do(ticket, step, username=actor)
            ids.append(ticket.id)
    return ids


def clone(database: engine.Database, seeds: list[int], total: int,
          places: list[tuple[int, int, int]]) -> None:
    """Copy seed tickets (with pending tasks and re-chained events) until `total` exist."""
    with database.engine.begin() as connection:
        tickets = {r.id: r._asdict() for r in connection.execute(
            select(TicketRow).where(TicketRow.id.in_(seeds)))}
        tasks = [r._asdict() for r in connection.execute(
            select(TaskRow).where(TaskRow.ticket_id.in_(seeds), TaskRow.completed_at.is_(None)))]
        events = [r._asdict() for r in connection.execute(
            select(EventRow).where(EventRow.ticket_id.in_(seeds)).order_by(EventRow.seq))]
        next_id = max(tickets) + 1
        existing = connection.execute(select(TicketRow.id)).all()
    batch: dict[str, list[dict[str, Any]]] = {"tickets": [], "tasks": [], "events": []}
    count = len(existing)
    while count < total:
        source = tickets[seeds[count % len(seeds)]]
        lpse, admin, user = places[count % len(places)]
        new_id = next_id
        next_id += 1
        # Spread the clones over time, older first, as real tickets would be.
        shift = timedelta(seconds=(total - count) * 60)
        batch["tickets"].append({**source, "id": new_id, "number": f"ESK-2026-{new_id:06d}",
                                 "lpse_id": lpse, "reporter_id": user, "opened_by_id": admin,
                                 "created_at": source["created_at"] - shift})
        batch["tasks"].extend({**t, "id": str(uuid.uuid4()), "ticket_id": new_id,
                               "lpse_id": lpse, "reporter_id": user,
                               "created_at": t["created_at"] - shift}
                              for t in tasks if t["ticket_id"] == source["id"])
        prev = chain.GENESIS
        stream = f"ticket:{new_id}"
        for event in (e for e in events if e["ticket_id"] == source["id"]):
            fields = {k: event[k] for k in ("seq", "at", "actor", "role", "type", "task",
                                            "sop_step", "data")}
            sealed = chain.seal(stream, prev_hash=prev, **fields)
            batch["events"].append({"stream": stream, "ticket_id": new_id,
                                    **chain.event_columns(sealed)})
            prev = sealed.hash
        batch["tickets"][-1].update(last_hash=prev)
        count += 1
        if len(batch["tickets"]) >= 2000 or count >= total:
            with database.engine.begin() as connection:
                connection.execute(insert(TicketRow), batch["tickets"])
                if batch["tasks"]:
                    connection.execute(insert(TaskRow), batch["tasks"])
                connection.execute(insert(EventRow), batch["events"])
            batch = {"tickets": [], "tasks": [], "events": []}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of the database to fill")
    parser.add_argument("--tickets", type=int, default=100_000)
    args = parser.parse_args()
    started = time.perf_counter()
    database = engine.Database(args.url)
    engine.init(database, demo=True)
    places = add_lpses(database)
    seeds = seed(database)
    clone(database, seeds, args.tickets, places)
    database.dispose()
    print(f"{args.tickets:,} tickets in {args.url} ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
