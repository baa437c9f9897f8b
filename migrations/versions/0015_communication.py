"""communication: messages to attendees, news consent and change notices on registrations,
speakers' addresses and languages, remote speakers' connection details, what speakers were told,
the event's automatic mail settings

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 22:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
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
    op.add_column('people', sa.Column('email', sa.String(length=254), nullable=True))
    op.add_column('people', sa.Column('language', sa.String(length=5), nullable=False, server_default='en'))
    # an id, not a foreign key: SQLite adds no constraint to a table in place
    op.add_column('people', sa.Column('registration_id', sa.Integer(), nullable=True))
    op.create_index('ix_people_registration_id', 'people', ['registration_id'])
    op.add_column('programme_items', sa.Column('tech_check_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('programme_items', sa.Column('connection_url', sa.String(length=500), nullable=True))
    op.create_table(
        'speaker_briefs',
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.Column('told_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('person_id'),
    )
    op.create_table(
        'message_settings',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('speaker_briefs', sa.Boolean(), nullable=False),
        sa.Column('day_before', sa.Boolean(), nullable=False),
        sa.Column('stream_reminder', sa.Boolean(), nullable=False),
        sa.Column('speaker_reminder', sa.Boolean(), nullable=False),
        sa.Column('starred_changes', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id'),
    )


def downgrade():
    op.drop_table('message_settings')
    op.drop_table('speaker_briefs')
    op.drop_column('programme_items', 'connection_url')
    op.drop_column('programme_items', 'tech_check_at')
    op.drop_index('ix_people_registration_id', table_name='people')
    op.drop_column('people', 'registration_id')
    op.drop_column('people', 'language')
    op.drop_column('people', 'email')
    op.drop_column('registrations', 'change_notices')
    op.drop_column('registrations', 'news_opt_in')
    op.drop_index('ix_messages_event_id', table_name='messages')
    op.drop_table('messages')
