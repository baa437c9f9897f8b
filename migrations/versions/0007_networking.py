"""networking: delegations, profiles, requests, slots, tables, meetings

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 19:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('delegations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('home_organisation', sa.String(length=200), nullable=False),
    sa.Column('lead_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_delegations_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lead_user_id'], ['users.id'], name=op.f('fk_delegations_lead_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delegations'))
    )
    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delegations_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delegations_lead_user_id'), ['lead_user_id'], unique=False)

    op.create_table('meeting_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_meeting_slots_slot_ends_after_start')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_meeting_slots_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_slots'))
    )
    with op.batch_alter_table('meeting_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_slots_event_id'), ['event_id'], unique=False)

    op.create_table('meeting_tables',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('free_slots', sa.JSON(), nullable=True),
    sa.CheckConstraint('seats >= 2', name=op.f('ck_meeting_tables_table_seats')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_meeting_tables_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_tables')),
    sa.UniqueConstraint('event_id', 'number', name=op.f('uq_meeting_tables_event_id'))
    )
    with op.batch_alter_table('meeting_tables', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_tables_event_id'), ['event_id'], unique=False)

    op.create_table('networking_settings',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('request_expiry_hours', sa.Integer(), nullable=False),
    sa.Column('max_open_requests', sa.Integer(), nullable=False),
    sa.Column('max_meetings', sa.Integer(), nullable=False),
    sa.Column('interest_tags', sa.JSON(), nullable=False),
    sa.Column('solve_status', sa.String(length=20), nullable=True),
    sa.Column('solve_objective', sa.Integer(), nullable=True),
    sa.Column('solve_bound', sa.Integer(), nullable=True),
    sa.Column('solved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('max_meetings >= 0', name=op.f('ck_networking_settings_meeting_cap')),
    sa.CheckConstraint('max_open_requests >= 0', name=op.f('ck_networking_settings_open_cap')),
    sa.CheckConstraint('request_expiry_hours > 0', name=op.f('ck_networking_settings_expiry_positive')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_networking_settings_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_networking_settings'))
    )
    op.create_table('delegation_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delegation_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('company', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['delegation_id'], ['delegations.id'], name=op.f('fk_delegation_members_delegation_id_delegations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_delegation_members_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delegation_members')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_delegation_members_registration_id'))
    )
    with op.batch_alter_table('delegation_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delegation_members_delegation_id'), ['delegation_id'], unique=False)

    op.create_table('meeting_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('from_id', sa.Integer(), nullable=False),
    sa.Column('to_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('auto', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_meeting_requests_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['from_id'], ['registrations.id'], name=op.f('fk_meeting_requests_from_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_id'], ['registrations.id'], name=op.f('fk_meeting_requests_to_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_requests'))
    )
    with op.batch_alter_table('meeting_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_requests_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_requests_from_id'), ['from_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_requests_to_id'), ['to_id'], unique=False)

    op.create_table('networking_blocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('blocker_id', sa.Integer(), nullable=False),
    sa.Column('blocked_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['blocked_id'], ['registrations.id'], name=op.f('fk_networking_blocks_blocked_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['blocker_id'], ['registrations.id'], name=op.f('fk_networking_blocks_blocker_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_networking_blocks')),
    sa.UniqueConstraint('blocker_id', 'blocked_id', name=op.f('uq_networking_blocks_blocker_id'))
    )
    with op.batch_alter_table('networking_blocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_networking_blocks_blocked_id'), ['blocked_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_networking_blocks_blocker_id'), ['blocker_id'], unique=False)

    op.create_table('networking_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('pitch', sa.Text(), nullable=False),
    sa.Column('offers', sa.Text(), nullable=False),
    sa.Column('seeks', sa.Text(), nullable=False),
    sa.Column('interests', sa.JSON(), nullable=False),
    sa.Column('company_stage', sa.String(length=20), nullable=False),
    sa.Column('investment_focus', sa.String(length=500), nullable=False),
    sa.Column('unavailable_slots', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_networking_profiles_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_networking_profiles')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_networking_profiles_registration_id'))
    )
    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=True),
    sa.Column('table_id', sa.Integer(), nullable=True),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('published_slot_id', sa.Integer(), nullable=True),
    sa.Column('published_table_id', sa.Integer(), nullable=True),
    sa.Column('happened_from', sa.Boolean(), nullable=True),
    sa.Column('happened_to', sa.Boolean(), nullable=True),
    sa.Column('rating_from', sa.Integer(), nullable=True),
    sa.Column('rating_to', sa.Integer(), nullable=True),
    sa.CheckConstraint('rating_from IS NULL OR rating_from BETWEEN 1 AND 5', name=op.f('ck_meetings_rating_from')),
    sa.CheckConstraint('rating_to IS NULL OR rating_to BETWEEN 1 AND 5', name=op.f('ck_meetings_rating_to')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_meetings_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_slot_id'], ['meeting_slots.id'], name=op.f('fk_meetings_published_slot_id_meeting_slots'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['published_table_id'], ['meeting_tables.id'], name=op.f('fk_meetings_published_table_id_meeting_tables'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['meeting_requests.id'], name=op.f('fk_meetings_request_id_meeting_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['slot_id'], ['meeting_slots.id'], name=op.f('fk_meetings_slot_id_meeting_slots'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['table_id'], ['meeting_tables.id'], name=op.f('fk_meetings_table_id_meeting_tables'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings')),
    sa.UniqueConstraint('request_id', name=op.f('uq_meetings_request_id'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_event_id'), ['event_id'], unique=False)



def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_event_id'))

    op.drop_table('meetings')
    op.drop_table('networking_profiles')
    with op.batch_alter_table('networking_blocks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_networking_blocks_blocker_id'))
        batch_op.drop_index(batch_op.f('ix_networking_blocks_blocked_id'))

    op.drop_table('networking_blocks')
    with op.batch_alter_table('meeting_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_requests_to_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_requests_from_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_requests_event_id'))

    op.drop_table('meeting_requests')
    with op.batch_alter_table('delegation_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delegation_members_delegation_id'))

    op.drop_table('delegation_members')
    op.drop_table('networking_settings')
    with op.batch_alter_table('meeting_tables', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_tables_event_id'))

    op.drop_table('meeting_tables')
    with op.batch_alter_table('meeting_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_slots_event_id'))

    op.drop_table('meeting_slots')
    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delegations_lead_user_id'))
        batch_op.drop_index(batch_op.f('ix_delegations_event_id'))

    op.drop_table('delegations')
