"""the owners' scenarios stored with each process version (issue 15)

`process_versions.scenarios` holds the scenario file (`NAME.scenarios.json`) the version was
deployed with, as the owners wrote it (its lines are what failures point at); NULL for a
version deployed without any. A deploy that brings none runs, and keeps, those of the
version deployed before it.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('process_versions', sa.Column('scenarios', sa.Text(), nullable=True))


def downgrade() -> None:
    # A plain column: SQLite (3.35 and later) drops it in place, without copying the table
    # that tickets refer to.
    op.drop_column('process_versions', 'scenarios')
