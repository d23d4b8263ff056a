"""Who may see and do what (CONTRACT.md), in one place."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, false, true

from engine.persistence.tables import TaskRow, TicketRow
from engine.types import LANES, Role, User


def lane_of(user: User) -> str | None:
    """The diagram lane whose tasks this user may complete, if any."""
    return user.role.value if user.role.value in LANES else None


def may_see_ticket(user: User, ticket: TicketRow) -> bool:
    """Pengguna: own reports; Admin: own LPSE; Helpdesk and auditor: all; others: none."""
    if user.role in (Role.HELPDESK, Role.AUDITOR):
        return True
    if user.role is Role.ADMIN:
        return ticket.lpse_id == user.lpse_id
    if user.role is Role.PENGGUNA:
        return ticket.reporter_id == user.id
    return False


def visible_tickets(user: User) -> ColumnElement[bool]:
    """The SQL condition for `may_see_ticket`."""
    if user.role in (Role.HELPDESK, Role.AUDITOR):
        return true()
    if user.role is Role.ADMIN:
        return TicketRow.lpse_id == user.lpse_id
    if user.role is Role.PENGGUNA:
        return TicketRow.reporter_id == user.id
    return false()


def may_complete(user: User, task: TaskRow) -> bool:
    """A task is for the users of its lane who may see its ticket."""
    if lane_of(user) != task.lane:
        return False
    if user.role is Role.ADMIN:
        return task.lpse_id == user.lpse_id
    if user.role is Role.PENGGUNA:
        return task.reporter_id == user.id
    return True


def completable_tasks(user: User) -> ColumnElement[bool]:
    """The SQL condition for `may_complete` on pending task rows."""
    lane = lane_of(user)
    if lane is None:
        return false()
    conditions: list[Any] = [TaskRow.lane == lane, TaskRow.completed_at.is_(None)]
    if user.role is Role.ADMIN:
        conditions.append(TaskRow.lpse_id == user.lpse_id)
    elif user.role is Role.PENGGUNA:
        conditions.append(TaskRow.reporter_id == user.id)
    return and_(*conditions)
