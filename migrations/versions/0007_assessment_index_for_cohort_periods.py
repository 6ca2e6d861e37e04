"""assessment index for cohort periods

The latest submitted assessment of each firm within a cohort's period is found from
(firm_id, status, submitted_at) alone; the old (firm_id, status) index is its prefix.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 17:40:00
"""
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_index('ix_assessment_firm_status_submitted', ['firm_id', 'status', 'submitted_at'], unique=False)
        batch_op.drop_index('ix_assessment_firm_status')


def downgrade():
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_index('ix_assessment_firm_status', ['firm_id', 'status'], unique=False)
        batch_op.drop_index('ix_assessment_firm_status_submitted')
