"""proven address: when a link mailed to a registration's address was first opened

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 22:00:00

Registrations made before this revision were trusted as given; they count as proven from when
they were made, so an upgrade takes nobody out of networking or their account.
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('registrations', sa.Column('email_proven_at', sa.DateTime(timezone=True), nullable=True))
    op.execute('UPDATE registrations SET email_proven_at = created_at')


def downgrade():
    op.drop_column('registrations', 'email_proven_at')
