"""sessions, password resets, hashed calendar addresses

The users' session generation, one-time password reset links, and personal calendar feed
secrets stored as their SHA-256 (an existing address keeps working: its secret hashes to the
stored value). Downgrading switches the calendar addresses off (a hash cannot be undone).

Revision ID: 5b1e0c7f9a21
Revises: 42681372195b
Create Date: 2026-12-07 11:20:00.000000

"""
import hashlib

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b1e0c7f9a21'
down_revision = '42681372195b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('password_resets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_password_resets_created_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_resets_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_resets')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_resets_token_hash'))
    )
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_resets_user_id'), ['user_id'], unique=False)

    # raised to end every session and remember cookie of a user
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))

    # personal calendar feeds: the secret's SHA-256 instead of the secret
    feeds = sa.table('calendar_feeds', sa.column('id', sa.Integer()), sa.column('token', sa.String(64)))
    connection = op.get_bind()
    rows = connection.execute(sa.select(feeds.c.id, feeds.c.token).where(feeds.c.token.is_not(None))).all()
    for feed_id, token in rows:
        connection.execute(
            feeds.update().where(feeds.c.id == feed_id)
            .values(token=hashlib.sha256(token.encode()).hexdigest())
        )
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.drop_constraint('uq_calendar_feeds_token', type_='unique')
        batch_op.alter_column('token', new_column_name='token_hash', existing_type=sa.String(length=64), existing_nullable=True)
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_calendar_feeds_token_hash'), ['token_hash'])


def downgrade():
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_calendar_feeds_token_hash'), type_='unique')
        batch_op.alter_column('token_hash', new_column_name='token', existing_type=sa.String(length=64), existing_nullable=True)
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_calendar_feeds_token', ['token'])
    # the hashes are not addresses: switched off until their owners make new ones
    op.execute(sa.text('UPDATE calendar_feeds SET token = NULL'))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')

    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_resets_user_id'))

    op.drop_table('password_resets')
