"""campaign targets: a township's events per venue, visits and people for one campaign

Revision ID: c3e5a7b9d124
Revises: a1c3e5f7b901
Create Date: 2026-12-07 16:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3e5a7b9d124"
down_revision = "a1c3e5f7b901"
branch_labels = None
depends_on = None

#: the target figures, one whole number each
FIGURES = (
    "events_village",
    "events_market_town",
    "events_school",
    "events_government",
    "events_enterprise",
    "visits",
    "people_reached",
)


def upgrade():
    op.create_table(
        "campaign_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in FIGURES),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_campaign_targets_area_id_areas")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_campaign_targets_campaign_id_campaigns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_targets")),
        sa.UniqueConstraint(
            "campaign_id", "area_id", name=op.f("uq_campaign_targets_campaign_id_area_id")
        ),
    )
    with op.batch_alter_table("campaign_targets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_targets_area_id"), ["area_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("campaign_targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_targets_area_id"))
    op.drop_table("campaign_targets")
