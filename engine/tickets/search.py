"""Full-text search over tickets, and the ticket lists it feeds (issue 13).

Each ticket's search document (engine.tickets.search_index: its public text and the
handlers' internal text) is kept current by the ticket store in the transaction of each
change.

The database does the matching and ranking (migration 0020): PostgreSQL through stored
tsvector columns with GIN indexes, `websearch_to_tsquery('simple', ...)` and `ts_rank`;
SQLite through an FTS5 table (`unicode61 remove_diacritics 2`) ranked by bm25, queried
with an expression built here from the words and "quoted phrases" typed, so no input is an
FTS5 syntax error. A Pengguna SPSE's search reads the public text only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session

from engine.persistence.tables import LpseRow, TaskRow, TicketRow, UserRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.process.versions import current_definition
from engine.tickets import access
from engine.tickets.search_index import LPSE_SCOPE, REPORTER_SCOPE, scope_word
from engine.tickets.use_cases import to_tickets
from engine.tickets.windows import AGE_BUCKETS, LATE, SOON, age_condition, due_condition
from engine.types import Role, Ticket, TicketQuery, User

# Sorting a list by due time (earliest first, so the overdue come first).
SORT_DUE = "due"
MINE, NOBODY = "me", "none"  # `assignee` filters besides a username
MAX_QUERY = 500  # characters of a search read (a longer one is cut, not refused)

# A typed query: "a quoted phrase" (closing quote optional) or a run of non-blanks.
_TERM = re.compile(r'"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")
# How many of a query's newest matches are ranked (see `matches`).
RANKED = 300
_SIMPLE: ColumnElement[Any] = literal_column("'simple'")
# PostgreSQL: the stored tsvector columns of 0020 (not in the models).
_DOCUMENTS = table("ticket_search", column("ticket_id"), column("public_tsv"),
                   column("all_tsv"))
# SQLite, by (ranked, newest only): the matches, or the newest (FTS5 walks its index by
# rowid, newest first, and stops), with their bm25 (lower is better, so negated) or 0.
_SQLITE = {
    (True, True): "SELECT rowid AS ticket_id, -bm25(ticket_search_fts) AS score "
                  "FROM ticket_search_fts WHERE ticket_search_fts MATCH :expression "
                  "ORDER BY rowid DESC LIMIT :ranked",
    (True, False): "SELECT rowid AS ticket_id, -bm25(ticket_search_fts) AS score "
                   "FROM ticket_search_fts WHERE ticket_search_fts MATCH :expression",
    (False, True): "SELECT rowid AS ticket_id, 0.0 AS score "
                   "FROM ticket_search_fts WHERE ticket_search_fts MATCH :expression "
                   "ORDER BY rowid DESC LIMIT :ranked",
    (False, False): "SELECT rowid AS ticket_id, 0.0 AS score "
                    "FROM ticket_search_fts WHERE ticket_search_fts MATCH :expression",
}


def sees_internal_text(user: User) -> bool:
    """Whether a user's search reads the handlers' internal text (on the tickets they may
    see: the Pengguna SPSE never does)."""
    return user.role in (Role.ADMIN, Role.HELPDESK, Role.AUDITOR)


def _terms(typed: str) -> Iterator[tuple[str, list[str]]]:
    """(operator, words) for each term typed: operator "" (must match), "or" (joins the
    previous and next term), "-" (must not match)."""
    for match in _TERM.finditer(typed[:MAX_QUERY]):
        phrase, bare = match.group(1), match.group(2)
        if bare is not None and bare.lower() == "or":
            yield "or", []
            continue
        negated = bare is not None and bare.startswith("-") and len(bare) > 1
        words = _WORD.findall(phrase if phrase is not None else bare)
        if words:
            yield ("-" if negated else ""), words


def fts5_query(typed: str) -> str | None:
    """An FTS5 expression for what was typed (every term must match, `or` between two terms,
    `-term` excluded), each term a quoted phrase of its words, so nothing typed is FTS5
    syntax; None when nothing searchable was typed."""
    groups: list[list[str]] = []
    excluded: list[str] = []
    joining = False
    for operator, words in _terms(typed):
        if operator == "or":
            joining = bool(groups)
            continue
        phrase = '"' + " ".join(words) + '"'
        if operator == "-":
            excluded.append(phrase)
        elif joining:
            groups[-1].append(phrase)
        else:
            groups.append([phrase])
        joining = False
    if not groups:
        return None
    wanted = " AND ".join(g[0] if len(g) == 1 else "(" + " OR ".join(g) + ")" for g in groups)
    return f"({wanted})" + "".join(f" NOT {phrase}" for phrase in excluded)


def _scope(user: User) -> str:
    """The scope word narrowing a user's search to what they may see ("" for all)."""
    if user.role is Role.ADMIN and user.lpse_id is not None:
        return scope_word(LPSE_SCOPE, user.lpse_id)
    if user.role is Role.PENGGUNA:
        return scope_word(REPORTER_SCOPE, user.id)
    return ""


def matches(session: Session, user: User, typed: str, *, lpse_id: int | None = None,
            newest: int | None = RANKED, ranked: bool = True) -> Subquery | None:
    """The tickets whose search document matches what was typed, as (ticket_id, score),
    higher score better; only the public text unless the user reads internal text. None when
    nothing searchable was typed.

    With `newest` (the default, RANKED), only that many newest matches are taken and ranked:
    a query that matches more (a word in most tickets) is answered from its newest matches,
    so its cost does not grow with the number of tickets. Callers that narrow the matches
    further by anything but the LPSE (`lpse_id`, matched inside the index) pass None, so no
    match is lost; `ranked=False` leaves out the ranking (score 0) for callers that order by
    something else. An Admin LPSE's and a Pengguna SPSE's search is narrowed to their
    tickets inside the index (scope words) before anything else.
    """
    internal = sees_internal_text(user)
    typed = typed.replace("\x00", " ")[:MAX_QUERY]
    scopes = [word for word in (_scope(user), scope_word(LPSE_SCOPE, lpse_id)
                                if lpse_id is not None else "") if word]
    if session.get_bind().dialect.name == "postgresql":
        if not _WORD.search(typed):
            return None
        wanted: ColumnElement[Any] = func.websearch_to_tsquery(_SIMPLE, typed)
        for scope in scopes:
            wanted = wanted.op("&&")(func.to_tsquery(_SIMPLE, scope))
        vector = _DOCUMENTS.c.all_tsv if internal else _DOCUMENTS.c.public_tsv
        taken = select(_DOCUMENTS.c.ticket_id, vector.label("vector")).where(
            vector.op("@@")(wanted))
        if newest is not None:
            taken = taken.order_by(_DOCUMENTS.c.ticket_id.desc()).limit(newest)
        chosen = taken.subquery("newest")
        score = (func.ts_rank(chosen.c.vector, wanted) if ranked
                 else literal_column("0.0"))
        return select(chosen.c.ticket_id, score.label("score")).subquery("found")
    expression = fts5_query(typed)
    if expression is None:
        return None
    for scope in scopes:
        expression = f'{expression} AND "{scope}"'
    if not internal:
        expression = "{public_text} : (" + expression + ")"
    sql = _SQLITE[ranked, newest is not None]
    query = text(sql).bindparams(expression=expression)
    if newest is not None:
        query = query.bindparams(ranked=newest)
    return query.columns(column("ticket_id"), column("score")).subquery("found")


def _pending(*conditions: ColumnElement[bool]) -> Select[int]:
    return select(TaskRow.ticket_id).where(TaskRow.completed_at.is_(None), *conditions)


def _held_by(user: User, assignee: str) -> ColumnElement[bool]:
    if assignee == MINE:
        return TaskRow.assignee_id == user.id
    if assignee == NOBODY:
        return TaskRow.assignee_id.is_(None)
    return TaskRow.assignee_id == select(UserRow.id).where(
        UserRow.username == assignee.replace("\x00", "")).scalar_subquery()


def _narrowed(user: User, query: TicketQuery) -> list[ColumnElement[bool]]:
    """Conditions on ticket rows: what the user may see, narrowed by the query's filters."""
    conditions: list[ColumnElement[bool]] = [access.visible_tickets(user)]
    if query.lpse_id is not None:
        conditions.append(TicketRow.lpse_id == query.lpse_id)
    if query.sop_step is not None:
        conditions.append(TicketRow.id.in_(_pending(TaskRow.sop_step == query.sop_step)))
    if query.lpse_code:
        conditions.append(TicketRow.lpse_id.in_(
            select(LpseRow.id).where(LpseRow.code == query.lpse_code.replace("\x00", ""))))
    if query.status:
        conditions.append(TicketRow.status == query.status)
    if query.assignee:
        conditions.append(TicketRow.id.in_(_pending(_held_by(user, query.assignee))))
    if query.lane:
        conditions.append(TicketRow.id.in_(_pending(TaskRow.lane == query.lane)))
    return conditions


def ticket_rows(session: Session, user: User, query: TicketQuery, *, limit: int,
                offset: int) -> Sequence[TicketRow]:
    """The ticket rows a user may see that match the query, in its order: best match first
    when words were typed, earliest due first with `sort="due"`, else newest first."""
    conditions = _narrowed(user, query)
    if query.age in AGE_BUCKETS or query.due in (LATE, SOON):
        # The dashboard's windows, in working time of each ticket's LPSE (issue 16).
        now = datetime.now(UTC)
        if query.age in AGE_BUCKETS:
            conditions.append(age_condition(session, query.age, now))
        if query.due in (LATE, SOON):
            conditions.append(due_condition(session, query.due, now))
    order: list[Any] = []
    hits = None
    if query.text.strip():
        # Relevance alone: the newest matches ranked (the LPSE chosen inside the index);
        # narrowed by more, or ordered by due time: every match, so none is lost.
        narrowed = bool(query.sop_step or query.status or query.assignee or query.lane
                        or query.lpse_code or query.age or query.due)
        by_due = query.sort == SORT_DUE
        hits = matches(session, user, query.text, lpse_id=query.lpse_id,
                       newest=None if narrowed or by_due else RANKED, ranked=not by_due)
        if hits is None:
            return []
    if query.sort == SORT_DUE:
        if hits is not None:
            conditions.append(TicketRow.id.in_(select(hits.c.ticket_id)))
        return _by_due(session, conditions, limit=limit, offset=offset)
    found = select(TicketRow).where(*conditions)
    if hits is not None:
        found = found.join(hits, hits.c.ticket_id == TicketRow.id)
        order.append(hits.c.score.desc())
    order.append(TicketRow.id.desc())
    return session.scalars(found.order_by(*order).limit(limit).offset(offset)).all()


def _by_due(session: Session, conditions: list[ColumnElement[bool]], *, limit: int,
            offset: int) -> Sequence[TicketRow]:
    """Tickets by their earliest pending due time (the overdue first), then those with no
    due time (no limit on their step, or closed), newest first.

    The pending tasks are read in due order from their index and stop once the page is
    full (a ticket with two pending steps comes once, at its earliest), so the cost follows
    the page, not the number of tickets.
    """
    timed = (TaskRow.completed_at.is_(None), TaskRow.due_at.is_not(None))
    wanted = offset + limit
    ids: list[int] = []
    batch = wanted * 2 + 8
    while True:
        rows = session.execute(
            select(TaskRow.ticket_id).join(TicketRow, TicketRow.id == TaskRow.ticket_id)
            .where(*timed, *conditions).order_by(TaskRow.due_at, TaskRow.ticket_id)
            .limit(batch)).scalars().all()
        ids = list(dict.fromkeys(rows))
        if len(ids) >= wanted or len(rows) < batch:
            break
        batch *= 4
    chosen = ids[offset:wanted]
    found = {row.id: row for row in session.scalars(
        select(TicketRow).where(TicketRow.id.in_(chosen)))} if chosen else {}
    page = [found[i] for i in chosen if i in found]
    if len(page) == limit:
        return page
    # Past the timed ones: the rest, newest first.
    skip = max(0, offset - len(ids))  # ids holds every timed ticket here
    rest = session.scalars(
        select(TicketRow).where(*conditions, TicketRow.id.not_in(
            select(TaskRow.ticket_id).where(*timed)))
        .order_by(TicketRow.id.desc()).limit(limit - len(page)).offset(skip)).all()
    return page + list(rest)


def find_tickets(uow: UnitOfWork, actor: User, query: TicketQuery, *, limit: int = 100,
                 offset: int = 0) -> list[Ticket]:
    """The tickets the actor may see that match the query (words, LPSE, current SOP step,
    status), best match first, or by due time (`sort="due"`), else newest first."""
    with uow:
        session = uow.session
        return to_tickets(session, ticket_rows(session, actor, query, limit=limit,
                                               offset=offset))


def step_choices(uow: UnitOfWork) -> list[tuple[int, str]]:
    """The SOP steps of the current version as (number, name), for a list's step filter."""
    with uow:
        steps = current_definition(uow.session).steps.values()
        named = {step.sop_step: step.name for step in steps if step.sop_step is not None}
        return sorted(named.items())
