"""networking as delegations meet: consent (auto-match opt-out, cancel reasons), online
meetings (video rooms and links), named places, facilitated bookings and hosts, company parties

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 22:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('networking_profiles', sa.Column('auto_match', sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column('meeting_requests', sa.Column('reason', sa.Text(), nullable=False, server_default=''))
    op.add_column('networking_settings', sa.Column('max_auto_meetings', sa.Integer(), nullable=False, server_default='2'))
    op.add_column('networking_settings', sa.Column('video_base_url', sa.String(length=500), nullable=False, server_default=''))
    op.add_column('meeting_tables', sa.Column('name', sa.String(length=200), nullable=False, server_default=''))
    op.add_column('meeting_tables', sa.Column('online', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('meetings', sa.Column('video_link', sa.String(length=500), nullable=False, server_default=''))

    op.create_table('meeting_attendees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=4), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['meeting_requests.id'], name=op.f('fk_meeting_attendees_request_id_meeting_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_meeting_attendees_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_attendees')),
    sa.UniqueConstraint('request_id', 'registration_id', name=op.f('uq_meeting_attendees_request_id'))
    )
    op.create_index(op.f('ix_meeting_attendees_request_id'), 'meeting_attendees', ['request_id'], unique=False)
    op.create_index(op.f('ix_meeting_attendees_registration_id'), 'meeting_attendees', ['registration_id'], unique=False)

    op.create_table('meeting_bookings',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('booked_by_user_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['meeting_requests.id'], name=op.f('fk_meeting_bookings_request_id_meeting_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['booked_by_user_id'], ['users.id'], name=op.f('fk_meeting_bookings_booked_by_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('request_id', name=op.f('pk_meeting_bookings'))
    )
    op.create_index(op.f('ix_meeting_bookings_booked_by_user_id'), 'meeting_bookings', ['booked_by_user_id'], unique=False)

    op.create_table('networking_hosts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_networking_hosts_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_networking_hosts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_networking_hosts')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_networking_hosts_event_id'))
    )
    op.create_index(op.f('ix_networking_hosts_event_id'), 'networking_hosts', ['event_id'], unique=False)
    op.create_index(op.f('ix_networking_hosts_user_id'), 'networking_hosts', ['user_id'], unique=False)


def downgrade():
    op.drop_table('networking_hosts')
    op.drop_table('meeting_bookings')
    op.drop_table('meeting_attendees')
    op.drop_column('meetings', 'video_link')
    op.drop_column('meeting_tables', 'online')
    op.drop_column('meeting_tables', 'name')
    op.drop_column('networking_settings', 'video_base_url')
    op.drop_column('networking_settings', 'max_auto_meetings')
    op.drop_column('meeting_requests', 'reason')
    op.drop_column('networking_profiles', 'auto_match')
