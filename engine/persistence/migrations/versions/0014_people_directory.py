"""the LPSE directory and account events (issue 12): each LPSE's helpdesk email

Account and directory changes are events of the `people` stream in the existing `events`
table (its own hash chain), so they need no table of their own.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('lpse', sa.Column('email', sa.String(length=200), nullable=True))


def downgrade() -> None:
    # A plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch copy of `lpse` would drop
    # the table that users and tickets point at, which SQLite's foreign keys refuse.
    op.execute('ALTER TABLE lpse DROP COLUMN email')
