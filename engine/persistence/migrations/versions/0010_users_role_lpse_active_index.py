"""an index on users by (role, lpse_id, active): who to notify of a new task

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_users_role_lpse_active', 'users', ['role', 'lpse_id', 'active'])


def downgrade() -> None:
    op.drop_index('ix_users_role_lpse_active', table_name='users')
