"""visit plans: visits scheduled ahead, and the members expected on them

Revision ID: c2bf11ca79ce
Revises: 4e0c6773a27b
Create Date: 2026-11-26 01:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c2bf11ca79ce'
down_revision = '4e0c6773a27b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('visit_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=255), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('farm_id', sa.Integer(), nullable=False),
    sa.Column('planned_on', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=True),
    sa.Column('kind', sa.Enum('party_education', 'policy_study', 'technical_training', 'onsite_guidance', 'lecture', name='visitkind', native_enum=False, length=32), nullable=True),
    sa.Column('topic', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('planned', 'done', 'cancelled', name='planstatus', native_enum=False, length=32), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_visit_plans_created_by_id_users')),
    sa.ForeignKeyConstraint(['farm_id'], ['farms.id'], name=op.f('fk_visit_plans_farm_id_farms')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_visit_plans_team_id_teams')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_plans_visit_id_visits'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_plans')),
    sa.UniqueConstraint('uid', name=op.f('uq_visit_plans_uid')),
    sa.UniqueConstraint('visit_id', name=op.f('uq_visit_plans_visit_id'))
    )
    with op.batch_alter_table('visit_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_plans_farm_id'), ['farm_id'], unique=False)
        batch_op.create_index('ix_visit_plans_team_day', ['team_id', 'planned_on'], unique=False)

    op.create_table('visit_plan_members',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_visit_plan_members_member_id_members')),
    sa.ForeignKeyConstraint(['plan_id'], ['visit_plans.id'], name=op.f('fk_visit_plan_members_plan_id_visit_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('plan_id', 'member_id', name=op.f('pk_visit_plan_members'))
    )


def downgrade():
    op.drop_table('visit_plan_members')
    with op.batch_alter_table('visit_plans', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_plans_team_day')
        batch_op.drop_index(batch_op.f('ix_visit_plans_farm_id'))

    op.drop_table('visit_plans')
