"""'Artikel dan tiket serupa' (issue 17): what was written before that looks like what is
being written now, each with why it matched (the same error code, or the words in common).

A Pengguna SPSE is shown published articles only, never a ticket; an Admin LPSE articles
and their own LPSE's solved (closed) tickets; Helpdesk LKPP articles and every solved
ticket. Articles are found through their own full-text index (engine.knowledge.words),
tickets through the tickets' (engine.tickets.search, narrowed to what the user may see).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from engine.knowledge.articles import matching_articles
from engine.knowledge.model import ArticleStatus, Suggestion
from engine.knowledge.words import words
from engine.messages import Message
from engine.persistence.tables import (
    EventRow,
    KnowledgeArticleRow,
    KnowledgeCodeRow,
    TicketRow,
    TicketSearchRow,
)
from engine.persistence.unit_of_work import UnitOfWork
from engine.tickets import access
from engine.tickets.search import RANKED, matches, sees_internal_text
from engine.tickets.search_index import LPSE_SCOPE, scope_word
from engine.types import Role, User

LIMIT = 5
_WORD = re.compile(r"\w+")
MAX_TYPED = 1000
CLOSED = "closed"
CANDIDATES = 20
WORDS = 6


def shows_tickets(user: User) -> bool:
    """Whether a user's suggestions include solved tickets (handlers), or articles only."""
    return user.role in (Role.ADMIN, Role.HELPDESK)


def _reason(code_matched: str, found: Sequence[str], text: str) -> Message:
    if code_matched:
        return Message("suggest_same_code", code=code_matched)
    have = set(words(text))
    common = [w for w in found if w in have][:4]
    return Message("suggest_words", words=", ".join(common or found[:3]))


def _articles(session: Session, code: str, found: list[str], limit: int) -> list[Suggestion]:
    published = KnowledgeArticleRow.status == ArticleStatus.PUBLISHED.value
    by_code: list[int] = []
    if code:
        by_code = list(session.scalars(
            select(KnowledgeCodeRow.article_id)
            .join(KnowledgeArticleRow, KnowledgeArticleRow.id == KnowledgeCodeRow.article_id)
            .where(KnowledgeCodeRow.code == code.lower(), published)
            .order_by(KnowledgeCodeRow.article_id.desc()).limit(limit)))
    by_words = [i for i, _ in matching_articles(session, found, any_word=True,
                                                limit=CANDIDATES) if i not in by_code]
    wanted = [*by_code, *by_words]
    if not wanted:
        return []
    rows = {r.id: r for r in session.scalars(
        select(KnowledgeArticleRow).where(KnowledgeArticleRow.id.in_(wanted), published))}
    shown: list[Suggestion] = []
    for article_id in wanted:
        row = rows.get(article_id)
        if row is None:
            continue
        reason = _reason(code if article_id in by_code else "", found,
                         f"{row.title} {row.body} {row.application} {' '.join(row.tags)}")
        shown.append(Suggestion("article", row.id, row.title, f"/pengetahuan/{row.id}",
                                reason))
        if len(shown) >= limit:
            break
    return shown


# PostgreSQL, an Admin LPSE: the matches of their LPSE through the GIN index first (a bitmap
# of the words AND the LPSE's scope word, at most that LPSE's tickets), the RANKED newest of
# them ranked. The ticket search's plan (newest first, each row's tsvector checked) reads a
# fortieth of the tickets for every match it keeps when one LPSE's are wanted: 75 ms p50 for
# an Admin LPSE at 100k tickets against 22 ms this way (bench/suggestions.py).
_POSTGRES_SCOPED = text(
    "WITH query AS (SELECT websearch_to_tsquery('simple', :typed) "
    "&& to_tsquery('simple', :scope) AS q), "
    "newest AS MATERIALIZED (SELECT ticket_id FROM ticket_search, query "
    "WHERE all_tsv @@ query.q ORDER BY ticket_id DESC LIMIT :ranked) "
    "SELECT s.ticket_id FROM newest "
    "JOIN ticket_search s ON s.ticket_id = newest.ticket_id "
    "JOIN tickets ON tickets.id = newest.ticket_id, query "
    "WHERE tickets.lpse_id = :lpse AND tickets.status = :closed "
    "ORDER BY ts_rank(s.all_tsv, query.q) DESC, s.ticket_id DESC LIMIT :limit")


def _ticket_ids(session: Session, user: User, typed: str) -> list[int]:
    if (user.role is Role.ADMIN and user.lpse_id is not None
            and session.get_bind().dialect.name == "postgresql"):
        return [int(i) for i in session.scalars(_POSTGRES_SCOPED.bindparams(
            typed=typed.replace("\x00", " "), scope=scope_word(LPSE_SCOPE, user.lpse_id),
            lpse=user.lpse_id, closed=CLOSED, ranked=RANKED, limit=CANDIDATES))]
    hits = matches(session, user, typed)
    if hits is None:
        return []
    return list(session.scalars(
        select(TicketRow.id).join(hits, hits.c.ticket_id == TicketRow.id)
        .where(access.visible_tickets(user), TicketRow.status == CLOSED)
        .order_by(hits.c.score.desc(), TicketRow.id.desc()).limit(CANDIDATES)))


def _flat(text: str) -> str:
    """Lower-case words joined by single spaces, to find a phrase's words in order."""
    return " " + " ".join(_WORD.findall(text.lower())) + " "


def _tickets(session: Session, user: User, code: str, found: list[str], limit: int,
             exclude: int | None) -> list[Suggestion]:
    """Solved tickets the user may see with the error code or any of the words: one
    full-text query (the code as a phrase, or each word), those with the code first."""
    code_words = " ".join(_WORD.findall(code.lower()))
    terms = ([f'"{code_words}"'] if code_words else []) + found
    wanted = [i for i in (_ticket_ids(session, user, " or ".join(terms)) if terms else [])
              if i != exclude]
    if not wanted:
        return []
    internal = sees_internal_text(user)
    rows = {t.id: (t, public, hidden) for t, public, hidden in session.execute(
        select(TicketRow, TicketSearchRow.public_text, TicketSearchRow.internal_text)
        .join(TicketSearchRow, TicketSearchRow.ticket_id == TicketRow.id)
        .where(TicketRow.id.in_(wanted)))}
    with_code: list[Suggestion] = []
    others: list[Suggestion] = []
    for ticket_id in wanted:
        if ticket_id not in rows:
            continue
        ticket, public, hidden = rows[ticket_id]
        if not access.may_see_ticket(user, ticket):
            continue
        said = f"{ticket.title} {public} {hidden if internal else ''}"
        same = bool(code_words) and f" {code_words} " in _flat(said)
        (with_code if same else others).append(Suggestion(
            "ticket", ticket.id, ticket.title, f"/tiket/{ticket.id}",
            _reason(code if same else "", found, said), number=ticket.number))
    return [*with_code, *others][:limit]


def _opening(session: Session, actor: User, ticket_id: int) -> tuple[str, str]:
    """(title and description, error code) of a ticket the actor may see; empty otherwise."""
    ticket = session.get(TicketRow, ticket_id) if 0 < ticket_id <= 2**31 - 1 else None
    if ticket is None or not access.may_see_ticket(actor, ticket):
        return "", ""
    data = session.scalar(select(EventRow.data).where(
        EventRow.ticket_id == ticket_id, EventRow.type == "ticket_opened").limit(1))
    given = (data or {}).get("form")
    form: dict[str, Any] = given if isinstance(given, dict) else {}
    return (f"{ticket.title} {form.get('deskripsi') or ''}",
            str(form.get("kode_error") or ""))


def suggest(uow: UnitOfWork, actor: User, *, text: str = "", error_code: str = "",
            limit: int = LIMIT, exclude_ticket: int | None = None,
            like_ticket: int | None = None) -> list[Suggestion]:
    """Articles (and, for handlers, solved tickets they may see) like the text and error
    code typed (or those of the ticket `like_ticket`), same error code first, then by the
    words in common; each says why."""
    with uow:
        session = uow.session
        if like_ticket is not None:
            text, error_code = _opening(session, actor, like_ticket)
        code = " ".join(error_code.replace("\x00", " ").split())[:100]
        # The first words typed (the title's first): each more word is one more posting
        # list to merge, for little better a match.
        found = words(f"{text} {code}".replace("\x00", " ")[:MAX_TYPED])[:WORDS]
        if not found and not code:
            return []
        shown = _articles(session, code, found, limit)
        if shows_tickets(actor):
            shown += _tickets(session, actor, code, found, limit, exclude_ticket)
        return shown
