"""party_day: party days, village equipment, quarter reminders (first revision of the branch)

Revision ID: dcc2375d2e65
Revises:
Create Date: 2026-12-07 16:26:28.684230

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "dcc2375d2e65"
down_revision = None
branch_labels = ("party_day",)
depends_on = "c3e5a7b9d124"  # the core head (areas, users)


def upgrade():
    """Create the plugin's tables."""
    op.create_table(
        "party_day_equipment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("has_computer", sa.Boolean(), nullable=False),
        sa.Column("has_display", sa.Boolean(), nullable=False),
        sa.Column("has_network", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["village_id"], ["areas.id"], name=op.f("fk_party_day_equipment_village_id_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_day_equipment")),
        sa.UniqueConstraint("village_id", name=op.f("uq_party_day_equipment_village_id")),
    )
    op.create_table(
        "party_day_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["village_id"], ["areas.id"], name=op.f("fk_party_day_reminders_village_id_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_day_reminders")),
        sa.UniqueConstraint(
            "village_id",
            "year",
            "quarter",
            name=op.f("uq_party_day_reminders_village_id_year_quarter"),
        ),
    )
    with op.batch_alter_table("party_day_reminders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_party_day_reminders_village_id"), ["village_id"], unique=False
        )

    op.create_table(
        "party_day_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("industry", sa.String(length=80), nullable=False),
        sa.Column("expert_name", sa.String(length=120), nullable=False),
        sa.Column("expert_topic", sa.String(length=200), nullable=False),
        sa.Column("present", sa.Integer(), nullable=False),
        sa.Column("branch_size", sa.Integer(), nullable=False),
        sa.Column("equipment_used", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_party_day_days_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["areas.id"], name=op.f("fk_party_day_days_village_id_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_day_days")),
    )
    with op.batch_alter_table("party_day_days", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_party_day_days_held_on"), ["held_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_party_day_days_village_id"), ["village_id"], unique=False
        )


def downgrade():
    """Drop the plugin's tables."""
    with op.batch_alter_table("party_day_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_day_days_village_id"))
        batch_op.drop_index(batch_op.f("ix_party_day_days_held_on"))

    op.drop_table("party_day_days")
    with op.batch_alter_table("party_day_reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_day_reminders_village_id"))

    op.drop_table("party_day_reminders")
    op.drop_table("party_day_equipment")
