"""An auditor's check of one ticket: replay it and check its chain (GET /tickets/{id}/verify)."""

from __future__ import annotations

from engine.audit.verify import verify_tickets
from engine.errors import Forbidden
from engine.messages import Message
from engine.persistence.unit_of_work import UnitOfWork
from engine.tickets.use_cases import get_ticket
from engine.types import Role, User, Verification


def verify_ticket(uow: UnitOfWork, actor: User, ticket_id: int) -> Verification:
    """Verify one ticket for an auditor: NotFound for whoever may not see it, Forbidden for
    whoever may see it but is not an auditor."""
    if actor.role is not Role.AUDITOR:
        get_ticket(uow, actor, ticket_id)
        raise Forbidden(Message("only_auditor_verifies"))
    [result] = verify_tickets(uow, [str(ticket_id)])
    return result
