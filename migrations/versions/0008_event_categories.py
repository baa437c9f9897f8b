"""events: attendee categories as per-event data (they came from the demo file)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 19:00:00

Every event so far offered the same ten categories; each existing event keeps them, so no
registration loses its category. New events start with none until the organiser sets them.
A plain ADD COLUMN (with a default, so it may be NOT NULL): SQLite's batch mode would copy the
events table, and dropping the old copy cascades into every table that points at events.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

LEGACY = [
    ("oncologist", "Oncologist", "Onkolog"),
    ("haematologist", "Haematologist", "Hematolog"),
    ("researcher", "Researcher", "Forsker"),
    ("industry", "Industry", "Industri"),
    ("health authority", "Health authority", "Helsemyndighet"),
    ("student", "Student", "Student"),
    ("investor", "Investor", "Investor"),
    ("incubator or cluster", "Incubator or cluster", "Inkubator eller klynge"),
    ("press", "Press", "Presse"),
    ("other", "Other", "Annet"),
]


def upgrade():
    op.add_column(
        'events', sa.Column('categories', sa.JSON(), nullable=False, server_default='[]')
    )
    legacy = [{"key": k, "label": {"en": en, "nb": nb}} for k, en, nb in LEGACY]
    events = sa.table('events', sa.column('categories', sa.JSON()))
    op.execute(events.update().values(categories=legacy))


def downgrade():
    op.drop_column('events', 'categories')  # SQLite 3.35+ drops a column in place
