"""task ownership (issue 13)

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved: filled in by the work on task ownership (issue 13)


def downgrade() -> None:
    pass
