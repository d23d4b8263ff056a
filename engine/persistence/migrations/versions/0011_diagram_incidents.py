"""diagram incidents (issue 11, part 2): reserved

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # filled in by the work on issue 11 named in the docstring


def downgrade() -> None:
    pass
