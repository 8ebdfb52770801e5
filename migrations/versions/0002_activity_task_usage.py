"""Onboarding lifecycle: activity timeline, playbook tasks, license usage snapshots.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('activity',
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('disposition', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.String(length=4000), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('opportunity_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_activity_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_activity_contact_id_contact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_activity_opportunity_id_opportunity'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity'))
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_account_id'), ['account_id'], unique=False)
        batch_op.create_index('ix_activity_account_id_on_date', ['account_id', 'on_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_opportunity_id'), ['opportunity_id'], unique=False)

    op.create_table('license_usage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('onboarding_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('licenses', sa.Integer(), nullable=False),
    sa.Column('active', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['onboarding_id'], ['onboarding.id'], name=op.f('fk_license_usage_onboarding_id_onboarding'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_license_usage'))
    )
    with op.batch_alter_table('license_usage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_license_usage_onboarding_id'), ['onboarding_id'], unique=False)

    op.create_table('task',
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('window_end_date', sa.Date(), nullable=True),
    sa.Column('owner', sa.String(length=200), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('onboarding_id', sa.Integer(), nullable=True),
    sa.Column('done_date', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_task_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['onboarding_id'], ['onboarding.id'], name=op.f('fk_task_onboarding_id_onboarding'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task'))
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_account_id'), ['account_id'], unique=False)
        batch_op.create_index('ix_task_done_date_due_date', ['done_date', 'due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_onboarding_id'), ['onboarding_id'], unique=False)


def downgrade() -> None:

    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_onboarding_id'))
        batch_op.drop_index('ix_task_done_date_due_date')
        batch_op.drop_index(batch_op.f('ix_task_account_id'))

    op.drop_table('task')
    with op.batch_alter_table('license_usage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_license_usage_onboarding_id'))

    op.drop_table('license_usage')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_opportunity_id'))
        batch_op.drop_index(batch_op.f('ix_activity_contact_id'))
        batch_op.drop_index('ix_activity_account_id_on_date')
        batch_op.drop_index(batch_op.f('ix_activity_account_id'))

    op.drop_table('activity')
