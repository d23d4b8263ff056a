"""Who is told of a new task: the lane's active users, read by one indexed query."""

from __future__ import annotations

from sqlalchemy import func, select, update

from engine import Database
from engine.persistence.tables import NotificationRow, TicketRow, UserRow
from engine.tickets import notifications
from engine.types import Role
from tests.desk import Desk


def told(database: Database, username: str) -> int:
    with database.uow() as uow:
        return int(uow.session.scalar(
            select(func.count()).select_from(NotificationRow)
            .join(UserRow, UserRow.id == NotificationRow.user_id)
            .where(UserRow.username == username)) or 0)


def lane(database: Database, role: Role, ticket_id: int) -> list[str]:
    with database.uow() as uow:
        ticket = uow.session.get_one(TicketRow, ticket_id)
        return notifications.lane_recipients(uow.session, lane=role.value,
                                             lpse_id=ticket.lpse_id,
                                             reporter_id=ticket.reporter_id)


def test_each_lane_is_its_active_users_of_the_tickets_lpse_or_its_reporter(
        database: Database, desk: Desk) -> None:
    ticket = desk.open()  # helpdesk2.lkpp: the demo's second Helpdesk LKPP (national)

    assert lane(database, Role.HELPDESK, ticket.id) == ["helpdesk.lkpp", "helpdesk2.lkpp"]
    assert lane(database, Role.ADMIN, ticket.id) == ["admin.bandung"]
    assert lane(database, Role.PENGGUNA, ticket.id) == ["pengguna.bandung"]
    assert lane(database, Role.AUDITOR, ticket.id) == []


def test_a_deactivated_helpdesk_user_is_not_told_of_new_tasks(database: Database,
                                                              desk: Desk) -> None:
    desk.open()
    before = told(database, "helpdesk2.lkpp")
    with database.uow() as uow:
        uow.session.execute(update(UserRow).where(UserRow.username == "helpdesk2.lkpp")
                            .values(active=False))
        uow.commit()

    ticket = desk.open()

    assert before == 1 and told(database, "helpdesk2.lkpp") == 1
    assert told(database, "helpdesk.lkpp") == 2
    assert lane(database, Role.HELPDESK, ticket.id) == ["helpdesk.lkpp"]
