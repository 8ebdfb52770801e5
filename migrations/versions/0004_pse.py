"""Professional Services Engagements, their time entries and contacts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pse',
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=True),
    sa.Column('project_team', sa.String(length=1000), nullable=True),
    sa.Column('engagement_type', sa.String(length=60), nullable=True),
    sa.Column('success_criteria', sa.String(length=4000), nullable=True),
    sa.Column('econtract_url', sa.String(length=500), nullable=True),
    sa.Column('sow_url', sa.String(length=500), nullable=True),
    sa.Column('collaboration_project_url', sa.String(length=500), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('percent_complete', sa.Integer(), nullable=False),
    sa.Column('notes', sa.String(length=4000), nullable=True),
    sa.Column('scoped_centihours', sa.Integer(), nullable=True),
    sa.Column('hours_updated_date', sa.Date(), nullable=True),
    sa.Column('approved', sa.Boolean(), nullable=False),
    sa.Column('approver', sa.String(length=200), nullable=True),
    sa.Column('passive_acceptance_language', sa.Boolean(), nullable=False),
    sa.Column('signed_acceptance', sa.Boolean(), nullable=False),
    sa.Column('passive_acceptance_used', sa.Boolean(), nullable=False),
    sa.Column('customer_signoff', sa.Boolean(), nullable=False),
    sa.Column('kickoff_date', sa.Date(), nullable=True),
    sa.Column('expected_start_date', sa.Date(), nullable=True),
    sa.Column('expected_completion_date', sa.Date(), nullable=True),
    sa.Column('actual_start_date', sa.Date(), nullable=True),
    sa.Column('completed_date', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_key', sa.String(length=300), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_pse_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_pse_opportunity_id_opportunity'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pse')),
    sa.UniqueConstraint('name_key', name=op.f('uq_pse_name_key'))
    )
    with op.batch_alter_table('pse', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pse_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pse_opportunity_id'), ['opportunity_id'], unique=False)
        batch_op.create_index('ix_pse_status', ['status'], unique=False)

    op.create_table('pse_contact',
    sa.Column('pse_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_pse_contact_contact_id_contact'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pse_id'], ['pse.id'], name=op.f('fk_pse_contact_pse_id_pse'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pse_id', 'contact_id', name=op.f('pk_pse_contact'))
    )
    with op.batch_alter_table('pse_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pse_contact_contact_id'), ['contact_id'], unique=False)

    op.create_table('pse_time_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pse_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('centihours', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=2000), nullable=True),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['pse_id'], ['pse.id'], name=op.f('fk_pse_time_entry_pse_id_pse'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pse_time_entry'))
    )
    with op.batch_alter_table('pse_time_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pse_time_entry_pse_id'), ['pse_id'], unique=False)


def downgrade() -> None:

    with op.batch_alter_table('pse_time_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pse_time_entry_pse_id'))

    op.drop_table('pse_time_entry')
    with op.batch_alter_table('pse_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pse_contact_contact_id'))

    op.drop_table('pse_contact')
    with op.batch_alter_table('pse', schema=None) as batch_op:
        batch_op.drop_index('ix_pse_status')
        batch_op.drop_index(batch_op.f('ix_pse_opportunity_id'))
        batch_op.drop_index(batch_op.f('ix_pse_account_id'))

    op.drop_table('pse')
