"""notification kinds and mail settings (issue 13)

Notifications name the task they are about (`task_id`, read when that task is done; the
existing ones from their `/tugas/<id>` link); each person's mail setting per kind (off,
immediate, or the daily digest) and when their last digest went out.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

TASK_LINK = '/tugas/'


def upgrade() -> None:
    with op.batch_alter_table('notifications') as batch:
        batch.add_column(sa.Column('task_id', sa.String(36), nullable=True))
    op.execute(sa.text(
        "UPDATE notifications SET task_id = substr(link, :start) "
        "WHERE link LIKE :prefix AND read_at IS NULL").bindparams(
            start=len(TASK_LINK) + 1, prefix=TASK_LINK + '%'))
    op.create_index('ix_notifications_unread_task', 'notifications', ['task_id'],
                    sqlite_where=sa.text('read_at IS NULL AND task_id IS NOT NULL'),
                    postgresql_where=sa.text('read_at IS NULL AND task_id IS NOT NULL'))
    op.create_table(
        'notification_settings',
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('kind', sa.String(40), nullable=False),
        sa.Column('mode', sa.String(12), nullable=False),
        sa.PrimaryKeyConstraint('user_id', 'kind'),
    )
    op.create_table(
        'notification_digests',
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('sent_until', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('user_id'),
    )


def downgrade() -> None:
    op.drop_table('notification_digests')
    op.drop_table('notification_settings')
    op.drop_index('ix_notifications_unread_task', table_name='notifications')
    with op.batch_alter_table('notifications') as batch:
        batch.drop_column('task_id')
