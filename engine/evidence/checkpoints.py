"""Checkpoints: the chain heads every period (15 minutes by default), in a hash chain of
their own, and copied out of the database.

A ticket row keeps its stream's event count and head hash, so deleting events alone is
caught; deleting the newest events *and* rewinding the ticket row is not. A checkpoint,
written once a period has ended (periods of `ESKALASI_CHECKPOINT_MINUTES`, counted from
midnight UTC), records for every stream with events since shortly before the previous
checkpoint `[count, head hash]` as they stood at the end of the period. Its label is the
period's end (`2026-12-03T18:45Z`), or the day that ended when that is midnight
(`2026-12-03`, as the day checkpoints written before issue 11 are labelled).

Checkpoints are chained like events (each hashes the one before), so editing or deleting
one breaks the chain. Each hash also leaves the database: a line in the witness file
(`ESKALASI_WITNESS_FILE`, on other storage) when one is configured, and each day's last
checkpoint is mailed to the auditors (`engine.background.worker`). `eskalasi verify
--anchor HASH` / `--witness FILE` check that the chain still holds those hashes, so even a
rewritten chain can be told apart from the one witnessed. Events newer than the last
checkpoint have no witness yet: the triggers of migration 0013 are what keeps them.

They are written by `eskalasi checkpoint` (or the worker), and after the first ticket
change of a new period, in a transaction of their own so a user's change never waits on one.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.errors import StorageUnavailable
from engine.evidence import chain
from engine.evidence.chain import canonical_json
from engine.persistence.database import settings_of
from engine.persistence.tables import CheckpointRow, EventRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.settings import Settings

log = logging.getLogger("eskalasi.checkpoints")

Heads = dict[str, tuple[int, str]]
PERIOD_LABEL = "%Y-%m-%dT%H:%MZ"
# Streams with events this long before the previous checkpoint's end are recorded again: an
# event stamped just before that end but committed just after it is not missed.
OVERLAP = timedelta(hours=1)


@dataclass(frozen=True)
class Checkpoint:
    """The chain heads at the end of a period, as stored (heads: stream -> [count, hash]);
    `day` is the period's label."""

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


def period_end(now: datetime, minutes: int) -> datetime:
    """The latest period boundary at or before `now` (periods start at midnight UTC)."""
    now = now.astimezone(UTC)
    midnight = datetime(now.year, now.month, now.day, tzinfo=UTC)
    elapsed = int((now - midnight).total_seconds() // 60)
    return midnight + timedelta(minutes=elapsed // minutes * minutes)


def label_of(end: datetime) -> str:
    """A checkpoint's label: the day that ended at midnight, else the period's end."""
    end = end.astimezone(UTC)
    if (end.hour, end.minute) == (0, 0):
        return (end - timedelta(days=1)).date().isoformat()
    return end.strftime(PERIOD_LABEL)


def end_of(label: str) -> datetime:
    """The moment a checkpoint's label names the end of."""
    if len(label) == 10:
        return datetime.fromisoformat(label).replace(tzinfo=UTC) + timedelta(days=1)
    return datetime.strptime(label, PERIOD_LABEL).replace(tzinfo=UTC)


def _heads_before(session: Session, end: str, since: str | None) -> dict[str, list[Any]]:
    """Each stream with events in [since, end): its count and head as they stood at `end`."""
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


def record_checkpoints(uow: UnitOfWork, now: datetime | None = None,
                       minutes: int | None = None) -> list[Checkpoint]:
    """Write the checkpoint of the periods that ended since the last one, if they had
    events (one checkpoint, as of the latest boundary); the new ones, also witnessed.
    The period and the witness file are the settings' its Database was opened with."""
    settings = settings_of(uow.engine)
    end = period_end(now or datetime.now(UTC), minutes or settings.checkpoint_minutes)
    written: list[Checkpoint] = []
    with uow:
        session = uow.session
        last = session.scalar(select(CheckpointRow).order_by(CheckpointRow.seq.desc()).limit(1))
        seq, prev = (last.seq, last.hash) if last else (0, chain.GENESIS)
        last_end = end_of(last.day) if last else None
        if last_end is not None and last_end >= end:
            return []
        news = select(EventRow.id).where(EventRow.at < chain.timestamp(end))
        if last_end is not None:
            news = news.where(EventRow.at >= chain.timestamp(last_end))
        if session.scalar(news.limit(1)) is None:
            return []
        since = chain.timestamp(last_end - OVERLAP) if last_end is not None else None
        heads = _heads_before(session, chain.timestamp(end), since)
        label = label_of(end)
        row = CheckpointRow(seq=seq + 1, day=label, written_at=datetime.now(UTC), heads=heads,
                            prev_hash=prev, hash=checkpoint_hash(prev, seq + 1, label, heads))
        session.add(row)
        written.append(_to_checkpoint(row))
        uow.commit()
    witness(settings, written)
    return written


def witness_line(checkpoint: Checkpoint) -> str:
    """A witness file's line: when written, the period's label, the hash."""
    written = checkpoint.written_at.astimezone(UTC).isoformat(timespec="seconds")
    return f"{written} {checkpoint.day} {checkpoint.hash}\n"


def witness(settings: Settings, written: Sequence[Checkpoint]) -> None:
    """Append the new checkpoints to the witness file, if one is configured (opened for
    appending only, synced to disk). A failure is logged: the checkpoint stands."""
    path = settings.witness_file
    if path is None or not written:
        return
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(descriptor, "".join(witness_line(c) for c in written).encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as err:
        log.error("could not append checkpoint %s to the witness file %s: %s",
                  written[-1].hash, path, err)


def read_witness(path: Path) -> list[str]:
    """The checkpoint hashes of a witness file, oldest first (blank lines skipped).

    Raises ValueError naming the line when one is not `TIME LABEL HASH`."""
    hashes = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split()
        if len(fields) != 3 or len(fields[2]) != 64:
            raise ValueError(f"{path}:{number}: not a witness line (time, period, hash)")
        hashes.append(fields[2])
    return hashes


# Per engine (so per database and process): the period end up to which checkpoints exist.
_closed_through: weakref.WeakKeyDictionary[Engine, datetime] = weakref.WeakKeyDictionary()
_closed_lock = threading.Lock()


def after_change(uow: UnitOfWork) -> None:
    """After a ticket change: checkpoint the periods that ended, once per process and
    period."""
    close_ended_periods(uow.engine)


def close_ended_periods(engine: Engine, now: datetime | None = None) -> int:
    """Once per process and period: checkpoint the periods that ended (best effort, own
    transaction); how many checkpoints were written. Later calls that period cost nothing.

    Two processes may race for the same period; the loser's insert fails on the unique
    sequence number and is dropped here, since the winner wrote the same checkpoint. After
    any failure the next call tries again.
    """
    end = period_end(now or datetime.now(UTC), settings_of(engine).checkpoint_minutes)
    with _closed_lock:
        if _closed_through.get(engine) == end:
            return 0
        _closed_through[engine] = end
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


close_ended_days = close_ended_periods  # the name before checkpoints had periods


def _to_checkpoint(row: CheckpointRow) -> Checkpoint:
    return Checkpoint(seq=row.seq, day=row.day, written_at=row.written_at, heads=row.heads,
                      prev_hash=row.prev_hash, hash=row.hash)


def list_checkpoints(session: Session) -> list[Checkpoint]:
    """Every checkpoint, oldest first."""
    return [_to_checkpoint(row) for row in
            session.scalars(select(CheckpointRow).order_by(CheckpointRow.seq, CheckpointRow.id))]


def check_checkpoints(checkpoints: Sequence[Checkpoint],
                      anchor: str | Sequence[str] | None = None) -> tuple[list[str], Heads]:
    """Breaks in the checkpoint chain, hashes kept outside (`anchor`: one or several, e.g.
    a witness file's) it no longer holds, and the newest recorded head of every stream."""
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
    anchors = [anchor] if isinstance(anchor, str) else list(anchor or ())
    kept = {c.hash for c in checkpoints}
    for missing in dict.fromkeys(a for a in anchors if a and a not in kept):
        problems.append(f"no checkpoint has the hash {missing} kept outside the database "
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


def last_of_ended_days(session: Session, now: datetime | None = None) -> Checkpoint | None:
    """The last checkpoint of the days that ended (UTC) before `now`'s, if any.

    Labels of a day (`2026-12-02`, ending at midnight) and of earlier periods
    (`2026-12-02T23:45Z`) sort before today's date; today's periods sort after it."""
    today = (now or datetime.now(UTC)).astimezone(UTC).date().isoformat()
    row = session.scalar(select(CheckpointRow).where(CheckpointRow.day < today)
                         .order_by(CheckpointRow.seq.desc()).limit(1))
    return _to_checkpoint(row) if row is not None else None


def latest_checkpoint(uow: UnitOfWork) -> Checkpoint | None:
    """The newest checkpoint, if any."""
    with uow:
        row = uow.session.scalar(
            select(CheckpointRow).order_by(CheckpointRow.seq.desc()).limit(1))
        return _to_checkpoint(row) if row is not None else None
