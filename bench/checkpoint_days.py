"""Time the day checkpoints over many events, with and without the index on `events.at`.

Fills a fresh database with `--events` audit events spread evenly over `--days` past days
(streams of a few days each, as tickets are), then times `record_checkpoints`: closing
every day at once, a round when every day is closed already (what each worker process and
each web process pays once a day), and closing one new day.

    .venv/bin/python bench/checkpoint_days.py --url sqlite:////tmp/cp.sqlite3
    .venv/bin/python bench/checkpoint_days.py --url sqlite:////tmp/cp.sqlite3 --no-index
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text

import engine
from engine.evidence import chain
from engine.persistence.tables import EventRow

STREAM_DAYS = 3  # a ticket's events span a few days


def fill(database: engine.Database, events: int, days: int, start: datetime,
         first_stream: int = 1) -> None:
    """`events` events over `days` days from `start`, on streams of STREAM_DAYS days each."""
    per_day = events // days
    streams_per_day = max(per_day // 10, 1)  # ten events a stream a day
    batch: list[dict[str, Any]] = []
    seqs: dict[str, int] = {}
    for day in range(days):
        for n in range(per_day):
            # A stream lives STREAM_DAYS days, then the next one takes its place.
            number = (day // STREAM_DAYS) * streams_per_day + n % streams_per_day + first_stream
            stream = f"ticket:{number}"
            seq = seqs[stream] = seqs.get(stream, 0) + 1
            at = start + timedelta(days=day, seconds=n * 80_000 // per_day)
            batch.append({"stream": stream, "ticket_id": None, "seq": seq,
                          "at": chain.timestamp(at), "actor": "bench", "role": "system",
                          "type": "step_overdue", "task": None, "sop_step": None, "data": {},
                          "prev_hash": "0" * 64, "hash": f"{seq:064x}"})
            if len(batch) >= 5000:
                with database.engine.begin() as connection:
                    connection.execute(insert(EventRow), batch)
                batch = []
    if batch:
        with database.engine.begin() as connection:
            connection.execute(insert(EventRow), batch)


def timed(label: str, work: Any) -> Any:
    started = time.perf_counter()
    result = work()
    print(f"{label}: {(time.perf_counter() - started) * 1000:,.1f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of an empty database")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=100)
    parser.add_argument("--no-index", action="store_true",
                        help="drop the index on events.at first (as before migration 0007)")
    args = parser.parse_args()
    database = engine.Database(args.url)
    engine.init(database)
    if args.no_index:
        with database.engine.begin() as connection:
            connection.execute(text("DROP INDEX IF EXISTS ix_events_at"))
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=args.days + 1)
    fill(database, args.events, args.days, start)
    if database.engine.dialect.name == "postgresql":
        with database.engine.connect() as connection:
            connection.execute(text("ANALYZE events"))
    print(f"{args.events:,} events over {args.days} days, "
          f"{'without' if args.no_index else 'with'} ix_events_at, {args.url}")
    written = timed("close every day at once",
                    lambda: engine.record_checkpoints(database.uow(), today))
    print(f"  {len(written)} checkpoints")
    timed("every day closed already", lambda: engine.record_checkpoints(database.uow(), today))
    # today's events on new streams, then it is tomorrow
    fill(database, args.events // args.days, 1, today, first_stream=10 * args.events)
    timed("close one new day", lambda: engine.record_checkpoints(
        database.uow(), today + timedelta(days=1)))
    database.dispose()


if __name__ == "__main__":
    main()
