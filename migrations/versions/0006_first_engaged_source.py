"""Where an onboarding's first-engaged date came from: set by hand (manual) or worked out from the timeline.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('onboarding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_engaged_source', sa.String(length=20), nullable=True))
    # dates already stored were typed, imported or set by the old rule: kept as they are (manual), so an
    # upgrade changes no figure; `onboarding update REF --first-engaged ""` hands one back to the timeline
    op.execute("UPDATE onboarding SET first_engaged_source = 'manual' WHERE first_engaged_date IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('onboarding', schema=None) as batch_op:
        batch_op.drop_column('first_engaged_source')
