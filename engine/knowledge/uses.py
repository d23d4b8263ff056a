"""'Ini menyelesaikan masalah saya' (issue 17): the reporter of an open intake request says
an article solved it; the request is closed locally (no escalation), linked to the article,
and the use counted (an escalation avoided)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from engine.errors import Conflict, InvalidData, NotFound
from engine.evidence import checkpoints
from engine.knowledge.articles import MAX_ID, may_read
from engine.messages import Message
from engine.persistence.tables import IntakeRequestRow, KnowledgeArticleRow, KnowledgeUseRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.tickets.intake import close_request
from engine.types import EventType, IntakeStatus, Role, User


def solve_request(uow: UnitOfWork, actor: User, request_id: int, article_id: int) -> None:
    """Close the actor's own open request as solved by a published article."""
    with uow:
        session = uow.session
        request = (session.get(IntakeRequestRow, request_id)
                   if 0 < request_id <= MAX_ID else None)
        if (request is None or actor.role is not Role.PENGGUNA
                or request.reporter_id != actor.id):
            raise NotFound(Message("request_not_found"))
        article = (session.get(KnowledgeArticleRow, article_id)
                   if 0 < article_id <= MAX_ID else None)
        if article is None or not may_read(actor, article):
            raise InvalidData({"artikel": [Message("article_not_found")]})
        if request.status != IntakeStatus.OPEN:
            raise Conflict(Message("request_not_open"))
        now = datetime.now(UTC)
        answer = f"Terselesaikan dengan artikel Basis Pengetahuan: {article.title}"
        close_request(session, request.id, actor, EventType.REQUEST_SOLVED,
                      {"article": article.id, "version": article.version,
                       "title": article.title}, now,
                      status=IntakeStatus.ANSWERED, answer=answer)
        session.add(KnowledgeUseRow(article_id=article.id, request_id=request_id,
                                    user_id=actor.id, at=now))
        uow.commit()
        checkpoints.after_change(uow)


def solved_by(uow: UnitOfWork, actor: User, request_id: int) -> int | None:
    """The article that solved a request, if one did (for whoever may see the request)."""
    with uow:
        return uow.session.scalar(select(KnowledgeUseRow.article_id)
                                  .where(KnowledgeUseRow.request_id == request_id))
