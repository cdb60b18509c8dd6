"""model_campaign: photos of a nomination's evidence

Revision ID: e8b2d4f6a913
Revises: 5d7f1b3e9c62
Create Date: 2026-12-07 16:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e8b2d4f6a913"
down_revision = "5d7f1b3e9c62"
branch_labels = None
depends_on = None


def upgrade():
    """Create ``model_campaign_photos``."""
    op.create_table(
        "model_campaign_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["model_campaign_nominations.id"],
            name=op.f("fk_model_campaign_photos_nomination_id_model_campaign_nominations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_campaign_photos")),
    )
    with op.batch_alter_table("model_campaign_photos", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_model_campaign_photos_nomination_id"), ["nomination_id"], unique=False
        )


def downgrade():
    """Drop it (the files under uploads/model_campaign/ stay)."""
    with op.batch_alter_table("model_campaign_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_model_campaign_photos_nomination_id"))
    op.drop_table("model_campaign_photos")
