"""Proofs of Value, success-plan objectives, health snapshots; account domains, activity sources.

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
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('domains', sa.String(length=1000), nullable=True))
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=20), nullable=False, server_default='manual'))
        batch_op.add_column(sa.Column('source_id', sa.String(length=500), nullable=True))
        batch_op.create_index('uq_activity_account_id_source_source_id', ['account_id', 'source', 'source_id'],
                              unique=True)

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

    op.create_table('objective',
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.Column('solution', sa.String(length=500), nullable=True),
    sa.Column('capability', sa.String(length=60), nullable=True),
    sa.Column('value_driver', sa.String(length=500), nullable=True),
    sa.Column('metrics', sa.String(length=2000), nullable=True),
    sa.Column('pain', sa.String(length=2000), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('green_date', sa.Date(), nullable=True),
    sa.Column('notes', sa.String(length=4000), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_objective_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objective'))
    )
    with op.batch_alter_table('objective', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objective_account_id'), ['account_id'], unique=False)
        batch_op.create_index('ix_objective_green_date', ['green_date'], unique=False)

    op.create_table('health_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('colour', sa.String(length=10), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_health_snapshot_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_snapshot'))
    )
    with op.batch_alter_table('health_snapshot', schema=None) as batch_op:
        batch_op.create_index('ix_health_snapshot_on_date', ['on_date'], unique=False)
        batch_op.create_index('uq_health_snapshot_account_id_on_date', ['account_id', 'on_date'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index('uq_activity_account_id_source_source_id')
        batch_op.drop_column('source_id')
        batch_op.drop_column('source')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('domains')
    with op.batch_alter_table('health_snapshot', schema=None) as batch_op:
        batch_op.drop_index('uq_health_snapshot_account_id_on_date')
        batch_op.drop_index('ix_health_snapshot_on_date')
    op.drop_table('health_snapshot')
    with op.batch_alter_table('objective', schema=None) as batch_op:
        batch_op.drop_index('ix_objective_green_date')
        batch_op.drop_index(batch_op.f('ix_objective_account_id'))
    op.drop_table('objective')
    with op.batch_alter_table('pov', schema=None) as batch_op:
        batch_op.drop_index('ix_pov_status')
        batch_op.drop_index('ix_pov_end_date')
        batch_op.drop_index(batch_op.f('ix_pov_opportunity_id'))
        batch_op.drop_index(batch_op.f('ix_pov_account_id'))
    op.drop_table('pov')
