"""accounts: a session version per user, a visible prefix per API token

Revision ID: 0010
Revises: 0009
Create Date: 2027-01-10 09:00:00

`users.session_version` is part of every session's user id: raising it (log-out, a new
password, deactivation) ends every session of the user on every device. `api_tokens.prefix`
is the token's first characters, so an administrator can tell tokens apart without the token;
tokens issued before keep an empty prefix (their hash is all that was stored).
Plain ADD COLUMN with a default: SQLite's batch mode would copy `users`, and dropping the old
copy cascades into every table that points at users.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        'users',
        sa.Column('session_version', sa.Integer(), nullable=False, server_default='0'),
    )
    op.add_column(
        'api_tokens',
        sa.Column('prefix', sa.String(length=16), nullable=False, server_default=''),
    )


def downgrade():
    op.drop_column('api_tokens', 'prefix')  # SQLite 3.35+ drops a column in place
    op.drop_column('users', 'session_version')
