"""Executive Business Reviews and their links to opportunities.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ebr',
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('notes', sa.String(length=4000), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_ebr_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replaces_id'], ['ebr.id'], name=op.f('fk_ebr_replaces_id_ebr'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ebr'))
    )
    with op.batch_alter_table('ebr', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ebr_account_id'), ['account_id'], unique=False)
        batch_op.create_index('ix_ebr_account_id_on_date', ['account_id', 'on_date'], unique=False)
        batch_op.create_index('ix_ebr_on_date', ['on_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_ebr_replaces_id'), ['replaces_id'], unique=False)

    op.create_table('ebr_opportunity',
    sa.Column('ebr_id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ebr_id'], ['ebr.id'], name=op.f('fk_ebr_opportunity_ebr_id_ebr'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_ebr_opportunity_opportunity_id_opportunity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ebr_id', 'opportunity_id', name=op.f('pk_ebr_opportunity'))
    )
    with op.batch_alter_table('ebr_opportunity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ebr_opportunity_opportunity_id'), ['opportunity_id'], unique=False)


def downgrade() -> None:

    with op.batch_alter_table('ebr_opportunity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ebr_opportunity_opportunity_id'))

    op.drop_table('ebr_opportunity')
    with op.batch_alter_table('ebr', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ebr_replaces_id'))
        batch_op.drop_index('ix_ebr_on_date')
        batch_op.drop_index('ix_ebr_account_id_on_date')
        batch_op.drop_index(batch_op.f('ix_ebr_account_id'))

    op.drop_table('ebr')
