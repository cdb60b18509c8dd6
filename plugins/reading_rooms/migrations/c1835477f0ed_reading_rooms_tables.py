"""reading_rooms: rooms, usage, stored reports, commendations (first revision of the branch)

Revision ID: c1835477f0ed
Revises:
Create Date: 2026-11-25 21:33:36.775589

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c1835477f0ed"
down_revision = None
branch_labels = ("reading_rooms",)
depends_on = "be33e7dcb8cc"  # the core head (areas, users)


def upgrade():
    """Create the plugin's tables."""
    op.create_table(
        "reading_rooms_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("generated_at", sa.DateTime(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reading_rooms_reports")),
        sa.UniqueConstraint(
            "period_start",
            "period_end",
            name=op.f("uq_reading_rooms_reports_period_start_period_end"),
        ),
    )
    op.create_table(
        "reading_rooms_rooms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("opening_notes", sa.String(length=500), nullable=False),
        sa.Column("model_since", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_reading_rooms_rooms_area_id_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reading_rooms_rooms")),
        sa.UniqueConstraint("area_id", name=op.f("uq_reading_rooms_rooms_area_id")),
    )
    op.create_table(
        "reading_rooms_commendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("usage", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["users.id"],
            name=op.f("fk_reading_rooms_commendations_confirmed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["reading_rooms_rooms.id"],
            name=op.f("fk_reading_rooms_commendations_room_id_reading_rooms_rooms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reading_rooms_commendations")),
        sa.UniqueConstraint(
            "year", "room_id", name=op.f("uq_reading_rooms_commendations_year_room_id")
        ),
    )
    with op.batch_alter_table("reading_rooms_commendations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reading_rooms_commendations_year"), ["year"], unique=False
        )

    op.create_table(
        "reading_rooms_usage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("reads", sa.Integer(), nullable=False),
        sa.Column("downloads", sa.Integer(), nullable=False),
        sa.Column("active_readers", sa.Integer(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["users.id"],
            name=op.f("fk_reading_rooms_usage_entered_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["reading_rooms_rooms.id"],
            name=op.f("fk_reading_rooms_usage_room_id_reading_rooms_rooms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reading_rooms_usage")),
        sa.UniqueConstraint(
            "room_id",
            "period_start",
            "period_end",
            name=op.f("uq_reading_rooms_usage_room_id_period_start_period_end"),
        ),
    )
    with op.batch_alter_table("reading_rooms_usage", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reading_rooms_usage_period_start"), ["period_start"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reading_rooms_usage_room_id"), ["room_id"], unique=False
        )


def downgrade():
    """Drop the plugin's tables (and their data)."""
    with op.batch_alter_table("reading_rooms_usage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reading_rooms_usage_room_id"))
        batch_op.drop_index(batch_op.f("ix_reading_rooms_usage_period_start"))

    op.drop_table("reading_rooms_usage")
    with op.batch_alter_table("reading_rooms_commendations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reading_rooms_commendations_year"))

    op.drop_table("reading_rooms_commendations")
    op.drop_table("reading_rooms_rooms")
    op.drop_table("reading_rooms_reports")
