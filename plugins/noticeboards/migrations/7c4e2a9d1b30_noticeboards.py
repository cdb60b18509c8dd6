"""noticeboards: stations, boards, updates, reminders, trainings (first revision of the branch)

Revision ID: 7c4e2a9d1b30
Revises:
Create Date: 2026-11-25 21:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c4e2a9d1b30"
down_revision = None
branch_labels = ("noticeboards",)
depends_on = "be33e7dcb8cc"  # the core head (areas, members, users)


def _timestamps():
    """created_at and updated_at columns."""
    return [
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def _index(table, column):
    """A plain index on one column."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade():
    """Create the plugin's tables."""
    op.create_table(
        "noticeboards_stations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["village_id"], ["areas.id"], name=op.f("fk_noticeboards_stations_village_id_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_noticeboards_stations")),
    )
    _index("noticeboards_stations", "village_id")
    op.create_table(
        "noticeboards_boards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("publicist_id", sa.Integer(), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["village_id"], ["areas.id"], name=op.f("fk_noticeboards_boards_village_id_areas")
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["noticeboards_stations.id"],
            name=op.f("fk_noticeboards_boards_station_id_noticeboards_stations"),
        ),
        sa.ForeignKeyConstraint(
            ["publicist_id"],
            ["members.id"],
            name=op.f("fk_noticeboards_boards_publicist_id_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_noticeboards_boards")),
    )
    for column in ("village_id", "station_id", "publicist_id"):
        _index("noticeboards_boards", column)
    op.create_table(
        "noticeboards_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("photo", sa.String(length=64), nullable=True),
        sa.Column("photo_type", sa.String(length=32), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["noticeboards_boards.id"],
            name=op.f("fk_noticeboards_updates_board_id_noticeboards_boards"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_noticeboards_updates_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_noticeboards_updates")),
    )
    for column in ("board_id", "updated_on"):
        _index("noticeboards_updates", column)
    op.create_table(
        "noticeboards_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("due_since", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["noticeboards_boards.id"],
            name=op.f("fk_noticeboards_reminders_board_id_noticeboards_boards"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_noticeboards_reminders_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_noticeboards_reminders")),
    )
    for column in ("board_id", "member_id"):
        _index("noticeboards_reminders", column)
    op.create_table(
        "noticeboards_trainings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("hours", sa.Numeric(precision=5, scale=1), nullable=False),
        sa.Column("trainer", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_noticeboards_trainings")),
    )
    _index("noticeboards_trainings", "held_on")
    op.create_table(
        "noticeboards_training_attendees",
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["training_id"],
            ["noticeboards_trainings.id"],
            name=op.f("fk_noticeboards_training_attendees_training_id"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_noticeboards_training_attendees_member_id_members"),
        ),
        sa.PrimaryKeyConstraint(
            "training_id", "member_id", name=op.f("pk_noticeboards_training_attendees")
        ),
    )
    _index("noticeboards_training_attendees", "member_id")


def downgrade():
    """Drop the plugin's tables (and their rows)."""
    for table in (
        "noticeboards_training_attendees",
        "noticeboards_trainings",
        "noticeboards_reminders",
        "noticeboards_updates",
        "noticeboards_boards",
        "noticeboards_stations",
    ):
        op.drop_table(table)
