"""events append-only in the database itself (issue 11, part 7): reserved

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # filled in by the work on issue 11 named in the docstring


def downgrade() -> None:
    pass
