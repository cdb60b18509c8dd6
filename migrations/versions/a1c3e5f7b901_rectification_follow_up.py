"""two-sided rectification follow-up: progress reports, acceptances, send-backs, their photos

Rectification items gain ``awaiting_review`` (the unit reported progress that no reviewer has
answered yet). Each report, acceptance and send-back is a ``rectification_steps`` row, never
removed; report photos are ``rectification_photos`` rows (files under
``instance/uploads/rectifications/``).

Revision ID: a1c3e5f7b901
Revises: 8f2d6c4b1e07
Create Date: 2026-12-07 16:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a1c3e5f7b901"
down_revision = "8f2d6c4b1e07"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rectifications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("awaiting_review", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_index(
            batch_op.f("ix_rectifications_awaiting_review"), ["awaiting_review"], unique=False
        )
    op.create_table(
        "rectification_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rectification_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "report",
                "accepted",
                "sent_back",
                name="stepkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_rectification_steps_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["rectification_id"],
            ["rectifications.id"],
            name=op.f("fk_rectification_steps_rectification_id_rectifications"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_rectification_steps_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["areas.id"], name=op.f("fk_rectification_steps_village_id_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_steps")),
    )
    with op.batch_alter_table("rectification_steps", schema=None) as batch_op:
        for column in ("rectification_id", "village_id", "team_id"):
            batch_op.create_index(
                batch_op.f(f"ix_rectification_steps_{column}"), [column], unique=False
            )
    op.create_table(
        "rectification_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["rectification_steps.id"],
            name=op.f("fk_rectification_photos_step_id_rectification_steps"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_photos")),
    )
    with op.batch_alter_table("rectification_photos", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rectification_photos_step_id"), ["step_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("rectification_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rectification_photos_step_id"))
    op.drop_table("rectification_photos")
    with op.batch_alter_table("rectification_steps", schema=None) as batch_op:
        for column in ("team_id", "village_id", "rectification_id"):
            batch_op.drop_index(batch_op.f(f"ix_rectification_steps_{column}"))
    op.drop_table("rectification_steps")
    with op.batch_alter_table("rectifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rectifications_awaiting_review"))
        batch_op.drop_column("awaiting_review")
