"""The answers a ticket's people wait for: which SOP steps carry one, and of what kind.

Step 4 (the guidance when the problem is the LPSE's authority), step 14 (the solution),
step 16 answered "Tidak" (a reopen, with its reason) and the requests for more data (step 6
to the Admin LPSE, step 8 to the Pengguna SPSE). Notifications name these kinds; the ticket
page shows the latest of them at its top.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from engine.types import NotificationKind

GUIDANCE_STEP = 4
SOLUTION_STEP = 14
CONFIRM_STEP = 16
DATA_REQUEST_ANSWER_STEPS = frozenset({6, 8})
# The steps whose completion is an answer somebody waits for.
ANSWER_STEPS = frozenset({GUIDANCE_STEP, SOLUTION_STEP, CONFIRM_STEP,
                          *DATA_REQUEST_ANSWER_STEPS})


class Answer(NamedTuple):
    """A step just completed, as its notifications tell it: who did it (never told of their
    own action) and its answers as text, all of them and the part a Pengguna SPSE may read."""

    sop_step: int | None
    actor_id: int
    text: str
    public_text: str


def reopens(answer: Answer | None, next_step: int | None) -> bool:
    """Whether the ticket went back from the confirmation (step 16 "Tidak") to `next_step`."""
    return (answer is not None and answer.sop_step == CONFIRM_STEP
            and next_step is not None and next_step < CONFIRM_STEP)


def answer_kind(sop_step: int | None, reopened: bool = False) -> NotificationKind | None:
    """The kind of answer a completed step is (`reopened`: the ticket went back from it)."""
    if sop_step == GUIDANCE_STEP:
        return NotificationKind.GUIDANCE_GIVEN
    if sop_step == SOLUTION_STEP:
        return NotificationKind.TICKET_SOLVED
    if sop_step == CONFIRM_STEP and reopened:
        return NotificationKind.TICKET_REOPENED
    if sop_step in DATA_REQUEST_ANSWER_STEPS:
        return NotificationKind.DATA_REQUESTED
    return None


def answer_text(schema: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    """The filled answers as lines `Title: value`, in the form's order (booleans as Ya/Tidak).

    The caller passes only what the recipients may read (engine.process.visibility)."""
    properties = schema.get("properties", {}) if isinstance(schema, Mapping) else {}
    names = [name for name in properties if name in data]
    names += [name for name in data if name not in properties]
    lines = []
    for name in names:
        value = data[name]
        if value is None or value == "" or value == []:
            continue
        part = properties.get(name, {})
        title = str(part.get("title", name)) if isinstance(part, Mapping) else name
        if isinstance(value, bool):
            shown = "Ya" if value else "Tidak"
        elif isinstance(value, list):
            shown = ", ".join(str(item) for item in value)
        else:
            shown = str(value)
        lines.append(f"{title}: {shown}")
    return "\n".join(lines)
