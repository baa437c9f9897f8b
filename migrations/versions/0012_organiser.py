"""organiser: registration settings per event, answers, staff invitations, sponsors

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10 10:00:00

Events get a registration window, extra questions, who organises them and a privacy text;
registrations their answers; staff are invited by a single-use link; sponsors have logos.
Plain ADD COLUMN on events: SQLite's batch mode would copy the table, and dropping the old copy
cascades into every table that points at events. Existing events keep no window (registration
closes when the event ends, as it should have) and ask no questions.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('events', sa.Column('questions', sa.JSON(), nullable=False, server_default='[]'))
    op.add_column('events', sa.Column('registration_opens_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('events', sa.Column('registration_closes_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('events', sa.Column('organiser_name', sa.String(length=200), nullable=True))
    op.add_column('events', sa.Column('contact_email', sa.String(length=254), nullable=True))
    op.add_column('events', sa.Column('privacy_notice', sa.JSON(), nullable=True))

    op.create_table('registration_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=40), nullable=False),
    sa.Column('value', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_registration_answers_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_answers'))
    )
    op.create_index(op.f('ix_registration_answers_registration_id'), 'registration_answers', ['registration_id'], unique=False)

    op.create_table('staff_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_staff_invitations_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_staff_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_staff_invitations_accepted_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staff_invitations_token_hash'))
    )
    op.create_index(op.f('ix_staff_invitations_event_id'), 'staff_invitations', ['event_id'], unique=False)
    op.create_index(op.f('ix_staff_invitations_invited_by_id'), 'staff_invitations', ['invited_by_id'], unique=False)
    op.create_index(op.f('ix_staff_invitations_accepted_by_id'), 'staff_invitations', ['accepted_by_id'], unique=False)

    op.create_table('sponsors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('on_badges', sa.Boolean(), nullable=False),
    sa.Column('on_stream', sa.Boolean(), nullable=False),
    sa.Column('logo', sa.LargeBinary(), nullable=True),
    sa.Column('logo_small', sa.LargeBinary(), nullable=True),
    sa.Column('logo_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_sponsors_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sponsors'))
    )
    op.create_index(op.f('ix_sponsors_event_id'), 'sponsors', ['event_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_sponsors_event_id'), table_name='sponsors')
    op.drop_table('sponsors')
    op.drop_index(op.f('ix_staff_invitations_accepted_by_id'), table_name='staff_invitations')
    op.drop_index(op.f('ix_staff_invitations_invited_by_id'), table_name='staff_invitations')
    op.drop_index(op.f('ix_staff_invitations_event_id'), table_name='staff_invitations')
    op.drop_table('staff_invitations')
    op.drop_index(op.f('ix_registration_answers_registration_id'), table_name='registration_answers')
    op.drop_table('registration_answers')
    for column in ('privacy_notice', 'contact_email', 'organiser_name', 'registration_closes_at',
                   'registration_opens_at', 'questions'):
        op.drop_column('events', column)  # SQLite 3.35+ drops a column in place
