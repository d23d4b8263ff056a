"""The knowledge base's own hash-chained stream `knowledge`: every article and reply
template change is an event of it (as the directory's changes are of `people`), checked by
`eskalasi verify --all`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from engine.evidence import journal
from engine.types import Event, User

KNOWLEDGE_STREAM = "knowledge"
ARTICLE_PUBLISHED = "article_published"  # a new article (draft or published)
ARTICLE_EDITED = "article_edited"  # a new version of an article
TEMPLATE_SAVED = "template_saved"
TEMPLATE_DELETED = "template_deleted"
REQUEST_SOLVED = "request_solved"  # on the request's own stream: an article solved it


def record(session: Session, actor: User, kind: str, data: dict[str, Any]) -> Event:
    """Append one change to the `knowledge` stream, after its newest event."""
    if session.get_bind().dialect.name == "postgresql":
        # One writer of the stream at a time: the next waits, then reads the new head.
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('eskalasi:knowledge'))"))
    seq, head = journal.stream_head(session, KNOWLEDGE_STREAM)
    return journal.append(session, KNOWLEDGE_STREAM, seq + 1, head, ticket_id=None,
                          actor=actor.username, role=actor.role.value, type=kind, data=data)
