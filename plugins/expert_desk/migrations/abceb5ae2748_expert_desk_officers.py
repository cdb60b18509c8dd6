"""expert_desk: village information officers

Revision ID: abceb5ae2748
Revises: aecd74b9aa21
Create Date: 2026-12-07 17:15:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "abceb5ae2748"
down_revision = "aecd74b9aa21"
branch_labels = None
depends_on = None


def upgrade():
    """Create the table of the villages' information officers."""
    op.create_table(
        "expert_desk_officers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("named_by_id", sa.Integer(), nullable=True),
        sa.Column("named_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["named_by_id"],
            ["users.id"],
            name=op.f("fk_expert_desk_officers_named_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_expert_desk_officers_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["areas.id"], name=op.f("fk_expert_desk_officers_village_id_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_desk_officers")),
        sa.UniqueConstraint("village_id", name=op.f("uq_expert_desk_officers_village_id")),
    )
    with op.batch_alter_table("expert_desk_officers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_expert_desk_officers_user_id"), ["user_id"], unique=False
        )


def downgrade():
    """Drop the table of the villages' information officers."""
    with op.batch_alter_table("expert_desk_officers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_desk_officers_user_id"))

    op.drop_table("expert_desk_officers")
