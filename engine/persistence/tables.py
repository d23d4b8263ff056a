"""SQLAlchemy 2 tables: LPSEs, users, process versions, tickets, pending tasks, events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from engine.types import DEFAULT_TIMEZONE


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes in UTC on every database (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime; use datetime.now(UTC)")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None,
                             dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    """Declarative base shared by every table of the project."""


class LpseRow(Base):
    __tablename__ = "lpse"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIMEZONE)
    # The LPSE's own helpdesk address (0014), from the directory.
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    role: Mapped[str] = mapped_column(String(40))
    lpse_id: Mapped[int | None] = mapped_column(ForeignKey("lpse.id"), nullable=True, index=True)
    password_hash: Mapped[str | None] = mapped_column(String(300), nullable=True)
    active: Mapped[bool] = mapped_column(default=True)

    # Who to notify of a new task: a lane's active users, of one LPSE or national (0010).
    __table_args__ = (Index("ix_users_role_lpse_active", "role", "lpse_id", "active"),)


class ProcessVersionRow(Base):
    __tablename__ = "process_versions"

    # The content hash of the diagram and its forms together.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    process_id: Mapped[str] = mapped_column(String(200))
    bpmn_xml: Mapped[str] = mapped_column(Text)
    forms: Mapped[dict[str, Any]] = mapped_column(JSON)
    deployed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    deployed_by: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")
    # Raised on every (re)deploy; the highest one is the version new tickets start on.
    activation: Mapped[int] = mapped_column(Integer, unique=True)
    # The owners' scenario file it was deployed with (issue 15), as written; None for none.
    scenarios: Mapped[str | None] = mapped_column(Text, nullable=True, default=None)


class TicketRow(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), index=True)
    lpse_id: Mapped[int] = mapped_column(ForeignKey("lpse.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    process_version_id: Mapped[str] = mapped_column(ForeignKey("process_versions.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # The serialized SpiffWorkflow state, without its process definition (zlib JSON).
    workflow: Mapped[bytes] = mapped_column(LargeBinary)
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default="")
    # Optimistic concurrency: every save is UPDATE ... WHERE revision = <the one read>.
    revision: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012 - SQLAlchemy reads it


class TaskRow(Base):
    """A user task of a ticket; kept current with the workflow in the same transaction.

    Pending rows (completed_at IS NULL) are what inboxes read, through partial indexes,
    so listing tasks never loads a workflow.
    """

    __tablename__ = "tasks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    spec_name: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    lane: Mapped[str] = mapped_column(String(40))
    sop_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    lpse_id: Mapped[int] = mapped_column(ForeignKey("lpse.id"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # Who holds the pending task (claimed or assigned; issue 13), or nobody.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True,
                                                    index=True)

    __table_args__ = (
        Index("ix_tasks_pending_lane_lpse", "lane", "lpse_id", "created_at", "id",
              sqlite_where=text("completed_at IS NULL"),
              postgresql_where=text("completed_at IS NULL")),
        Index("ix_tasks_pending_lane_reporter", "lane", "reporter_id", "created_at", "id",
              sqlite_where=text("completed_at IS NULL"),
              postgresql_where=text("completed_at IS NULL")),
        Index("ix_tasks_pending_lane", "lane", "created_at", "id",
              sqlite_where=text("completed_at IS NULL"),
              postgresql_where=text("completed_at IS NULL")),
        # The auditors' search by current step reads only that step's pending tasks.
        Index("ix_tasks_pending_sop_step", "sop_step", "ticket_id",
              sqlite_where=text("completed_at IS NULL"),
              postgresql_where=text("completed_at IS NULL")),
        # Ticket lists by due time read the pending tasks in due order (0020).
        Index("ix_tasks_pending_due", "due_at", "ticket_id",
              sqlite_where=text("completed_at IS NULL"),
              postgresql_where=text("completed_at IS NULL")),
    )


class AttachmentRow(Base):
    """A file attached to a ticket; the bytes live content-addressed outside the database."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    event_seq: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SignInAttemptRow(Base):
    """A failed sign-in, kept for a while to slow down password guessing."""

    __tablename__ = "sign_in_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_sign_in_attempts_key_at", "key", "at"),)


class UserSessionRow(Base):
    """A signed-in page session or API token; gone when it ends (0012)."""

    __tablename__ = "user_sessions"

    # The SHA-256 of the secret the cookie or token carries: the table alone signs no one in.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class EventRow(Base):
    """An append-only audit event; `stream` is `ticket:<id>` or `process`."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stream: Mapped[str] = mapped_column(String(40))
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id"), nullable=True, index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    # Indexed (migration 0007): day checkpoints read the events of a day by time.
    at: Mapped[str] = mapped_column(String(40), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(40))
    type: Mapped[str] = mapped_column(String(40))
    task: Mapped[str | None] = mapped_column(String(200), nullable=True)
    sop_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("stream", "seq", name="uq_events_stream_seq"),)


class NotificationRow(Base):
    """An in-app notification for one user (issue 6); unread while `read_at` is NULL."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # The task a notification is about (0019): read when that task is done, by anyone.
    task_id: Mapped[str | None] = mapped_column(String(36), nullable=True)

    __table_args__ = (
        Index("ix_notifications_user_id", "user_id", "id"),
        Index("ix_notifications_unread", "user_id",
              sqlite_where=text("read_at IS NULL"), postgresql_where=text("read_at IS NULL")),
        Index("ix_notifications_unread_task", "task_id",
              sqlite_where=text("read_at IS NULL AND task_id IS NOT NULL"),
              postgresql_where=text("read_at IS NULL AND task_id IS NOT NULL")),
    )


class OutboxRow(Base):
    """An email waiting to be sent (issue 6); written with the change that caused it.

    Due while `sent_at` and `failed_at` are NULL and `next_attempt_at` has passed; a worker
    claims due rows with SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notifications.id"), nullable=True)
    recipient: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    __table_args__ = (
        Index("ix_outbox_due", "next_attempt_at", "id",
              sqlite_where=text("sent_at IS NULL AND failed_at IS NULL"),
              postgresql_where=text("sent_at IS NULL AND failed_at IS NULL")),
    )


class TimerRow(Base):
    """A pending task's time limit (issue 6): due at a working-calendar instant, fired once.

    `state` is `waiting` until `eskalasi worker` fires it (`fired`) or finds its task gone
    (`cancelled`); completing the task in time deletes its waiting row (nothing happened that
    the audit needs: a timer that fires leaves events). Workers claim waiting rows with
    SELECT ... FOR UPDATE SKIP LOCKED.
    """

    __tablename__ = "timers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    # No foreign key: a task row may go (a ticket moved to another version) and its timer is
    # then cancelled when it comes due.
    task_id: Mapped[str] = mapped_column(String(36), unique=True)
    task_spec: Mapped[str] = mapped_column(String(200))
    # The boundary timer event attached to the task in the diagram (None when it has none).
    boundary: Mapped[str | None] = mapped_column(String(200), nullable=True)
    time_limit: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    state: Mapped[str] = mapped_column(String(16))
    fired_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    __table_args__ = (
        Index("ix_timers_waiting_due", "due_at", "id",
              sqlite_where=text("state = 'waiting'"),
              postgresql_where=text("state = 'waiting'")),
    )


class CheckpointRow(Base):
    """A day's chain heads (issue 5), itself hash-chained: `seq` 1, 2, ... in one chain.

    `heads` maps each stream that had events from the previous checkpoint's day up to the end
    of `day` (UTC) to `[event count, head hash]` as they stood at the end of `day`, so deleting
    a stream's newest events (and rewinding its ticket row) is caught by `eskalasi verify`.
    """

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    day: Mapped[str] = mapped_column(String(20), unique=True)  # a day or a period end
    written_at: Mapped[datetime] = mapped_column(UtcDateTime())
    heads: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditReadRow(Base):
    """An auditor's read of a ticket's personal data (issue 5): who read what, and when."""

    __tablename__ = "audit_reads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    username: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(40))
    ticket_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    what: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(String(300), default="")


class ProcessDraftRow(Base):
    """Unfinished work on the diagram and its forms, saved without deploying (issue 4).

    Every process owner sees every draft; `revision` refuses a save over someone else's.
    """

    __tablename__ = "process_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    bpmn_xml: Mapped[str] = mapped_column(Text)
    # Form file name -> its text as the owner typed it (it may not be valid JSON yet).
    forms: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The version the draft was opened from, when it was (to compare and migrate against).
    base_version_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012 - SQLAlchemy reads it


class ReportSnapshotRow(Base):
    """The auditors' report figures as last computed (issue 7): derived data only.

    A snapshot is a copy of what `engine.audit.reports.audit_report` returned at `computed_at`;
    nothing here is a source of truth (tickets, tasks and events are), and deleting a row
    only means the next view computes it again. `key` names the report ("default": every
    ticket, no date range).
    """

    __tablename__ = "report_snapshots"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class IncidentRow(Base):
    """A diagram problem that stopped a ticket's step (issue 11): seen, told, cleared.

    Written in its own transaction (the ticket's rolls back); one open row per ticket and
    step, counted on each attempt; `cleared_at` is set when that step completes.
    """

    __tablename__ = "diagram_incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    process_version_id: Mapped[str] = mapped_column(String(64))
    spec_name: Mapped[str] = mapped_column(String(200))
    sop_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime())
    count: Mapped[int] = mapped_column(Integer)
    cleared_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    __table_args__ = (
        Index("ix_diagram_incidents_open", "ticket_id", "spec_name", unique=True,
              sqlite_where=text("cleared_at IS NULL"),
              postgresql_where=text("cleared_at IS NULL")),
    )


class PasswordTokenRow(Base):
    """A mailed invitation or password-reset link (0015): single use, expires after 48 h."""

    __tablename__ = "password_tokens"

    # The SHA-256 of the token the link carries: the table alone sets no password.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class IntakeRequestRow(Base):
    """A Pengguna SPSE's request to their LPSE's helpdesk (issue 12): not an SOP ticket.

    `status` is open, answered (locally, `answer` set) or escalated (`ticket_id` set). Every
    change is an event of the stream `intake:<id>`, whose head the row keeps (0016).
    """

    __tablename__ = "intake_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    lpse_id: Mapped[int] = mapped_column(ForeignKey("lpse.id"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(300))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The attached files as the submission event names them (sha256, filename, type, size).
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True,
                                                  unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default="")

    __table_args__ = (
        Index("ix_intake_requests_lpse_status", "lpse_id", "status", "id"),
        Index("ix_intake_requests_reporter_id", "reporter_id", "id"),
    )


class TicketSearchRow(Base):
    """A ticket's text as search reads it (issue 13): what anyone who may see the ticket may
    read (`public_text`) and the handlers' internal notes (`internal_text`), appended to in
    the transaction of each event (engine.tickets.search).

    The full-text index over it is the database's own, made by migration 0020 and not
    modelled here (SEARCH_INDEX_OBJECTS): an FTS5 table kept by triggers on SQLite, stored
    tsvector columns with GIN indexes on PostgreSQL.
    """

    __tablename__ = "ticket_search"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    public_text: Mapped[str] = mapped_column(Text)
    internal_text: Mapped[str] = mapped_column(Text)


class CommentRow(Base):
    """A comment on a ticket outside the SOP steps (issue 13, 0018), for listing; the event
    `comment_added` at `event_seq` in the ticket's chain is the record. `internal`: a
    handlers' note, never shown to the Pengguna SPSE. Its files are attachments at that seq."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    event_seq: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("ticket_id", "event_seq",
                                       name="uq_comments_ticket_id_event_seq"),)


# The full-text index objects of 0020 that SQLAlchemy cannot declare (an FTS5 virtual table
# and its shadow tables; generated tsvector columns and their GIN indexes): autogenerate's
# comparison of models and migrations leaves these names out.
SEARCH_INDEX_OBJECTS = frozenset({
    "ticket_search_fts", "ticket_search_fts_data", "ticket_search_fts_idx",
    "ticket_search_fts_content", "ticket_search_fts_docsize", "ticket_search_fts_config",
    "public_tsv", "all_tsv", "ix_ticket_search_public_tsv", "ix_ticket_search_all_tsv",
    # 0022: the knowledge base's articles (issue 17)
    "knowledge_search_fts", "knowledge_search_fts_data", "knowledge_search_fts_idx",
    "knowledge_search_fts_content", "knowledge_search_fts_docsize",
    "knowledge_search_fts_config", "tsv", "ix_knowledge_search_tsv",
})


class NotificationSettingRow(Base):
    """How one person wants mail of one notification kind (issue 13, 0019): `off`,
    `immediate` or `digest` (the daily summary). No row: immediate."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    mode: Mapped[str] = mapped_column(String(12))


class NotificationDigestRow(Base):
    """When a person's daily summary was last sent (issue 13, 0019): the next one covers the
    digest-kind notifications after `sent_until`, a day later."""

    __tablename__ = "notification_digests"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    sent_until: Mapped[datetime] = mapped_column(UtcDateTime())


class KnowledgeArticleRow(Base):
    """An article of the knowledge base (issue 17, 0022) as it now reads; `status` draft or
    published, `public` readable without signing in; each edit a `KnowledgeVersionRow`."""

    __tablename__ = "knowledge_articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    application: Mapped[str] = mapped_column(String(100))
    error_codes: Mapped[list[str]] = mapped_column(JSON)
    tags: Mapped[list[str]] = mapped_column(JSON)
    public: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_knowledge_articles_status", "status", "id"),)


class KnowledgeVersionRow(Base):
    """One version of an article (issue 17, 0022): what it read after that edit."""

    __tablename__ = "knowledge_article_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_articles.id"))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    application: Mapped[str] = mapped_column(String(100))
    error_codes: Mapped[list[str]] = mapped_column(JSON)
    tags: Mapped[list[str]] = mapped_column(JSON)
    public: Mapped[bool] = mapped_column()
    status: Mapped[str] = mapped_column(String(16))
    edited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    edited_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("article_id", "version",
                                       name="uq_knowledge_article_versions"),)


class KnowledgeCodeRow(Base):
    """An error code (lower case) an article concerns (issue 17, 0022)."""

    __tablename__ = "knowledge_article_codes"

    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_articles.id"),
                                            primary_key=True)
    code: Mapped[str] = mapped_column(String(100), primary_key=True)

    __table_args__ = (Index("ix_knowledge_article_codes_code", "code", "article_id"),)


class KnowledgeSourceRow(Base):
    """A ticket an article was published from, and the step of its answer (issue 17)."""

    __tablename__ = "knowledge_article_sources"

    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_articles.id"),
                                            primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    sop_step: Mapped[int] = mapped_column(Integer)


class KnowledgeUseRow(Base):
    """An intake request an article solved ("Ini menyelesaikan masalah saya", issue 17)."""

    __tablename__ = "knowledge_uses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_articles.id"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("intake_requests.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("request_id", name="uq_knowledge_uses_request_id"),)


class ReplyTemplateRow(Base):
    """A stored reply with placeholders (issue 17, 0022); `places` where it is offered
    ("4", "14", "data")."""

    __tablename__ = "reply_templates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    places: Mapped[list[str]] = mapped_column(JSON)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("name", name="uq_reply_templates_name"),)


class KnowledgeSearchRow(Base):
    """An article's searchable text (issue 17, 0022), stop words left out; its full-text
    index is the database's own, as for tickets (SEARCH_INDEX_OBJECTS)."""

    __tablename__ = "knowledge_search"

    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_articles.id"),
                                            primary_key=True)
    text: Mapped[str] = mapped_column(Text)
