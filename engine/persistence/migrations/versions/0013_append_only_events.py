"""events append-only in the database itself (issue 11, part 7); checkpoint labels of a
period (`2026-12-03T18:45Z`) beside those of a day (`2026-12-03`)

Triggers refuse every UPDATE and DELETE of an event (and, on PostgreSQL, a TRUNCATE of the
table) whoever sends it: the app never changes an event, so a refusal means someone tried
to rewrite history. A database administrator can still drop the triggers; README.md says
what catches that.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

REFUSAL = "events are append-only: an event is never updated or deleted"

SQLITE_TRIGGERS = {
    "events_no_update": "BEFORE UPDATE",
    "events_no_delete": "BEFORE DELETE",
}

POSTGRES_FUNCTION = f"""
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{REFUSAL} (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
END
$$
"""


def upgrade() -> None:
    with op.batch_alter_table('audit_checkpoints') as batch:
        batch.alter_column('day', existing_type=sa.String(10), type_=sa.String(20))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(POSTGRES_FUNCTION)
        op.execute("CREATE TRIGGER events_no_update_or_delete BEFORE UPDATE OR DELETE ON events "
                   "FOR EACH ROW EXECUTE FUNCTION events_append_only()")
        op.execute("CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
                   "FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()")
    else:
        for name, when in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} ON events "
                       f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS events_no_truncate ON events")
        op.execute("DROP TRIGGER IF EXISTS events_no_update_or_delete ON events")
        op.execute("DROP FUNCTION IF EXISTS events_append_only()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table('audit_checkpoints') as batch:
        batch.alter_column('day', existing_type=sa.String(20), type_=sa.String(10))
