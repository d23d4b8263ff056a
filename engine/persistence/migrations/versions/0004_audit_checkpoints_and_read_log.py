"""audit checkpoints and read log (issue 5)

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('heads', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('day'),
    sa.UniqueConstraint('seq')
    )
    op.create_table('audit_reads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('what', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.String(length=300), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_reads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_reads_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_reads_ticket_id'), ['ticket_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_audit_reads_username'), ['username'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_reads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_reads_username'))
        batch_op.drop_index(batch_op.f('ix_audit_reads_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_audit_reads_at'))
    op.drop_table('audit_reads')
    op.drop_table('audit_checkpoints')
