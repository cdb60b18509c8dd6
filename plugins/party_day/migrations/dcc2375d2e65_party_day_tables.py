"""party_day: party days, equipment, reminders, viewings, case competition (first revision)

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
depends_on = "be33e7dcb8cc"  # a core revision with the tables referenced (areas, users)


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
    op.create_table(
        "party_day_viewings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("hosts", sa.String(length=300), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_party_day_viewings_area_id_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_day_viewings")),
    )
    with op.batch_alter_table("party_day_viewings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_party_day_viewings_area_id"), ["area_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_party_day_viewings_held_on"), ["held_on"], unique=False
        )

    op.create_table(
        "party_day_viewing_villages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("viewing_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("present", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["viewing_id"],
            ["party_day_viewings.id"],
            name=op.f("fk_party_day_viewing_villages_viewing_id_party_day_viewings"),
        ),
        sa.ForeignKeyConstraint(
            ["village_id"],
            ["areas.id"],
            name=op.f("fk_party_day_viewing_villages_village_id_areas"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_day_viewing_villages")),
        sa.UniqueConstraint(
            "viewing_id",
            "village_id",
            name=op.f("uq_party_day_viewing_villages_viewing_id_village_id"),
        ),
    )
    with op.batch_alter_table("party_day_viewing_villages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_party_day_viewing_villages_viewing_id"), ["viewing_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_party_day_viewing_villages_village_id"), ["village_id"], unique=False
        )

    op.create_table(
        "party_day_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("winners_wanted", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("audit_position", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["users.id"],
            name=op.f("fk_party_day_rounds_confirmed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_day_rounds")),
        sa.UniqueConstraint("year", name=op.f("uq_party_day_rounds_year")),
    )
    op.create_table(
        "party_day_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("final_rank", sa.Integer(), nullable=True),
        sa.Column("winner", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["party_day_rounds.id"],
            name=op.f("fk_party_day_cases_round_id_party_day_rounds"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["users.id"],
            name=op.f("fk_party_day_cases_submitted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["areas.id"], name=op.f("fk_party_day_cases_village_id_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_day_cases")),
    )
    with op.batch_alter_table("party_day_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_party_day_cases_round_id"), ["round_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_party_day_cases_village_id"), ["village_id"], unique=False
        )

    op.create_table(
        "party_day_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("max_score", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["party_day_rounds.id"],
            name=op.f("fk_party_day_criteria_round_id_party_day_rounds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_day_criteria")),
    )
    with op.batch_alter_table("party_day_criteria", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_party_day_criteria_round_id"), ["round_id"], unique=False
        )

    op.create_table(
        "party_day_case_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["party_day_cases.id"],
            name=op.f("fk_party_day_case_photos_case_id_party_day_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_day_case_photos")),
    )
    with op.batch_alter_table("party_day_case_photos", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_party_day_case_photos_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "party_day_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["party_day_cases.id"],
            name=op.f("fk_party_day_scores_case_id_party_day_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["party_day_criteria.id"],
            name=op.f("fk_party_day_scores_criterion_id_party_day_criteria"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_party_day_scores_reviewer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_day_scores")),
        sa.UniqueConstraint(
            "case_id",
            "criterion_id",
            "reviewer_id",
            name=op.f("uq_party_day_scores_case_id_criterion_id_reviewer_id"),
        ),
    )
    with op.batch_alter_table("party_day_scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_party_day_scores_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_party_day_scores_reviewer_id"), ["reviewer_id"], unique=False
        )


def downgrade():
    """Drop the plugin's tables."""
    with op.batch_alter_table("party_day_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_day_scores_reviewer_id"))
        batch_op.drop_index(batch_op.f("ix_party_day_scores_case_id"))

    op.drop_table("party_day_scores")
    with op.batch_alter_table("party_day_case_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_day_case_photos_case_id"))

    op.drop_table("party_day_case_photos")
    with op.batch_alter_table("party_day_criteria", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_day_criteria_round_id"))

    op.drop_table("party_day_criteria")
    with op.batch_alter_table("party_day_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_day_cases_village_id"))
        batch_op.drop_index(batch_op.f("ix_party_day_cases_round_id"))

    op.drop_table("party_day_cases")
    op.drop_table("party_day_rounds")
    with op.batch_alter_table("party_day_viewing_villages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_day_viewing_villages_village_id"))
        batch_op.drop_index(batch_op.f("ix_party_day_viewing_villages_viewing_id"))

    op.drop_table("party_day_viewing_villages")
    with op.batch_alter_table("party_day_viewings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_day_viewings_held_on"))
        batch_op.drop_index(batch_op.f("ix_party_day_viewings_area_id"))

    op.drop_table("party_day_viewings")
    with op.batch_alter_table("party_day_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_day_days_village_id"))
        batch_op.drop_index(batch_op.f("ix_party_day_days_held_on"))

    op.drop_table("party_day_days")
    with op.batch_alter_table("party_day_reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_day_reminders_village_id"))

    op.drop_table("party_day_reminders")
    op.drop_table("party_day_equipment")
