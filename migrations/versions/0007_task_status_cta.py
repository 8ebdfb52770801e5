"""Tasks become calls to action: status and closed reason; type, priority, reason, source, snooze date.

Existing rows: a task with a done date is done, the rest open; playbook tasks are lifecycle tasks from the
playbook, the "Assign a CSM" task comes from the CSM-assignment rule, hand-added ones are manual activities.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20), nullable=False, server_default='open'))
        batch_op.add_column(sa.Column('closed_reason', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('type', sa.String(length=20), nullable=False, server_default='activity'))
        batch_op.add_column(sa.Column('priority', sa.String(length=10), nullable=False, server_default='medium'))
        batch_op.add_column(sa.Column('reason', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('source', sa.String(length=60), nullable=False, server_default='manual'))
        batch_op.add_column(sa.Column('snooze_date', sa.Date(), nullable=True))
        batch_op.create_index('ix_task_status_due_date', ['status', 'due_date'], unique=False)
        batch_op.create_index('ix_task_source_account_id', ['source', 'account_id'], unique=False)
    op.execute("UPDATE task SET status = 'done' WHERE done_date IS NOT NULL")
    op.execute("UPDATE task SET type = 'lifecycle', source = 'playbook' "
               "WHERE onboarding_id IS NOT NULL AND kind IS NOT NULL AND kind <> 'assign-csm'")
    op.execute("UPDATE task SET type = 'lifecycle', source = 'rule:assign-csm' WHERE kind = 'assign-csm'")


def downgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index('ix_task_source_account_id')
        batch_op.drop_index('ix_task_status_due_date')
        batch_op.drop_column('snooze_date')
        batch_op.drop_column('source')
        batch_op.drop_column('reason')
        batch_op.drop_column('priority')
        batch_op.drop_column('type')
        batch_op.drop_column('closed_reason')
        batch_op.drop_column('status')
