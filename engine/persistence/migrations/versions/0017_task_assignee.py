"""task ownership (issue 13): a pending task's assignee

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite takes a nullable column with its REFERENCES inline, without copying the
        # table (Alembic would want batch mode for the constraint).
        op.execute('ALTER TABLE tasks ADD COLUMN assignee_id INTEGER REFERENCES users (id)')
    else:
        op.add_column('tasks', sa.Column('assignee_id', sa.Integer(), nullable=True))
        op.create_foreign_key('tasks_assignee_id_fkey', 'tasks', 'users',
                              ['assignee_id'], ['id'])
    op.create_index('ix_tasks_assignee_id', 'tasks', ['assignee_id'])


def downgrade() -> None:
    op.drop_index('ix_tasks_assignee_id', table_name='tasks')
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite cannot drop a column that a foreign key uses: batch mode copies the table.
        with op.batch_alter_table('tasks') as batch:
            batch.drop_column('assignee_id')
    else:
        op.drop_constraint('tasks_assignee_id_fkey', 'tasks', type_='foreignkey')
        op.drop_column('tasks', 'assignee_id')
