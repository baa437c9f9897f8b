"""digital: streams per room and item, questions, watch time, certificates, feedback

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 19:40:00

Rooms and items get a stream URL (plain ADD COLUMN: both tables are referenced with ON DELETE
CASCADE, so no batch copy); every item is streamed unless the organiser says otherwise.
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('digital_settings',
    sa.Column('event_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('player_hosts', sa.JSON(), nullable=False),
    sa.Column('certificate_minutes', sa.Integer(), nullable=False),
    sa.Column('certificates_from', sa.DateTime(timezone=True), nullable=True),
    sa.Column('feedback_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_digital_settings_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_digital_settings'))
    )
    op.create_table('certificate_notices',
    sa.Column('registration_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_certificate_notices_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_certificate_notices_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', name=op.f('pk_certificate_notices'))
    )
    op.create_index(op.f('ix_certificate_notices_event_id'), 'certificate_notices', ['event_id'], unique=False)

    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('attendance', sa.String(length=20), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_certificates_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_certificates_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('code', name=op.f('uq_certificates_code')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_certificates_registration_id'))
    )
    op.create_index(op.f('ix_certificates_event_id'), 'certificates', ['event_id'], unique=False)

    op.create_table('event_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('liked', sa.Text(), nullable=False),
    sa.Column('improve', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rating IS NULL OR (rating >= 1 AND rating <= 5)', name=op.f('ck_event_feedback_rating')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_feedback_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_event_feedback_registration_id_registrations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_feedback')),
    sa.UniqueConstraint('event_id', 'registration_id', name='uq_event_feedback_person')
    )
    op.create_index(op.f('ix_event_feedback_event_id'), 'event_feedback', ['event_id'], unique=False)

    op.create_table('watch_viewers',
    sa.Column('registration_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('last_beat_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_watch_viewers_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_watch_viewers_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', name=op.f('pk_watch_viewers'))
    )
    op.create_index(op.f('ix_watch_viewers_event_id'), 'watch_viewers', ['event_id'], unique=False)

    op.create_table('item_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rating >= 1 AND rating <= 5', name=op.f('ck_item_ratings_rating')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_item_ratings_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['programme_items.id'], name=op.f('fk_item_ratings_item_id_programme_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_item_ratings_registration_id_registrations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_ratings')),
    sa.UniqueConstraint('item_id', 'registration_id', name='uq_item_ratings_person')
    )
    op.create_index(op.f('ix_item_ratings_event_id'), 'item_ratings', ['event_id'], unique=False)
    op.create_index(op.f('ix_item_ratings_item_id'), 'item_ratings', ['item_id'], unique=False)

    op.create_table('moderator_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_moderator_links_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['programme_items.id'], name=op.f('fk_moderator_links_item_id_programme_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderator_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_moderator_links_token_hash'))
    )
    op.create_index(op.f('ix_moderator_links_event_id'), 'moderator_links', ['event_id'], unique=False)
    op.create_index(op.f('ix_moderator_links_item_id'), 'moderator_links', ['item_id'], unique=False)

    op.create_table('qa_boards',
    sa.Column('item_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('queue_version', sa.Integer(), nullable=False),
    sa.Column('pinned_question_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_qa_boards_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['programme_items.id'], name=op.f('fk_qa_boards_item_id_programme_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', name=op.f('pk_qa_boards'))
    )
    op.create_index(op.f('ix_qa_boards_event_id'), 'qa_boards', ['event_id'], unique=False)

    op.create_table('questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('votes', sa.Integer(), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('moderated_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('votes >= 0', name=op.f('ck_questions_votes')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_questions_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['programme_items.id'], name=op.f('fk_questions_item_id_programme_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_questions_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions'))
    )
    op.create_index(op.f('ix_questions_event_id'), 'questions', ['event_id'], unique=False)
    op.create_index('ix_questions_item_status', 'questions', ['item_id', 'status'], unique=False)
    op.create_index(op.f('ix_questions_registration_id'), 'questions', ['registration_id'], unique=False)

    op.create_table('watch_times',
    sa.Column('registration_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.Column('first_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('seconds >= 0', name=op.f('ck_watch_times_seconds')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_watch_times_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['programme_items.id'], name=op.f('fk_watch_times_item_id_programme_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_watch_times_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', 'item_id', name=op.f('pk_watch_times'))
    )
    op.create_index(op.f('ix_watch_times_event_id'), 'watch_times', ['event_id'], unique=False)
    op.create_index(op.f('ix_watch_times_item_id'), 'watch_times', ['item_id'], unique=False)

    op.create_table('question_votes',
    sa.Column('question_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_votes_question_id_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_question_votes_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('question_id', 'registration_id', name=op.f('pk_question_votes'))
    )
    op.create_index(op.f('ix_question_votes_registration_id'), 'question_votes', ['registration_id'], unique=False)

    op.add_column('programme_items', sa.Column('stream_url', sa.String(length=500), nullable=True))
    op.add_column('programme_items', sa.Column('streamed', sa.Boolean(), nullable=False, server_default=sa.true()))

    op.add_column('rooms', sa.Column('stream_url', sa.String(length=500), nullable=True))



def downgrade():
    op.drop_column('rooms', 'stream_url')

    op.drop_column('programme_items', 'streamed')
    op.drop_column('programme_items', 'stream_url')

    op.drop_index(op.f('ix_question_votes_registration_id'), table_name='question_votes')

    op.drop_table('question_votes')
    op.drop_index(op.f('ix_watch_times_item_id'), table_name='watch_times')
    op.drop_index(op.f('ix_watch_times_event_id'), table_name='watch_times')

    op.drop_table('watch_times')
    op.drop_index(op.f('ix_questions_registration_id'), table_name='questions')
    op.drop_index('ix_questions_item_status', table_name='questions')
    op.drop_index(op.f('ix_questions_event_id'), table_name='questions')

    op.drop_table('questions')
    op.drop_index(op.f('ix_qa_boards_event_id'), table_name='qa_boards')

    op.drop_table('qa_boards')
    op.drop_index(op.f('ix_moderator_links_item_id'), table_name='moderator_links')
    op.drop_index(op.f('ix_moderator_links_event_id'), table_name='moderator_links')

    op.drop_table('moderator_links')
    op.drop_index(op.f('ix_item_ratings_item_id'), table_name='item_ratings')
    op.drop_index(op.f('ix_item_ratings_event_id'), table_name='item_ratings')

    op.drop_table('item_ratings')
    op.drop_index(op.f('ix_watch_viewers_event_id'), table_name='watch_viewers')

    op.drop_table('watch_viewers')
    op.drop_index(op.f('ix_event_feedback_event_id'), table_name='event_feedback')

    op.drop_table('event_feedback')
    op.drop_index(op.f('ix_certificates_event_id'), table_name='certificates')

    op.drop_table('certificates')
    op.drop_index(op.f('ix_certificate_notices_event_id'), table_name='certificate_notices')

    op.drop_table('certificate_notices')
    op.drop_table('digital_settings')
