"""sign-in attempts per account and address, server-side sessions (issue 11, parts 4-5): reserved

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # filled in by the work on issue 11 named in the docstring


def downgrade() -> None:
    pass
