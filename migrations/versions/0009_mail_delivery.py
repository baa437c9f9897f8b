"""mail delivery by workers: outbox states, retries, rules; jobs with a due time

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 21:00:00

Messages already sent are `sent`; the others wait as `queued` (due now).
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('outbox_messages', sa.Column('rule', sa.String(length=80), nullable=False, server_default=''))
    op.add_column('outbox_messages', sa.Column('key', sa.String(length=200), nullable=True))
    op.add_column('outbox_messages', sa.Column('headers', sa.JSON(), nullable=False, server_default='{}'))
    op.add_column('outbox_messages', sa.Column('status', sa.String(length=10), nullable=False, server_default='queued'))
    # SQLite adds a NOT NULL column only with a constant default; every row then gets its own
    op.add_column('outbox_messages', sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False, server_default='2000-01-01 00:00:00'))
    op.add_column('outbox_messages', sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))
    outbox = sa.table(
        'outbox_messages',
        sa.column('status', sa.String),
        sa.column('sent_at', sa.DateTime),
        sa.column('created_at', sa.DateTime),
        sa.column('next_attempt_at', sa.DateTime),
    )
    op.execute(outbox.update().values(next_attempt_at=outbox.c.created_at))
    op.execute(outbox.update().where(outbox.c.sent_at.is_not(None)).values(status='sent'))
    op.create_index(op.f('ix_outbox_messages_rule'), 'outbox_messages', ['rule'], unique=False)
    op.create_index('ix_outbox_messages_key', 'outbox_messages', ['key'], unique=True)
    op.create_index('ix_outbox_messages_due', 'outbox_messages', ['status', 'next_attempt_at'], unique=False)
    op.add_column('jobs', sa.Column('due_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('jobs', sa.Column('key', sa.String(length=200), nullable=True))
    op.create_index('ix_jobs_key', 'jobs', ['key'], unique=True)


def downgrade():
    op.drop_index('ix_jobs_key', table_name='jobs')
    op.drop_column('jobs', 'key')
    op.drop_column('jobs', 'due_at')
    op.drop_index('ix_outbox_messages_due', table_name='outbox_messages')
    op.drop_index('ix_outbox_messages_key', table_name='outbox_messages')
    op.drop_index(op.f('ix_outbox_messages_rule'), table_name='outbox_messages')
    for name in ('claimed_until', 'next_attempt_at', 'status', 'headers', 'key', 'rule'):
        op.drop_column('outbox_messages', name)
