"""The page you act on: which item of a ticket's thread a person responds to first."""

from __future__ import annotations

from collections.abc import Sequence

import engine
from engine import ThreadEntry, TicketHistory, User

# What a person responds to is a step's answers, or the ticket as opened.
ANSWER_TYPES = frozenset({"task_completed", "ticket_opened"})
# The steps whose answers the ticket page shows at its top (engine.answers.ANSWER_STEPS).
ANSWER_STEPS = frozenset({4, 6, 8, 14, 16})


def focus_entry(thread: Sequence[ThreadEntry], role: str, *,
                answers_first: bool = False) -> ThreadEntry | None:
    """The item to respond to first: the latest answers from the other side (another role
    than the viewer's). With `answers_first` (the ticket page), the latest answer of the
    SOP (guidance, solution, a reopen's reason, a request for data) comes before it."""
    entries = [entry for entry in thread if entry.type in ANSWER_TYPES and entry.fields]
    if answers_first:
        for entry in reversed(entries):
            if entry.sop_step in ANSWER_STEPS:
                return entry
    for entry in reversed(entries):
        if entry.role != role:
            return entry
    return None


def ticket_focus(history: TicketHistory, user: User) -> ThreadEntry | None:
    """The answer shown at the top of a ticket's page, for the people of its lanes."""
    if user.role.value not in engine.LANES:
        return None
    return focus_entry(history.thread, user.role.value, answers_first=True)
