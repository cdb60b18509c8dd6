"""model_campaign: each decision keeps the audit trail's position when it was made

Revision ID: 5d7f1b3e9c62
Revises: b195f4f810fa
Create Date: 2026-12-07 13:25:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5d7f1b3e9c62"
down_revision = "b195f4f810fa"
branch_labels = None
depends_on = None


def upgrade():
    """Add ``audit_position`` to the transitions."""
    with op.batch_alter_table("model_campaign_transitions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audit_position", sa.Integer(), nullable=True))


def downgrade():
    """Drop it."""
    with op.batch_alter_table("model_campaign_transitions", schema=None) as batch_op:
        batch_op.drop_column("audit_position")
