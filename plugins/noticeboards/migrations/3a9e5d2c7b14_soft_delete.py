"""noticeboards: board updates and trainings are soft-deleted, with who deleted them

Revision ID: 3a9e5d2c7b14
Revises: 7c4e2a9d1b30
Create Date: 2026-12-07 13:25:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3a9e5d2c7b14"
down_revision = "7c4e2a9d1b30"
branch_labels = None
depends_on = None

TABLES = ("noticeboards_updates", "noticeboards_trainings")


def upgrade():
    """Add ``deleted_at`` and ``deleted_by_id``."""
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("deleted_at", sa.DateTime(), nullable=True))
            batch_op.add_column(sa.Column("deleted_by_id", sa.Integer(), nullable=True))


def downgrade():
    """Remove the deleted rows (the schema before had no place for them), then the columns."""
    op.execute(
        sa.text(
            "DELETE FROM noticeboards_training_attendees WHERE training_id IN"
            " (SELECT id FROM noticeboards_trainings WHERE deleted_at IS NOT NULL)"
        )
    )
    for table in TABLES:
        op.execute(sa.text(f"DELETE FROM {table} WHERE deleted_at IS NOT NULL"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("deleted_by_id")
            batch_op.drop_column("deleted_at")
