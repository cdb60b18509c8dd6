"""sample notes: the first revision of the kepu_sample branch

Revision ID: 5a3e0c1d9b7f
Revises:
Create Date: 2026-11-25 21:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5a3e0c1d9b7f"
down_revision = None
branch_labels = ("kepu_sample",)
depends_on = "3f8256bde4a4"  # the core revision that creates `visits`


def upgrade():
    """Create the plugin's table."""
    op.create_table(
        "kepu_sample_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=200), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visits.id"],
            name=op.f("fk_kepu_sample_notes_visit_id_visits"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kepu_sample_notes")),
    )
    with op.batch_alter_table("kepu_sample_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kepu_sample_notes_visit_id"), ["visit_id"], unique=False
        )


def downgrade():
    """Drop the plugin's table (and its notes)."""
    with op.batch_alter_table("kepu_sample_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kepu_sample_notes_visit_id"))
    op.drop_table("kepu_sample_notes")
