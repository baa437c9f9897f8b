"""calendar: starred items, agenda feeds

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 19:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agendas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('feed_nonce', sa.String(length=32), nullable=False),
    sa.Column('feed_token_hash', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(registration_id IS NULL AND user_id IS NOT NULL) OR (registration_id IS NOT NULL AND user_id IS NULL)', name=op.f('ck_agendas_one_owner')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_agendas_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_agendas_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_agendas_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agendas')),
    sa.UniqueConstraint('event_id', 'user_id', name='uq_agendas_event_user'),
    sa.UniqueConstraint('feed_token_hash', name=op.f('uq_agendas_feed_token_hash')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_agendas_registration_id'))
    )
    with op.batch_alter_table('agendas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agendas_event_id'), ['event_id'], unique=False)

    op.create_table('starred_items',
    sa.Column('agenda_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('starred_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agenda_id'], ['agendas.id'], name=op.f('fk_starred_items_agenda_id_agendas'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('agenda_id', 'item_id', name=op.f('pk_starred_items'))
    )


def downgrade():
    op.drop_table('starred_items')
    with op.batch_alter_table('agendas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agendas_event_id'))

    op.drop_table('agendas')
