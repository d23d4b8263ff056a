"""What the knowledge base saved (issue 17), for Helpdesk LKPP: intake requests closed by
an article (escalations avoided), the articles used and how often, and the error codes
asked about more than once (tickets and requests)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from engine.errors import NotFound
from engine.knowledge.model import ArticleStatus, KnowledgeFigures
from engine.messages import Message
from engine.persistence.tables import (
    EventRow,
    IntakeRequestRow,
    KnowledgeArticleRow,
    KnowledgeUseRow,
)
from engine.persistence.unit_of_work import UnitOfWork
from engine.types import Role, User

TOP = 10


def knowledge_figures(uow: UnitOfWork, actor: User) -> KnowledgeFigures:
    """The figures; Helpdesk LKPP only (NotFound for everyone else)."""
    if actor.role is not Role.HELPDESK:
        raise NotFound(Message("page_not_found"))
    with uow:
        session = uow.session
        avoided = session.scalar(select(func.count()).select_from(KnowledgeUseRow)) or 0
        published = session.scalar(select(func.count()).select_from(KnowledgeArticleRow).where(
            KnowledgeArticleRow.status == ArticleStatus.PUBLISHED.value)) or 0
        used = session.execute(
            select(KnowledgeArticleRow.id, KnowledgeArticleRow.title, func.count())
            .join(KnowledgeUseRow, KnowledgeUseRow.article_id == KnowledgeArticleRow.id)
            .group_by(KnowledgeArticleRow.id, KnowledgeArticleRow.title)
            .order_by(func.count().desc(), KnowledgeArticleRow.id)).all()
        codes: Counter[str] = Counter()
        ticket_code = EventRow.data[("form", "kode_error")].as_string()
        for code, count in session.execute(
                select(ticket_code, func.count()).where(EventRow.type == "ticket_opened")
                .group_by(ticket_code)):
            if code and code.strip():
                codes[code.strip().lower()] += int(count)
        request_code = IntakeRequestRow.data["kode_error"].as_string()
        for code, count in session.execute(
                select(request_code, func.count())
                .where(IntakeRequestRow.ticket_id.is_(None)).group_by(request_code)):
            if code and code.strip():
                codes[code.strip().lower()] += int(count)
        return KnowledgeFigures(
            avoided=int(avoided), articles_published=int(published), articles_used=len(used),
            top_articles=tuple((int(i), str(t), int(c)) for i, t, c in used[:TOP]),
            repeats=tuple((c, n) for c, n in codes.most_common(TOP * 2) if n > 1))
