"""Proofs of Value.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pov',
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=True),
    sa.Column('type', sa.String(length=20), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('result', sa.String(length=20), nullable=True),
    sa.Column('success_criteria', sa.String(length=4000), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('planned_end_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('collaboration_project_url', sa.String(length=500), nullable=True),
    sa.Column('notes', sa.String(length=4000), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_key', sa.String(length=300), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_pov_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_pov_opportunity_id_opportunity'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pov')),
    sa.UniqueConstraint('name_key', name=op.f('uq_pov_name_key'))
    )
    with op.batch_alter_table('pov', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pov_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pov_opportunity_id'), ['opportunity_id'], unique=False)
        batch_op.create_index('ix_pov_end_date', ['end_date'], unique=False)
        batch_op.create_index('ix_pov_status', ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pov', schema=None) as batch_op:
        batch_op.drop_index('ix_pov_status')
        batch_op.drop_index('ix_pov_end_date')
        batch_op.drop_index(batch_op.f('ix_pov_opportunity_id'))
        batch_op.drop_index(batch_op.f('ix_pov_account_id'))
    op.drop_table('pov')
