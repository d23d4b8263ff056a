"""States and kinds are StrEnums whose values are stored and hashed: they must never change."""

from __future__ import annotations

from enum import StrEnum

import pytest

from engine.background.outbox import Outcome
from engine.evidence import chain
from engine.tickets.deadlines import TimerState
from engine.types import (
    BlockerCode,
    ChangeKind,
    EventType,
    NotificationKind,
    ReadKind,
    TicketStatus,
)

# The values as the database and the audit chain already hold them.
STORED: dict[type[StrEnum], list[str]] = {
    TicketStatus: ["open", "closed",
                   "cancelled"],  # issue 15: withdrawn, closed as a duplicate
    EventType: ["ticket_opened", "task_completed", "version_deployed", "timer_fired",
                "step_retried",  # issue 15: a failed step retried after a fix
                "step_overdue", "ticket_migrated",
                # issue 12 and 13 (ownership, the people directory, intake, comments)
                "task_claimed", "task_released", "task_assigned", "lpse_added", "lpse_updated",
                "user_added", "user_updated", "user_deactivated", "request_submitted",
                "request_answered", "request_escalated", "request_solved", "comment_added",
                # issue 15 (ticket operations)
                "ticket_withdrawn", "ticket_closed_as_duplicate"],
    ReadKind: ["history", "replay", "print", "export-json", "export-csv", "export-range-csv",
               "ticket-page", "events-api", "attachment", "request-page",
               "export-range-xlsx", "event-log"],  # issue 16
    NotificationKind: ["task_assigned", "data_requested", "ticket_solved", "reminder",
                       "diagram_incident", "audit_checkpoint",
                       # issue 12 and 13
                       "guidance_given", "ticket_reopened", "request_received",
                       "request_answered", "ticket_opened", "comment_added",
                       "ticket_cancelled"],  # issue 15
    ChangeKind: ["added", "removed", "renamed", "lane_moved", "type_changed", "reconnected",
                 "condition_changed", "script_changed", "form_changed", "property_changed"],
    BlockerCode: ["position_removed", "position_changed", "passed_removed", "passed_changed",
                  "not_restorable", "closed", "same_version", "not_found", "conflict"],
    TimerState: ["waiting", "fired", "cancelled", "failed"],
    Outcome: ["sent", "retrying", "failed"],
}


@pytest.mark.parametrize("kind", list(STORED), ids=lambda kind: kind.__name__)
def test_every_state_and_kind_keeps_the_value_already_stored(kind: type[StrEnum]) -> None:
    assert [member.value for member in kind] == STORED[kind]
    assert all(kind(value) == value for value in STORED[kind])


def test_an_event_hashes_the_same_whether_its_type_is_the_enum_or_its_text() -> None:
    body = {"seq": 1, "at": "2026-12-01T01:00:00.000000+00:00", "actor": "admin.bandung",
            "role": "Admin LPSE", "task": None, "sop_step": 1, "data": {"status": "open"},
            "prev_hash": chain.GENESIS}
    as_enum = chain.event_body("ticket:1", {**body, "type": EventType.TICKET_OPENED,
                                            "data": {"status": TicketStatus.OPEN}})
    as_text = chain.event_body("ticket:1", {**body, "type": "ticket_opened"})
    assert chain.canonical_json(as_enum) == chain.canonical_json(as_text)
    assert chain.chain_hash(chain.GENESIS, as_enum) == chain.chain_hash(chain.GENESIS, as_text)


def test_the_modules_short_names_are_the_enum_members() -> None:
    assert chain.TICKET_OPENED is EventType.TICKET_OPENED
    assert chain.STEP_OVERDUE is EventType.STEP_OVERDUE
