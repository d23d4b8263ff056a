"""notification kinds and mail settings (issue 13)

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved: filled in by the work on notification kinds and mail settings (issue 13)


def downgrade() -> None:
    pass
