"""Day checkpoints: each day's chain heads, in a hash chain of their own.

A ticket row keeps its stream's event count and head hash, so deleting events alone is
caught; deleting the newest events *and* rewinding the ticket row is not. A checkpoint,
written once a day has ended (UTC), records for every stream that had events since the day
of the checkpoint before it `[count, head hash]` as they stood at the end of that day.
Checkpoints are chained like events (each hashes the one before), so editing or deleting
one breaks the chain; `eskalasi checkpoint` prints the newest hash, to keep outside the
database, so even a rewritten chain can be told apart from the one printed.

They are written by `eskalasi checkpoint` (or the worker), and after the first ticket
change of a new day, in a transaction of their own so a user's change never waits on one.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.errors import StorageUnavailable
from engine.evidence import chain
from engine.evidence.chain import canonical_json
from engine.persistence.tables import CheckpointRow, EventRow
from engine.persistence.unit_of_work import UnitOfWork

Heads = dict[str, tuple[int, str]]


@dataclass(frozen=True)
class Checkpoint:
    """One day's chain heads, as stored (heads: stream -> [count, head hash])."""

    seq: int
    day: str
    written_at: datetime
    heads: Mapping[str, Sequence[Any]]
    prev_hash: str
    hash: str


def checkpoint_hash(prev_hash: str, seq: int, day: str, heads: Mapping[str, Any]) -> str:
    """SHA-256 over the previous checkpoint's hash and this one's canonical JSON."""
    body = {"seq": seq, "day": day, "heads": heads, "prev_hash": prev_hash}
    return hashlib.sha256(prev_hash.encode() + canonical_json(body)).hexdigest()


def _day_start(day: date) -> str:
    return chain.timestamp(datetime(day.year, day.month, day.day, tzinfo=UTC))


def _heads_at_end_of(session: Session, day: date, since: str | None) -> dict[str, list[Any]]:
    """Each stream with events in [since, end of day): its count and head at the end of day."""
    end = _day_start(day + timedelta(days=1))
    touched = select(EventRow.stream).where(EventRow.at < end)
    if since is not None:
        touched = touched.where(EventRow.at >= since)
    last = (select(EventRow.stream, func.max(EventRow.seq).label("seq"))
            .where(EventRow.at < end, EventRow.stream.in_(touched.distinct()))
            .group_by(EventRow.stream).subquery())
    rows = session.execute(
        select(EventRow.stream, EventRow.seq, EventRow.hash)
        .where(tuple_(EventRow.stream, EventRow.seq).in_(select(last.c.stream, last.c.seq)))
    ).all()
    return {stream: [seq, head] for stream, seq, head in sorted(rows)}


def _days_to_close(session: Session, after: str | None, today: date) -> list[date]:
    """Days before `today` with events and no checkpoint yet (those after the day `after`)."""
    day_of = func.substr(EventRow.at, 1, 10)
    query = select(day_of).where(EventRow.at < _day_start(today)).distinct()
    if after is not None:
        query = query.where(EventRow.at >= _day_start(date.fromisoformat(after)
                                                     + timedelta(days=1)))
    return sorted(date.fromisoformat(day) for day in session.scalars(query))


def record_checkpoints(uow: UnitOfWork, now: datetime | None = None) -> list[Checkpoint]:
    """Write the checkpoint of every ended day that has events and none yet; the new ones."""
    today = (now or datetime.now(UTC)).astimezone(UTC).date()
    written: list[Checkpoint] = []
    with uow:
        session = uow.session
        last = session.scalar(select(CheckpointRow).order_by(CheckpointRow.seq.desc()).limit(1))
        seq, prev = (last.seq, last.hash) if last else (0, chain.GENESIS)
        since = _day_start(date.fromisoformat(last.day)) if last else None
        for day in _days_to_close(session, last.day if last else None, today):
            heads = _heads_at_end_of(session, day, since)
            if not heads:
                continue
            seq += 1
            label = day.isoformat()
            row = CheckpointRow(seq=seq, day=label, written_at=datetime.now(UTC), heads=heads,
                                prev_hash=prev, hash=checkpoint_hash(prev, seq, label, heads))
            session.add(row)
            written.append(_to_checkpoint(row))
            prev, since = row.hash, _day_start(day)
        uow.commit()
    return written


# Per engine (so per database and process): the day whose earlier days are checkpointed.
_closed_through: weakref.WeakKeyDictionary[Engine, date] = weakref.WeakKeyDictionary()
_closed_lock = threading.Lock()


def after_change(uow: UnitOfWork) -> None:
    """After a ticket change: checkpoint the days that ended, once per process and day."""
    close_ended_days(uow.engine)


def close_ended_days(engine: Engine, now: datetime | None = None) -> int:
    """Once per process and day: checkpoint the days that ended (best effort, own
    transaction); how many checkpoints were written. Later calls that day cost nothing.

    Two processes may race for the same day; the loser's insert fails on the unique day and
    is dropped here, since the winner wrote the same checkpoint. After any failure the next
    call tries again.
    """
    today = (now or datetime.now(UTC)).astimezone(UTC).date()
    with _closed_lock:
        if _closed_through.get(engine) == today:
            return 0
        _closed_through[engine] = today
    written: list[Checkpoint] | None = None
    try:
        written = record_checkpoints(UnitOfWork(engine), now)
    except (IntegrityError, StorageUnavailable):
        pass
    finally:
        if written is None:
            with _closed_lock:
                _closed_through.pop(engine, None)
    return len(written or ())


def _to_checkpoint(row: CheckpointRow) -> Checkpoint:
    return Checkpoint(seq=row.seq, day=row.day, written_at=row.written_at, heads=row.heads,
                      prev_hash=row.prev_hash, hash=row.hash)


def list_checkpoints(session: Session) -> list[Checkpoint]:
    """Every checkpoint, oldest first."""
    return [_to_checkpoint(row) for row in
            session.scalars(select(CheckpointRow).order_by(CheckpointRow.seq, CheckpointRow.id))]


def check_checkpoints(checkpoints: Sequence[Checkpoint],
                      anchor: str | None = None) -> tuple[list[str], Heads]:
    """Breaks in the checkpoint chain, and the newest recorded head of every stream."""
    problems: list[str] = []
    heads: Heads = {}
    prev = chain.GENESIS
    for position, checkpoint in enumerate(checkpoints, start=1):
        where = f"checkpoint {checkpoint.seq} ({checkpoint.day})"
        if checkpoint.seq != position:
            problems.append(f"{where}: sequence number should be {position} "
                            f"(a checkpoint was deleted or reordered)")
        if checkpoint.prev_hash != prev:
            problems.append(f"{where}: does not follow the checkpoint before it")
        if checkpoint_hash(checkpoint.prev_hash, checkpoint.seq, checkpoint.day,
                           checkpoint.heads) != checkpoint.hash:
            problems.append(f"{where}: content does not match its hash (it was edited)")
        prev = checkpoint.hash
        for stream, (count, head) in checkpoint.heads.items():
            if count >= heads.get(stream, (0, ""))[0]:
                heads[stream] = (int(count), str(head))
    if anchor and anchor not in {c.hash for c in checkpoints}:
        problems.append(f"no checkpoint has the hash {anchor} kept outside the database "
                        f"(checkpoints were deleted or rewritten)")
    return problems, heads


def check_stream(stream: str, hashes: Sequence[str], heads: Heads) -> list[str]:
    """Whether a stream still holds the head its newest checkpoint recorded."""
    recorded = heads.get(stream)
    if recorded is None:
        return []
    count, head = recorded
    if len(hashes) < count:
        return [f"the day checkpoint recorded {count} events but only {len(hashes)} are stored "
                f"(the newest events were deleted)"]
    if hashes[count - 1] != head:
        return [f"event {count} is not the one the day checkpoint recorded "
                f"(events were replaced)"]
    return []


def missing_streams(heads: Heads, present: Iterable[str]) -> list[str]:
    """Ticket streams a checkpoint names whose ticket is gone altogether."""
    gone = set(heads) - set(present)
    return [f"{stream}: recorded in a day checkpoint but the ticket no longer exists"
            for stream in sorted(gone) if stream.startswith("ticket:")]


def latest_checkpoint(uow: UnitOfWork) -> Checkpoint | None:
    """The newest checkpoint, if any."""
    with uow:
        row = uow.session.scalar(
            select(CheckpointRow).order_by(CheckpointRow.seq.desc()).limit(1))
        return _to_checkpoint(row) if row is not None else None
