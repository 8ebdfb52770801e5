"""Renewals and revenue: account ARR, renewal date and term; renewal fields of opportunities.

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('arr_cents', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('renewal_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('term_months', sa.Integer(), nullable=False, server_default='12'))
        batch_op.create_index('ix_account_renewal_date', ['renewal_date'], unique=False)
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('renewal_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('arr_due_cents', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('forecast', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('churn_reason', sa.String(length=30), nullable=True))
        batch_op.create_index('ix_opportunity_renewal_date', ['renewal_date'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.drop_index('ix_opportunity_renewal_date')
        batch_op.drop_column('churn_reason')
        batch_op.drop_column('forecast')
        batch_op.drop_column('arr_due_cents')
        batch_op.drop_column('renewal_date')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index('ix_account_renewal_date')
        batch_op.drop_column('term_months')
        batch_op.drop_column('renewal_date')
        batch_op.drop_column('arr_cents')
