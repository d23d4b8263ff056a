"""intake requests (issue 12): a Pengguna SPSE's short request to their LPSE's helpdesk

A request is not an SOP ticket: the Admin LPSE answers it locally or escalates it (then it
names the ticket). Its changes are events of its own stream `intake:<id>`; the row keeps
that stream's head, as a ticket row does.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'intake_requests',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('number', sa.String(32), nullable=False, unique=True),
        sa.Column('lpse_id', sa.Integer(), sa.ForeignKey('lpse.id'), nullable=False),
        sa.Column('reporter_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('title', sa.String(300), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('files', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('answer', sa.Text(), nullable=True),
        sa.Column('handled_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('ticket_id', sa.Integer(), sa.ForeignKey('tickets.id'), nullable=True,
                  unique=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('event_count', sa.Integer(), nullable=False),
        sa.Column('last_hash', sa.String(64), nullable=False),
    )
    op.create_index('ix_intake_requests_lpse_status', 'intake_requests',
                    ['lpse_id', 'status', 'id'])
    op.create_index('ix_intake_requests_reporter_id', 'intake_requests', ['reporter_id', 'id'])


def downgrade() -> None:
    op.drop_index('ix_intake_requests_reporter_id', table_name='intake_requests')
    op.drop_index('ix_intake_requests_lpse_status', table_name='intake_requests')
    op.drop_table('intake_requests')
