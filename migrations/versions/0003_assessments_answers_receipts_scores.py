"""assessments answers receipts dimension scores

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 15:05:09.780875

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.String(length=20), nullable=False),
    sa.Column('questionnaire_version', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('based_on_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_page', sa.String(length=10), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('profile_snapshot', sa.JSON(), nullable=True),
    sa.Column('result_snapshot', sa.JSON(), nullable=True),
    sa.Column('overall_score', sa.Float(), nullable=True),
    sa.Column('overall_band', sa.String(length=12), nullable=True),
    sa.Column('technology_score', sa.Float(), nullable=True),
    sa.Column('management_score', sa.Float(), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.CheckConstraint("mode IN ('self', 'guided')", name=op.f('ck_assessment_mode')),
    sa.CheckConstraint("status IN ('draft', 'submitted')", name=op.f('ck_assessment_status')),
    sa.CheckConstraint('version >= 0', name=op.f('ck_assessment_version')),
    sa.ForeignKeyConstraint(['based_on_id'], ['assessment.id'], name=op.f('fk_assessment_based_on_id_assessment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_assessment_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['firm_id'], ['firm.id'], name=op.f('fk_assessment_firm_id_firm'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id'], name=op.f('fk_assessment_submitted_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment'))
    )
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_index('ix_assessment_firm_status', ['firm_id', 'status'], unique=False)

    op.create_table('answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=80), nullable=False),
    sa.Column('option', sa.JSON(), nullable=True),
    sa.Column('level', sa.Float(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('needs_confirmation', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('level IS NULL OR (level >= 0 AND level <= 5)', name=op.f('ck_answer_level')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_answer_assessment_id_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_answer_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer')),
    sa.UniqueConstraint('assessment_id', 'item_id', name='uq_answer_assessment_item')
    )
    op.create_table('dimension_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('dimension', sa.String(length=3), nullable=False),
    sa.Column('state', sa.String(length=15), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('band', sa.String(length=12), nullable=True),
    sa.Column('coverage', sa.Float(), nullable=False),
    sa.CheckConstraint("state IN ('scored', 'insufficient', 'not_applicable')", name=op.f('ck_dimension_score_state')),
    sa.CheckConstraint('score IS NULL OR (score >= 0 AND score <= 100)', name=op.f('ck_dimension_score_score')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_dimension_score_assessment_id_assessment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dimension_score')),
    sa.UniqueConstraint('assessment_id', 'dimension', name='uq_dimension_score_assessment_dimension')
    )
    with op.batch_alter_table('dimension_score', schema=None) as batch_op:
        batch_op.create_index('ix_dimension_score_dimension_state', ['dimension', 'state'], unique=False)

    op.create_table('save_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('result_version', sa.Integer(), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_save_receipt_assessment_id_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_save_receipt_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_save_receipt')),
    sa.UniqueConstraint('assessment_id', 'idempotency_key', name='uq_save_receipt_assessment_key')
    )
    


def downgrade():
    
    op.drop_table('save_receipt')
    with op.batch_alter_table('dimension_score', schema=None) as batch_op:
        batch_op.drop_index('ix_dimension_score_dimension_state')

    op.drop_table('dimension_score')
    op.drop_table('answer')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_index('ix_assessment_firm_status')

    op.drop_table('assessment')
    
