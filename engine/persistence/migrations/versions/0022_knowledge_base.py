"""knowledge base: articles with their versions, reply templates (issue 17)

`knowledge_articles` holds each article as it now reads; every edit is a row of
`knowledge_article_versions` (the first version too). `knowledge_article_codes` lists the
error codes an article concerns (lower case) for the "same error code" suggestion,
`knowledge_article_sources` the tickets it was published from, `knowledge_uses` the intake
requests it solved ("Ini menyelesaikan masalah saya"). `reply_templates` are the stored
answers with placeholders.

`knowledge_search` is each article's searchable text (Indonesian stop words left out), with
the database's own index over it, as 0020 does for tickets: an FTS5 table kept by triggers
on SQLite, a stored tsvector column with a GIN index on PostgreSQL.

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

SQLITE_FTS = ("CREATE VIRTUAL TABLE knowledge_search_fts USING fts5(text, "
              "content='knowledge_search', content_rowid='article_id', "
              "tokenize='unicode61 remove_diacritics 2')")
SQLITE_TRIGGERS = {
    "knowledge_search_fts_insert": (
        "AFTER INSERT ON knowledge_search BEGIN "
        "INSERT INTO knowledge_search_fts(rowid, text) VALUES (new.article_id, new.text); END"),
    "knowledge_search_fts_delete": (
        "AFTER DELETE ON knowledge_search BEGIN "
        "INSERT INTO knowledge_search_fts(knowledge_search_fts, rowid, text) "
        "VALUES ('delete', old.article_id, old.text); END"),
    "knowledge_search_fts_update": (
        "AFTER UPDATE ON knowledge_search BEGIN "
        "INSERT INTO knowledge_search_fts(knowledge_search_fts, rowid, text) "
        "VALUES ('delete', old.article_id, old.text); "
        "INSERT INTO knowledge_search_fts(rowid, text) VALUES (new.article_id, new.text); END"),
}


def upgrade() -> None:
    op.create_table(
        'knowledge_articles',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('application', sa.String(length=100), nullable=False),
        sa.Column('error_codes', sa.JSON(), nullable=False),
        sa.Column('tags', sa.JSON(), nullable=False),
        sa.Column('public', sa.Boolean(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_knowledge_articles_status', 'knowledge_articles', ['status', 'id'])
    op.create_table(
        'knowledge_article_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('application', sa.String(length=100), nullable=False),
        sa.Column('error_codes', sa.JSON(), nullable=False),
        sa.Column('tags', sa.JSON(), nullable=False),
        sa.Column('public', sa.Boolean(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('edited_by_id', sa.Integer(), nullable=False),
        sa.Column('edited_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['article_id'], ['knowledge_articles.id']),
        sa.ForeignKeyConstraint(['edited_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('article_id', 'version', name='uq_knowledge_article_versions'),
    )
    op.create_table(
        'knowledge_article_codes',
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['article_id'], ['knowledge_articles.id']),
        sa.PrimaryKeyConstraint('article_id', 'code'),
    )
    op.create_index('ix_knowledge_article_codes_code', 'knowledge_article_codes',
                    ['code', 'article_id'])
    op.create_table(
        'knowledge_article_sources',
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('sop_step', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['article_id'], ['knowledge_articles.id']),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id']),
        sa.PrimaryKeyConstraint('article_id', 'ticket_id'),
    )
    op.create_table(
        'knowledge_uses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['article_id'], ['knowledge_articles.id']),
        sa.ForeignKeyConstraint(['request_id'], ['intake_requests.id']),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('request_id', name='uq_knowledge_uses_request_id'),
    )
    op.create_index('ix_knowledge_uses_article_id', 'knowledge_uses', ['article_id'])
    op.create_table(
        'reply_templates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('places', sa.JSON(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name', name='uq_reply_templates_name'),
    )
    op.create_table(
        'knowledge_search',
        sa.Column('article_id', sa.Integer(), sa.ForeignKey('knowledge_articles.id'),
                  primary_key=True),
        sa.Column('text', sa.Text(), nullable=False),
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TABLE knowledge_search ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
                   "(to_tsvector('simple'::regconfig, text)) STORED")
        op.execute("CREATE INDEX ix_knowledge_search_tsv ON knowledge_search USING gin (tsv)")
    else:
        op.execute(SQLITE_FTS)
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS knowledge_search_fts")
    op.drop_table('knowledge_search')
    op.drop_table('reply_templates')
    op.drop_index('ix_knowledge_uses_article_id', table_name='knowledge_uses')
    op.drop_table('knowledge_uses')
    op.drop_table('knowledge_article_sources')
    op.drop_index('ix_knowledge_article_codes_code', table_name='knowledge_article_codes')
    op.drop_table('knowledge_article_codes')
    op.drop_table('knowledge_article_versions')
    op.drop_index('ix_knowledge_articles_status', table_name='knowledge_articles')
    op.drop_table('knowledge_articles')
