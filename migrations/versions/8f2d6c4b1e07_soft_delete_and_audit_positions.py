"""soft deletion with who, for the records that feed the review; audit positions on results

Visits, inspections and rectification items are soft-deleted (``deleted_at``, ``deleted_by_id``)
instead of removed; teams, members, farms and events, soft-deleted already, keep who deleted
them too. The visit indexes the review scans become partial indexes of the live visits.
Confirmed assessments and issued bulletins keep the audit trail's position at that moment.

Revision ID: 8f2d6c4b1e07
Revises: 4d15b1a8488f
Create Date: 2026-12-07 13:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8f2d6c4b1e07"
down_revision = "4d15b1a8488f"
branch_labels = None
depends_on = None

NEWLY_SOFT = ("visits", "inspections", "rectifications")
ALREADY_SOFT = ("teams", "members", "farms", "events")
LIVE = sa.text("deleted_at IS NULL")
#: the visit indexes: name -> columns
VISIT_INDEXES = {
    "ix_visits_period_team": [
        "visited_on",
        "team_id",
        "farm_id",
        "kind",
        "people_reached",
        "households_reached",
    ],
    "ix_visits_farm_date": ["farm_id", "visited_on"],
    "ix_visits_team_date": ["team_id", "visited_on"],
}


def upgrade():
    for table in NEWLY_SOFT:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("deleted_at", sa.DateTime(), nullable=True))
            batch_op.add_column(sa.Column("deleted_by_id", sa.Integer(), nullable=True))
    for table in ALREADY_SOFT:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("deleted_by_id", sa.Integer(), nullable=True))
    for table in ("assessments", "bulletins"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("audit_position", sa.Integer(), nullable=True))
    with op.batch_alter_table("visits", schema=None) as batch_op:
        for name, columns in VISIT_INDEXES.items():
            batch_op.drop_index(name)
            batch_op.create_index(
                name,
                [*columns, "deleted_at"],
                unique=False,
                sqlite_where=LIVE,
                postgresql_where=LIVE,
            )


def downgrade():
    with op.batch_alter_table("visits", schema=None) as batch_op:
        for name, columns in VISIT_INDEXES.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, columns, unique=False)
    for table in ("bulletins", "assessments"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("audit_position")
    for table in ALREADY_SOFT:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("deleted_by_id")
    _remove_deleted_rows()
    for table in NEWLY_SOFT:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("deleted_by_id")
            batch_op.drop_column("deleted_at")


def _remove_deleted_rows():
    """Deleted rows go in a downgrade: the schema before had no place for them (what the code
    before did at deletion). What refers to them goes first, as that code did."""
    deleted = "SELECT id FROM {} WHERE deleted_at IS NOT NULL"
    for statement in (
        "DELETE FROM rectifications WHERE deleted_at IS NOT NULL",
        "UPDATE rectifications SET inspection_id = NULL"
        f" WHERE inspection_id IN ({deleted.format('inspections')})",
        f"DELETE FROM inspection_photos WHERE inspection_id IN ({deleted.format('inspections')})",
        "DELETE FROM inspections WHERE deleted_at IS NOT NULL",
        f"DELETE FROM visit_members WHERE visit_id IN ({deleted.format('visits')})",
        "DELETE FROM visits WHERE deleted_at IS NOT NULL",
    ):
        op.execute(sa.text(statement))
