"""Append-only, hash-chained audit events, and the check of a chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from engine.types import Event, EventType

GENESIS = "0" * 64


def canonical_json(value: Any) -> bytes:
    """The one byte form of a JSON value used for hashing."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

# The event types (engine.types.EventType), by their short names.
TICKET_OPENED = EventType.TICKET_OPENED
TASK_COMPLETED = EventType.TASK_COMPLETED
VERSION_DEPLOYED = EventType.VERSION_DEPLOYED
TIMER_FIRED = EventType.TIMER_FIRED          # stream ticket:<id>
STEP_OVERDUE = EventType.STEP_OVERDUE        # stream ticket:<id>
TICKET_MIGRATED = EventType.TICKET_MIGRATED  # stream ticket:<id>
COMMENT_ADDED = EventType.COMMENT_ADDED      # stream ticket:<id>


def timestamp(moment: datetime | None = None) -> str:
    """An event time: ISO 8601 in UTC with microseconds, stored as text so hashes are stable."""
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def event_body(stream: str, event: Event | dict[str, Any]) -> dict[str, Any]:
    """The fields an event's hash covers (everything but the hash itself)."""
    get = event.get if isinstance(event, dict) else lambda k: getattr(event, k)
    return {
        "stream": stream,
        "seq": get("seq"),
        "at": get("at"),
        "actor": get("actor"),
        "role": get("role"),
        "type": get("type"),
        "task": get("task"),
        "sop_step": get("sop_step"),
        "data": get("data"),
        "prev_hash": get("prev_hash"),
    }


def chain_hash(prev_hash: str, body: dict[str, Any]) -> str:
    """SHA-256 over the previous event's hash and this event's canonical JSON."""
    return hashlib.sha256(prev_hash.encode() + canonical_json(body)).hexdigest()


def seal(stream: str, seq: int, prev_hash: str, *, actor: str, role: str, type: str,
         data: dict[str, Any], task: str | None = None, sop_step: int | None = None,
         at: str | None = None) -> Event:
    """A new event, chained to `prev_hash`."""
    fields: dict[str, Any] = {
        "seq": seq, "at": at or timestamp(), "actor": actor, "role": role, "type": type,
        "task": task, "sop_step": sop_step, "data": data, "prev_hash": prev_hash,
    }
    return Event(hash=chain_hash(prev_hash, event_body(stream, fields)), **fields)


def check_chain(stream: str, events: Sequence[Event], expected_count: int | None = None,
                expected_head: str | None = None) -> list[str]:
    """Every break in a stream's chain: gaps, reordering, edits, and a missing tail."""
    problems: list[str] = []
    prev = GENESIS
    for position, event in enumerate(events, start=1):
        if event.seq != position:
            problems.append(f"event {position}: sequence number is {event.seq} "
                            f"(an event was deleted or reordered)")
        if event.prev_hash != prev:
            problems.append(f"event {event.seq}: does not follow the event before it "
                            f"(prev_hash mismatch)")
        if chain_hash(event.prev_hash, event_body(stream, event)) != event.hash:
            problems.append(f"event {event.seq} ({event.type}): content does not match its hash "
                            f"(the event was edited)")
        prev = event.hash
    if expected_count is not None and expected_count != len(events):
        problems.append(f"the ticket records {expected_count} events but {len(events)} are stored")
    if expected_head is not None and events and expected_head != events[-1].hash:
        problems.append("the newest stored event is not the one the ticket last recorded")
    return problems


def event_columns(event: Event) -> dict[str, Any]:
    """An event's fields as stored in a row."""
    return {
        "seq": event.seq, "at": event.at, "actor": event.actor, "role": event.role,
        "type": event.type, "task": event.task, "sop_step": event.sop_step, "data": event.data,
        "hash": event.hash, "prev_hash": event.prev_hash,
    }
