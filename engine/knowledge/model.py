"""What the knowledge base hands across the engine's edge."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from engine.messages import Message


class ArticleStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


@dataclass(frozen=True)
class ArticleSource:
    """A ticket an article was published from (shown to its handlers only)."""

    ticket_id: int
    number: str
    sop_step: int


@dataclass(frozen=True)
class Article:
    """An article as the reader may read it; `html` is its body rendered safely."""

    id: int
    title: str
    body: str
    html: str
    application: str
    error_codes: tuple[str, ...]
    tags: tuple[str, ...]
    public: bool
    status: ArticleStatus
    version: int
    updated_at: datetime
    sources: tuple[ArticleSource, ...] = ()
    uses: int = 0


@dataclass(frozen=True)
class ArticleVersion:
    """One version of an article: what it was titled, who saved it and when."""

    version: int
    title: str
    status: ArticleStatus
    public: bool
    edited_by: str
    edited_at: datetime


@dataclass(frozen=True)
class ArticleDraft:
    """What the article form starts from: empty, an article's current text, or a ticket's
    step-4 guide or step-14 solution (its public fields only)."""

    title: str = ""
    body: str = ""
    application: str = ""
    error_codes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    public: bool = False
    status: ArticleStatus = ArticleStatus.PUBLISHED
    ticket_id: int | None = None
    ticket_number: str = ""
    sop_step: int | None = None


@dataclass(frozen=True)
class Suggestion:
    """An article or a solved ticket like what is being written, and why it matched."""

    kind: str  # "article" or "ticket"
    id: int
    title: str
    link: str
    reason: Message
    number: str = ""


@dataclass(frozen=True)
class ReplyTemplate:
    """A stored reply; `text` is the body with the ticket's placeholders filled (when read
    for a ticket)."""

    id: int
    name: str
    body: str
    places: tuple[str, ...]
    text: str = ""


@dataclass(frozen=True)
class KnowledgeFigures:
    """What the knowledge base saved: requests closed by an article (escalations avoided),
    the articles used and how often, the error codes asked about more than once."""

    avoided: int
    articles_published: int
    articles_used: int
    top_articles: tuple[tuple[int, str, int], ...] = field(default=())
    repeats: tuple[tuple[str, int], ...] = field(default=())
