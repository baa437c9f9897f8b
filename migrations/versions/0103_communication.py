"""communication: messages to attendees, news consent and change notices on registrations

Revision ID: 0103
Revises: 0013
Create Date: 2026-12-04 22:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0103'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('subject', sa.JSON(), nullable=False),
        sa.Column('body', sa.JSON(), nullable=False),
        sa.Column('audience', sa.JSON(), nullable=False),
        sa.Column('send_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('recipients', sa.Integer(), nullable=False),
        sa.Column('created_by', sa.String(length=254), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_messages_event_id', 'messages', ['event_id'])
    op.add_column('registrations', sa.Column('news_opt_in', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('registrations', sa.Column('change_notices', sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade():
    op.drop_column('registrations', 'change_notices')
    op.drop_column('registrations', 'news_opt_in')
    op.drop_index('ix_messages_event_id', table_name='messages')
    op.drop_table('messages')
