"""What a SQLite file stores, per table and per index, read from the `dbstat` virtual table.

Used by the benches to print "bytes of SQLite per closed ticket, indexes included": the
file is checkpointed (WAL folded in, no VACUUM) before and after N tickets, and the growth
of the file and of each table and index is divided by N.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Usage:
    """A checkpointed SQLite file: its size and the bytes of pages each object holds."""

    file: int
    free: int
    objects: dict[str, int]


def measure(path: Path | str) -> Usage:
    """Checkpoint the WAL into the file (TRUNCATE, no VACUUM) and read page use per object."""
    with sqlite3.connect(path) as connection:
        busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise RuntimeError("the WAL could not be checkpointed: a reader holds it")
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        free = connection.execute("PRAGMA freelist_count").fetchone()[0] * page_size
        objects = dict(connection.execute(
            "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall())
    connection.close()
    return Usage(file=os.path.getsize(path), free=free, objects=objects)


def per_ticket(before: Usage, after: Usage, tickets: int) -> tuple[float, dict[str, float]]:
    """File growth per ticket, and each object's growth per ticket (largest first)."""
    growth = {name: (size - before.objects.get(name, 0)) / tickets
              for name, size in after.objects.items()}
    ordered = dict(sorted(((n, g) for n, g in growth.items() if g), key=lambda x: -x[1]))
    return (after.file - before.file) / tickets, ordered


def describe(before: Usage, after: Usage, tickets: int, target: int = 16_384) -> str:
    """Lines for a bench's output: the file growth per closed ticket and what makes it up."""
    file_growth, objects = per_ticket(before, after, tickets)
    free = (after.free - before.free) / tickets
    parts = ", ".join(f"{name} {size:,.0f}" for name, size in objects.items())
    return (f"SQLite bytes per closed ticket, indexes included: {file_growth:,.0f} "
            f"(target <= {target:,}; file growth over {tickets} tickets after a WAL "
            f"checkpoint, no VACUUM)\n"
            f"   pages by table and index (dbstat): {parts}; free pages {free:,.0f}")
