"""diagram incidents (issue 11, part 2): a step stopped by a diagram problem

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'diagram_incidents',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('ticket_id', sa.Integer(), sa.ForeignKey('tickets.id'), nullable=False),
        sa.Column('process_version_id', sa.String(64), nullable=False),
        sa.Column('spec_name', sa.String(200), nullable=False),
        sa.Column('sop_step', sa.Integer(), nullable=True),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('cleared_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index('ix_diagram_incidents_ticket_id', 'diagram_incidents', ['ticket_id'])
    # One open incident per ticket and step, even when two attempts fail at once.
    op.create_index('ix_diagram_incidents_open', 'diagram_incidents', ['ticket_id', 'spec_name'],
                    unique=True,
                    sqlite_where=sa.text('cleared_at IS NULL'),
                    postgresql_where=sa.text('cleared_at IS NULL'))


def downgrade() -> None:
    op.drop_index('ix_diagram_incidents_open', table_name='diagram_incidents')
    op.drop_index('ix_diagram_incidents_ticket_id', table_name='diagram_incidents')
    op.drop_table('diagram_incidents')
