"""reading_rooms: a confirmed commendation keeps the audit trail's position

Revision ID: 9b4c2e8f6a31
Revises: c1835477f0ed
Create Date: 2026-12-07 13:25:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9b4c2e8f6a31"
down_revision = "c1835477f0ed"
branch_labels = None
depends_on = None


def upgrade():
    """Add ``audit_position`` to the commendations."""
    with op.batch_alter_table("reading_rooms_commendations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audit_position", sa.Integer(), nullable=True))


def downgrade():
    """Drop it."""
    with op.batch_alter_table("reading_rooms_commendations", schema=None) as batch_op:
        batch_op.drop_column("audit_position")
