"""a partial index on pending tasks by SOP step: the auditors' search by current step

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

PENDING = sa.text("completed_at IS NULL")


def upgrade() -> None:
    op.create_index('ix_tasks_pending_sop_step', 'tasks', ['sop_step', 'ticket_id'],
                    sqlite_where=PENDING, postgresql_where=PENDING)


def downgrade() -> None:
    op.drop_index('ix_tasks_pending_sop_step', table_name='tasks')
