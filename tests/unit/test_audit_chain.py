"""The hash chain on its own: every kind of tampering breaks it."""

from __future__ import annotations

import dataclasses
from typing import Any

from engine.evidence import chain as audit
from engine.types import Event

STREAM = "ticket:1"


def chain(length: int = 4) -> list[Event]:
    events, prev = [], audit.GENESIS
    for seq in range(1, length + 1):
        event = audit.seal(STREAM, seq, prev, actor="helpdesk.lkpp", role="Helpdesk LKPP",
                           type=audit.TASK_COMPLETED, task=f"step{seq:02d}", sop_step=seq,
                           data={"n": seq, "teks": "ä"}, at=f"2026-11-28T00:00:0{seq}+00:00")
        events.append(event)
        prev = event.hash
    return events


def test_an_intact_chain_has_no_problems() -> None:
    events = chain()
    assert audit.check_chain(STREAM, events, 4, events[-1].hash) == []


def test_the_hash_covers_every_field_and_the_stream() -> None:
    event = chain(1)[0]
    changes: list[tuple[str, Any]] = [
        ("actor", "x"), ("role", "auditor"), ("type", "ticket_opened"), ("task", "other"),
        ("sop_step", 9), ("data", {"n": 2}), ("at", "2026-01-01T00:00:00+00:00")]
    for field, value in changes:
        changed = dataclasses.replace(event, **{field: value})
        assert audit.check_chain(STREAM, [changed]), field
    assert audit.check_chain("ticket:2", [event])


def test_deleting_reordering_and_truncating_are_each_reported() -> None:
    events = chain()
    assert any("deleted or reordered" in p
               for p in audit.check_chain(STREAM, [events[0], *events[2:]]))
    assert audit.check_chain(STREAM, [events[1], events[0], *events[2:]])
    truncated = audit.check_chain(STREAM, events[:3], expected_count=4,
                                  expected_head=events[-1].hash)
    assert any("records 4 events but 3" in p for p in truncated)


def test_canonical_json_is_independent_of_key_order() -> None:
    one = audit.seal(STREAM, 1, audit.GENESIS, actor="a", role="r", type="t",
                     data={"a": 1, "b": 2}, at="x")
    two = audit.seal(STREAM, 1, audit.GENESIS, actor="a", role="r", type="t",
                     data={"b": 2, "a": 1}, at="x")
    assert one.hash == two.hash
