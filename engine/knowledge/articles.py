"""Articles of the knowledge base (issue 17): written by Helpdesk LKPP from scratch or from
a ticket's step-4 guide or step-14 solution (its public fields only), every edit a new
version, each change an event of the `knowledge` stream. Published articles are read by
every signed-in user; an article marked public also without signing in. The tickets an
article came from are shown to those who may see them (never to a Pengguna SPSE)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, column, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from engine.errors import Forbidden, InvalidData, NotFound
from engine.evidence import checkpoints
from engine.knowledge import markdown, stream
from engine.knowledge.model import (
    Article,
    ArticleDraft,
    ArticleSource,
    ArticleStatus,
    ArticleVersion,
)
from engine.knowledge.words import fts5_expression, index_text, tsquery, words
from engine.messages import Message
from engine.persistence.tables import (
    EventRow,
    KnowledgeArticleRow,
    KnowledgeCodeRow,
    KnowledgeSearchRow,
    KnowledgeSourceRow,
    KnowledgeUseRow,
    KnowledgeVersionRow,
    TicketRow,
    UserRow,
)
from engine.persistence.unit_of_work import UnitOfWork
from engine.process.versions import definition_of
from engine.process.visibility import public_data
from engine.tickets import access
from engine.types import Role, User

MAX_ID = 2**31 - 1
LIMITS = {"judul": 300, "isi": 20000, "aplikasi": 100, "kode_error": 1000, "tag": 500}
# The steps whose answer an article may be published from, and the fields that carry it.
ANSWER_STEPS: Mapping[int, tuple[str, ...]] = {4: ("panduan", "tautan_panduan"),
                                               14: ("solusi",)}
MAX_CODES, MAX_TAGS = 20, 20
_SEARCH = cast(Table, KnowledgeSearchRow.__table__)
# Only the RANKED newest matches are ranked (as for tickets, engine.tickets.search): a query
# whose words are in most articles costs the same as one whose words are in a few.
RANKED = 300
_SQLITE = ("SELECT article_id, score FROM (SELECT rowid AS article_id, "
           "-bm25(knowledge_search_fts) AS score FROM knowledge_search_fts "
           "WHERE knowledge_search_fts MATCH :expression ORDER BY rowid DESC LIMIT :ranked) "
           "ORDER BY score DESC LIMIT :limit")
_POSTGRES = ("SELECT article_id, ts_rank(tsv, to_tsquery('simple', :query)) AS score FROM "
             "(SELECT article_id, tsv FROM knowledge_search "
             "WHERE tsv @@ to_tsquery('simple', :query) ORDER BY article_id DESC "
             "LIMIT :ranked) AS newest ORDER BY score DESC LIMIT :limit")


def writes_articles(user: User | None) -> bool:
    """Whether a user writes and edits articles (Helpdesk LKPP)."""
    return user is not None and user.role is Role.HELPDESK


def _split(raw: Any, limit: int) -> tuple[str, ...]:
    """A comma- or line-separated list typed in one field, each item once."""
    seen: dict[str, None] = {}
    for item in str(raw or "").replace("\n", ",").split(","):
        item = " ".join(item.split())[:100]
        if item and item.lower() not in {s.lower() for s in seen}:
            seen[item] = None
    return tuple(seen)[:limit]


def _checked(data: Mapping[str, Any]) -> dict[str, Any]:
    """The article's fields from a submission; InvalidData naming each bad field."""
    errors: dict[str, list[Message]] = {}
    values = {name: str(data.get(name) or "").strip() for name in LIMITS}
    for name, value in values.items():
        if "\x00" in value:
            errors[name] = [Message("field_nul")]
        elif len(value) > LIMITS[name]:
            errors[name] = [Message("field_max_length", limit=LIMITS[name])]
    for name in ("judul", "isi"):
        if not values[name] and name not in errors:
            errors[name] = [Message("field_required")]
    status = str(data.get("status") or ArticleStatus.PUBLISHED)
    if status not in {s.value for s in ArticleStatus}:
        errors["status"] = [Message("article_status_invalid")]
    if errors:
        raise InvalidData(errors)
    return {"title": " ".join(values["judul"].split()), "body": values["isi"],
            "application": values["aplikasi"],
            "error_codes": list(_split(values["kode_error"], MAX_CODES)),
            "tags": list(_split(values["tag"], MAX_TAGS)),
            "public": bool(data.get("publik")), "status": status}


def _index(session: Session, row: KnowledgeArticleRow) -> None:
    """The article's search text and error codes, rewritten in the caller's transaction."""
    searched = index_text(row.title, row.body, row.application, " ".join(row.error_codes),
                          " ".join(row.tags))
    connection = session.connection()
    done = connection.execute(update(_SEARCH).where(_SEARCH.c.article_id == row.id)
                              .values(text=searched))
    if done.rowcount == 0:
        connection.execute(insert(_SEARCH).values(article_id=row.id, text=searched))
    session.execute(delete(KnowledgeCodeRow).where(KnowledgeCodeRow.article_id == row.id))
    for code in {c.lower() for c in row.error_codes}:
        session.add(KnowledgeCodeRow(article_id=row.id, code=code))


def _version(row: KnowledgeArticleRow, actor: User, now: datetime) -> KnowledgeVersionRow:
    return KnowledgeVersionRow(
        article_id=row.id, version=row.version, title=row.title, body=row.body,
        application=row.application, error_codes=list(row.error_codes), tags=list(row.tags),
        public=row.public, status=row.status, edited_by_id=actor.id, edited_at=now)


def _source(session: Session, actor: User, ticket_id: int | None
            ) -> tuple[TicketRow, int, dict[str, Any], dict[str, Any]] | None:
    """The ticket an article is published from, the step of its newest guide or solution,
    that answer's public fields and the opening form's public fields."""
    if ticket_id is None:
        return None
    ticket = session.get(TicketRow, ticket_id) if 0 < ticket_id <= MAX_ID else None
    if ticket is None or not access.may_see_ticket(actor, ticket):
        raise NotFound(Message("ticket_not_found"))
    definition = definition_of(session, ticket.process_version_id)
    opening: dict[str, Any] = {}
    answer: tuple[int, dict[str, Any]] | None = None
    for event in session.scalars(select(EventRow).where(
            EventRow.ticket_id == ticket.id,
            EventRow.type.in_(("ticket_opened", "task_completed")))
            .order_by(EventRow.seq)):
        form = event.data.get("form")
        if not isinstance(form, Mapping):
            continue
        schema = (definition.form(event.task)
                  if event.task is not None and event.task in definition.steps else None)
        if schema is None:
            continue  # a step this version no longer has: which fields were internal is unknown
        shown = public_data(schema, form)
        if event.type == "ticket_opened":
            opening = shown
        elif event.sop_step is not None and event.sop_step in ANSWER_STEPS:
            answer = (event.sop_step, shown)
    if answer is None:
        raise InvalidData({"tiket": [Message("article_ticket_without_answer")]})
    return ticket, answer[0], answer[1], opening


def article_form(uow: UnitOfWork, actor: User, *, ticket_id: int | None = None,
                 article_id: int | None = None) -> ArticleDraft:
    """What the article form starts from: a new article, the article's current text, or
    a ticket's newest guide (step 4) or solution (step 14) with its title, application
    and error code; internal fields are never carried over."""
    if not writes_articles(actor):
        raise NotFound(Message("page_not_found"))
    with uow:
        session = uow.session
        if article_id is not None:
            row = _row(session, article_id)
            return ArticleDraft(row.title, row.body, row.application, tuple(row.error_codes),
                                tuple(row.tags), row.public, ArticleStatus(row.status))
        found = _source(session, actor, ticket_id)
        if found is None:
            return ArticleDraft()
        ticket, step, answer, opening = found
        body = "\n\n".join(str(answer[name]) for name in ANSWER_STEPS[step]
                           if str(answer.get(name) or "").strip())
        code = str(opening.get("kode_error") or "").strip()
        return ArticleDraft(
            title=str(opening.get("judul") or ticket.title), body=body,
            application=str(opening.get("aplikasi") or ""), error_codes=(code,) if code else (),
            ticket_id=ticket.id, ticket_number=ticket.number, sop_step=step)


def _row(session: Session, article_id: int) -> KnowledgeArticleRow:
    row = session.get(KnowledgeArticleRow, article_id) if 0 < article_id <= MAX_ID else None
    if row is None:
        raise NotFound(Message("article_not_found"))
    return row


def save_article(uow: UnitOfWork, actor: User, data: Mapping[str, Any], *,
                 article_id: int | None = None, ticket_id: int | None = None) -> Article:
    """Write a new article (from a ticket when `ticket_id` is given) or a new version of
    one; Helpdesk LKPP only. Bad fields: InvalidData naming each, nothing changed."""
    if not writes_articles(actor):
        raise Forbidden(Message("only_helpdesk_writes_articles"))
    values = _checked(data)
    with uow:
        session = uow.session
        now = datetime.now(UTC)
        if article_id is None:
            found = _source(session, actor, ticket_id)
            row = KnowledgeArticleRow(**values, version=1, created_by_id=actor.id,
                                      created_at=now, updated_at=now)
            session.add(row)
            session.flush()
            kind = stream.ARTICLE_PUBLISHED
            sources: list[str] = []
            if found is not None:
                session.add(KnowledgeSourceRow(article_id=row.id, ticket_id=found[0].id,
                                               sop_step=found[1]))
                sources.append(found[0].number)
        else:
            row = _row(session, article_id)
            for name, value in values.items():
                setattr(row, name, value)
            row.version += 1
            row.updated_at = now
            kind, sources = stream.ARTICLE_EDITED, []
        session.add(_version(row, actor, now))
        session.flush()
        _index(session, row)
        event: dict[str, Any] = {"article": row.id, "version": row.version, **values}
        if sources:
            event["tickets"] = sources
        stream.record(session, actor, kind, event)
        uow.commit()
        checkpoints.after_change(uow)
        return _to_article(session, actor, row)


def _to_article(session: Session, actor: User | None, row: KnowledgeArticleRow) -> Article:
    sources: tuple[ArticleSource, ...] = ()
    if actor is not None and actor.role is not Role.PENGGUNA:
        tickets = session.execute(
            select(TicketRow, KnowledgeSourceRow.sop_step)
            .join(KnowledgeSourceRow, KnowledgeSourceRow.ticket_id == TicketRow.id)
            .where(KnowledgeSourceRow.article_id == row.id)).all()
        sources = tuple(ArticleSource(t.id, t.number, step) for t, step in tickets
                        if access.may_see_ticket(actor, t))
    uses = session.scalar(select(func.count()).select_from(KnowledgeUseRow)
                          .where(KnowledgeUseRow.article_id == row.id)) or 0
    return Article(
        id=row.id, title=row.title, body=row.body, html=markdown.render(row.body),
        application=row.application, error_codes=tuple(row.error_codes), tags=tuple(row.tags),
        public=row.public, status=ArticleStatus(row.status), version=row.version,
        updated_at=row.updated_at, sources=sources, uses=int(uses))


def may_read(actor: User | None, row: KnowledgeArticleRow) -> bool:
    """Drafts: Helpdesk LKPP; published: every signed-in user; public too: everyone."""
    if writes_articles(actor):
        return True
    if row.status != ArticleStatus.PUBLISHED:
        return False
    return actor is not None or row.public


def get_article(uow: UnitOfWork, actor: User | None, article_id: int) -> Article:
    """One article the reader may read (`actor` None: signed out); NotFound otherwise."""
    with uow:
        session = uow.session
        row = _row(session, article_id)
        if not may_read(actor, row):
            raise NotFound(Message("article_not_found"))
        return _to_article(session, actor, row)


def _readable(actor: User | None) -> list[Any]:
    if writes_articles(actor):
        return []
    conditions: list[Any] = [KnowledgeArticleRow.status == ArticleStatus.PUBLISHED.value]
    if actor is None:
        conditions.append(KnowledgeArticleRow.public.is_(True))
    return conditions


def matching_articles(session: Session, found: Sequence[str], *, any_word: bool,
                      limit: int) -> list[tuple[int, float]]:
    """(article id, score) of the articles whose text has the words, best first."""
    if not found:
        return []
    if session.get_bind().dialect.name == "postgresql":
        query = text(_POSTGRES).bindparams(query=tsquery(list(found), any_word=any_word),
                                           limit=limit, ranked=max(RANKED, limit))
    else:
        query = text(_SQLITE).bindparams(
            expression=fts5_expression(list(found), any_word=any_word), limit=limit,
            ranked=max(RANKED, limit))
    rows = session.execute(query.columns(column("article_id"), column("score"))).all()
    return [(int(r.article_id), float(r.score)) for r in rows]


def list_articles(uow: UnitOfWork, actor: User | None, *, query: str = "", limit: int = 50,
                  offset: int = 0) -> list[Article]:
    """The articles the reader may read: those matching every word typed (stop words left
    out), best first, or all, newest first."""
    typed = words(query.replace("\x00", " ")[:500])
    with uow:
        session = uow.session
        found = select(KnowledgeArticleRow).where(*_readable(actor))
        if query.strip():
            if not typed:
                return []
            scores = dict(matching_articles(session, typed, any_word=False, limit=500))
            rows = [r for r in session.scalars(
                found.where(KnowledgeArticleRow.id.in_(scores)))]
            rows.sort(key=lambda r: (-scores[r.id], -r.id))
            rows = rows[offset:offset + limit]
        else:
            rows = list(session.scalars(found.order_by(KnowledgeArticleRow.updated_at.desc(),
                                                       KnowledgeArticleRow.id.desc())
                                        .limit(limit).offset(offset)))
        return [_to_article(session, actor, row) for row in rows]


def article_versions(uow: UnitOfWork, actor: User, article_id: int) -> list[ArticleVersion]:
    """Every version of an article, newest first (Helpdesk LKPP; NotFound for others)."""
    if not writes_articles(actor):
        raise NotFound(Message("article_not_found"))
    with uow:
        session = uow.session
        _row(session, article_id)
        return [ArticleVersion(row.version, row.title, ArticleStatus(row.status), row.public,
                               username, row.edited_at)
                for row, username in session.execute(
                    select(KnowledgeVersionRow, UserRow.username)
                    .join(UserRow, UserRow.id == KnowledgeVersionRow.edited_by_id)
                    .where(KnowledgeVersionRow.article_id == article_id)
                    .order_by(KnowledgeVersionRow.version.desc()))]
