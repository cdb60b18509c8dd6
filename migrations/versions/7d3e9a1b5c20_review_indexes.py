"""review: an index for the last visit of each team, a covering index for the period's visits

Revision ID: 7d3e9a1b5c20
Revises: c2bf11ca79ce
Create Date: 2026-11-26 01:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '7d3e9a1b5c20'
down_revision = 'c2bf11ca79ce'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index('ix_visits_team_date', ['team_id', 'visited_on'], unique=False)
        batch_op.drop_index('ix_visits_period_team')
        batch_op.create_index('ix_visits_period_team', ['visited_on', 'team_id', 'farm_id', 'kind', 'people_reached', 'households_reached'], unique=False)


def downgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visits_period_team')
        batch_op.create_index('ix_visits_period_team', ['visited_on', 'team_id', 'people_reached'], unique=False)
        batch_op.drop_index('ix_visits_team_date')
