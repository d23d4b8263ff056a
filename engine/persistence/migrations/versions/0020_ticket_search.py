"""full-text ticket search (issue 13)

`ticket_search` holds each ticket's searchable text in two parts: what anyone who may see
the ticket may read (title, description, codes, number, LPSE, reporter, public answers and
comments) and the handlers' internal notes. The index over it is the database's own:

- SQLite: an FTS5 table over both columns (external content, `unicode61 remove_diacritics
  2`), kept current by triggers on `ticket_search`; ranked with bm25.
- PostgreSQL: stored generated tsvector columns (`simple` configuration) for the public text
  and for all of it, each with a GIN index; ranked with ts_rank.

And an index of the pending tasks by due time, for ticket lists sorted by it.

Existing tickets are filled in from their events. Which answers were internal needs each
version's forms and diagram, which a migration does not parse: the opening form, number,
LPSE and reporter go to the public text, every later answer to the internal text, so nothing
internal becomes findable by a Pengguna SPSE (a reporter's own later answers of those tickets are
found by the handlers only; every answer given from now on is sorted by its form).

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

SQLITE_FTS = ("CREATE VIRTUAL TABLE ticket_search_fts USING fts5(public_text, internal_text, "
              "content='ticket_search', content_rowid='ticket_id', "
              "tokenize='unicode61 remove_diacritics 2')")
SQLITE_TRIGGERS = {
    "ticket_search_fts_insert": (
        "AFTER INSERT ON ticket_search BEGIN "
        "INSERT INTO ticket_search_fts(rowid, public_text, internal_text) "
        "VALUES (new.ticket_id, new.public_text, new.internal_text); END"),
    "ticket_search_fts_delete": (
        "AFTER DELETE ON ticket_search BEGIN "
        "INSERT INTO ticket_search_fts(ticket_search_fts, rowid, public_text, internal_text) "
        "VALUES ('delete', old.ticket_id, old.public_text, old.internal_text); END"),
    "ticket_search_fts_update": (
        "AFTER UPDATE ON ticket_search BEGIN "
        "INSERT INTO ticket_search_fts(ticket_search_fts, rowid, public_text, internal_text) "
        "VALUES ('delete', old.ticket_id, old.public_text, old.internal_text); "
        "INSERT INTO ticket_search_fts(rowid, public_text, internal_text) "
        "VALUES (new.ticket_id, new.public_text, new.internal_text); END"),
}
POSTGRES_COLUMNS = {
    "public_tsv": "to_tsvector('simple'::regconfig, public_text)",
    "all_tsv": "to_tsvector('simple'::regconfig, public_text || ' ' || internal_text)",
}


def _words(value: Any) -> list[str]:
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, str | int | float):
        return [str(value)]
    if isinstance(value, list):
        return [word for item in value for word in _words(item)]
    if isinstance(value, dict):
        return [word for item in value.values() for word in _words(item)]
    return []


def _fill(bind: sa.engine.Connection) -> None:
    names = dict(bind.execute(sa.text("SELECT username, full_name FROM users")).all())
    texts: dict[int, tuple[list[str], list[str]]] = {}
    for ticket_id, number, title, lpse_id, reporter_id in bind.execute(sa.text(
            "SELECT id, number, title, lpse_id, reporter_id FROM tickets")):
        sequence = number.rsplit("-", 1)[-1].lstrip("0")
        # Who may see it, as engine.tickets.search_index.scope_word writes it.
        scope = [f"zzlpse{lpse_id}q", f"zzpelapor{reporter_id}q"]
        texts[ticket_id] = ([*scope, number, sequence, title], [])
    rows = bind.execute(sa.text(
        "SELECT ticket_id, type, data FROM events WHERE ticket_id IS NOT NULL "
        "AND type IN ('ticket_opened', 'task_completed') ORDER BY ticket_id, seq"))
    for ticket_id, kind, data in rows:
        if ticket_id not in texts:
            continue
        data = json.loads(data) if isinstance(data, str) else (data or {})
        public, internal = texts[ticket_id]
        form = _words(data.get("form", {}))
        if kind == "ticket_opened":
            reporter = str(data.get("reporter", ""))
            public += [reporter, names.get(reporter, ""), str(data.get("lpse", "")), *form]
        else:
            internal += form
    if texts:
        bind.execute(sa.text("INSERT INTO ticket_search (ticket_id, public_text, internal_text)"
                             " VALUES (:ticket_id, :public_text, :internal_text)"),
                     [{"ticket_id": ticket_id, "public_text": " ".join(filter(None, public)),
                       "internal_text": " ".join(filter(None, internal))}
                      for ticket_id, (public, internal) in texts.items()])


def upgrade() -> None:
    op.create_table(
        'ticket_search',
        sa.Column('ticket_id', sa.Integer(), sa.ForeignKey('tickets.id'), primary_key=True),
        sa.Column('public_text', sa.Text(), nullable=False),
        sa.Column('internal_text', sa.Text(), nullable=False),
    )
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        for column, expression in POSTGRES_COLUMNS.items():
            op.execute(f"ALTER TABLE ticket_search ADD COLUMN {column} tsvector "
                       f"GENERATED ALWAYS AS ({expression}) STORED")
            op.execute(f"CREATE INDEX ix_ticket_search_{column} ON ticket_search "
                       f"USING gin ({column})")
    else:
        op.execute(SQLITE_FTS)
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    _fill(bind)
    # Ticket lists sorted by due time read the pending tasks in due order.
    op.create_index('ix_tasks_pending_due', 'tasks', ['due_at', 'ticket_id'],
                    sqlite_where=sa.text('completed_at IS NULL'),
                    postgresql_where=sa.text('completed_at IS NULL'))


def downgrade() -> None:
    op.drop_index('ix_tasks_pending_due', table_name='tasks')
    if op.get_bind().dialect.name != 'postgresql':
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS ticket_search_fts")
    op.drop_table('ticket_search')  # its tsvector columns and GIN indexes go with it
