"""timers: the time limits of pending tasks (issue 6)

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('timers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('task_spec', sa.String(length=200), nullable=False),
    sa.Column('boundary', sa.String(length=200), nullable=True),
    sa.Column('time_limit', sa.String(length=16), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('fired_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('task_id')
    )
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_timers_ticket_id'), ['ticket_id'], unique=False)
        batch_op.create_index('ix_timers_waiting_due', ['due_at', 'id'], unique=False,
                              sqlite_where=sa.text("state = 'waiting'"),
                              postgresql_where=sa.text("state = 'waiting'"))


def downgrade() -> None:
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.drop_index('ix_timers_waiting_due', sqlite_where=sa.text("state = 'waiting'"),
                            postgresql_where=sa.text("state = 'waiting'"))
        batch_op.drop_index(batch_op.f('ix_timers_ticket_id'))
    op.drop_table('timers')
