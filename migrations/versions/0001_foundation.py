"""Foundation: settings, accounts, contacts, opportunities, onboarding, history.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('segment', sa.String(length=20), nullable=True),
    sa.Column('plan', sa.String(length=60), nullable=True),
    sa.Column('users', sa.Integer(), nullable=True),
    sa.Column('iacv_cents', sa.BigInteger(), nullable=True),
    sa.Column('health', sa.String(length=10), nullable=True),
    sa.Column('csm_sentiment', sa.String(length=10), nullable=True),
    sa.Column('csm', sa.String(length=200), nullable=True),
    sa.Column('sa', sa.String(length=200), nullable=True),
    sa.Column('owner', sa.String(length=200), nullable=True),
    sa.Column('cs_project_url', sa.String(length=500), nullable=True),
    sa.Column('slack_channel', sa.String(length=80), nullable=True),
    sa.Column('lifecycle_stage', sa.String(length=30), nullable=True),
    sa.Column('ebr_cadence', sa.String(length=20), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('gemstone', sa.String(length=20), nullable=True),
    sa.Column('gemstone_rank', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account')),
    sa.UniqueConstraint('name_key', name=op.f('uq_account_name_key'))
    )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_gemstone_rank'), ['gemstone_rank'], unique=False)

    op.create_table('history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('entity', sa.String(length=30), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('field', sa.String(length=60), nullable=False),
    sa.Column('old', sa.String(length=4000), nullable=True),
    sa.Column('new', sa.String(length=4000), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_history'))
    )
    with op.batch_alter_table('history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_history_account_id'), ['account_id'], unique=False)
        batch_op.create_index('ix_history_entity_entity_id', ['entity', 'entity_id'], unique=False)

    op.create_table('setting',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('contact',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('role', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=60), nullable=True),
    sa.Column('salutation', sa.String(length=60), nullable=True),
    sa.Column('gitlab_admin', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_contact_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact'))
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_account_id'), ['account_id'], unique=False)

    op.create_table('opportunity',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('stage', sa.String(length=30), nullable=False),
    sa.Column('close_date', sa.Date(), nullable=True),
    sa.Column('amount_cents', sa.BigInteger(), nullable=True),
    sa.Column('iacv_cents', sa.BigInteger(), nullable=True),
    sa.Column('type', sa.String(length=20), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_opportunity_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunity'))
    )
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opportunity_account_id'), ['account_id'], unique=False)
        batch_op.create_index('ix_opportunity_account_id_stage_close_date', ['account_id', 'stage', 'close_date'], unique=False)

    op.create_table('onboarding',
    sa.Column('owner', sa.String(length=200), nullable=True),
    sa.Column('team', sa.String(length=4000), nullable=True),
    sa.Column('greenfield', sa.Boolean(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('purchase_date', sa.Date(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('first_engaged_date', sa.Date(), nullable=True),
    sa.Column('infra_ready_date', sa.Date(), nullable=True),
    sa.Column('first_value_date', sa.Date(), nullable=True),
    sa.Column('finish_date', sa.Date(), nullable=True),
    sa.Column('notes', sa.String(length=4000), nullable=True),
    sa.Column('challenges', sa.String(length=4000), nullable=True),
    sa.Column('success_plan_url', sa.String(length=500), nullable=True),
    sa.Column('delay_reason', sa.String(length=2000), nullable=True),
    sa.Column('delay_cause', sa.String(length=20), nullable=True),
    sa.Column('survey_sent', sa.Boolean(), nullable=True),
    sa.Column('survey_received', sa.Boolean(), nullable=True),
    sa.Column('experience_score', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_onboarding_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_onboarding_opportunity_id_opportunity'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_onboarding'))
    )
    with op.batch_alter_table('onboarding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_onboarding_account_id'), ['account_id'], unique=False)
        batch_op.create_index('ix_onboarding_finish_date', ['finish_date'], unique=False)
        batch_op.create_index('ix_onboarding_first_engaged_date', ['first_engaged_date'], unique=False)
        batch_op.create_index('ix_onboarding_first_value_date', ['first_value_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_onboarding_opportunity_id'), ['opportunity_id'], unique=False)
        batch_op.create_index('ix_onboarding_start_date', ['start_date'], unique=False)
        batch_op.create_index('ix_onboarding_status', ['status'], unique=False)
        batch_op.create_index('uq_onboarding_open_account', ['account_id'], unique=True, sqlite_where=sa.text("status != 'completed'"), postgresql_where=sa.text("status != 'completed'"))


def downgrade() -> None:

    with op.batch_alter_table('onboarding', schema=None) as batch_op:
        batch_op.drop_index('uq_onboarding_open_account', sqlite_where=sa.text("status != 'completed'"), postgresql_where=sa.text("status != 'completed'"))
        batch_op.drop_index('ix_onboarding_status')
        batch_op.drop_index('ix_onboarding_start_date')
        batch_op.drop_index(batch_op.f('ix_onboarding_opportunity_id'))
        batch_op.drop_index('ix_onboarding_first_value_date')
        batch_op.drop_index('ix_onboarding_first_engaged_date')
        batch_op.drop_index('ix_onboarding_finish_date')
        batch_op.drop_index(batch_op.f('ix_onboarding_account_id'))

    op.drop_table('onboarding')
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.drop_index('ix_opportunity_account_id_stage_close_date')
        batch_op.drop_index(batch_op.f('ix_opportunity_account_id'))

    op.drop_table('opportunity')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_account_id'))

    op.drop_table('contact')
    op.drop_table('setting')
    with op.batch_alter_table('history', schema=None) as batch_op:
        batch_op.drop_index('ix_history_entity_entity_id')
        batch_op.drop_index(batch_op.f('ix_history_account_id'))

    op.drop_table('history')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_gemstone_rank'))

    op.drop_table('account')
