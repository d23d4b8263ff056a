"""the LPSE directory and account events (issue 12)

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved: filled in by the work on the LPSE directory and account events (issue 12)


def downgrade() -> None:
    pass
