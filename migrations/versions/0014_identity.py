"""identities: hours to prove an address, pending links (a new address, a re-sent link), held
networking mail, requests withdrawn by their sender

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 22:10:00

An event's registrations must prove their address within `proof_hours` (0: no proof needed).
A registration's pending link (its SHA-256) replaces the manage link once opened; with a
pending address, opening it also moves the registration to that address.
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('events', sa.Column('proof_hours', sa.Integer(), nullable=False, server_default='24'))
    op.add_column('registrations', sa.Column('pending_email', sa.String(length=254), nullable=True))
    op.add_column('registrations', sa.Column('pending_token_hash', sa.String(length=64), nullable=True))
    op.create_index('ix_registrations_pending_token_hash', 'registrations', ['pending_token_hash'], unique=True)
    op.add_column('meeting_requests', sa.Column('withdrawn_by_sender', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        'held_mail',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('grouping', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_held_mail_recipient', 'held_mail', ['recipient'])


def downgrade():
    op.drop_index('ix_held_mail_recipient', table_name='held_mail')
    op.drop_table('held_mail')
    op.drop_column('meeting_requests', 'withdrawn_by_sender')
    op.drop_index('ix_registrations_pending_token_hash', table_name='registrations')
    op.drop_column('registrations', 'pending_token_hash')
    op.drop_column('registrations', 'pending_email')
    op.drop_column('events', 'proof_hours')
