"""cohorts consent invitations api tokens

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 15:47:55.635207

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_api_token_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_api_token_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('cohort',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('programme', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('join_code', sa.String(length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_cohort_period')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_cohort_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_cohort_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort')),
    sa.UniqueConstraint('join_code', name=op.f('uq_cohort_join_code'))
    )
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_organization_id'), ['organization_id'], unique=False)

    op.create_table('cohort_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=True),
    sa.Column('ruc', sa.String(length=11), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("source IN ('csv', 'advisor', 'analyst')", name=op.f('ck_cohort_invitation_source')),
    sa.CheckConstraint("state IN ('pending', 'accepted', 'declined')", name=op.f('ck_cohort_invitation_state')),
    sa.CheckConstraint('ruc IS NOT NULL OR firm_id IS NOT NULL', name=op.f('ck_cohort_invitation_target')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_cohort_invitation_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['firm_id'], ['firm.id'], name=op.f('fk_cohort_invitation_firm_id_firm'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user.id'], name=op.f('fk_cohort_invitation_invited_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_invitation')),
    sa.UniqueConstraint('cohort_id', 'firm_id', name='uq_cohort_invitation_cohort_firm'),
    sa.UniqueConstraint('cohort_id', 'ruc', name='uq_cohort_invitation_cohort_ruc')
    )
    with op.batch_alter_table('cohort_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_invitation_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohort_invitation_firm_id'), ['firm_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohort_invitation_ruc'), ['ruc'], unique=False)

    op.create_table('cohort_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consent_version', sa.String(length=20), nullable=False),
    sa.Column('consented_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('withdrawn_at IS NULL OR withdrawn_at >= consent_at', name=op.f('ck_cohort_member_withdrawal_after_consent')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_cohort_member_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['consented_by_id'], ['user.id'], name=op.f('fk_cohort_member_consented_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['firm_id'], ['firm.id'], name=op.f('fk_cohort_member_firm_id_firm'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['user.id'], name=op.f('fk_cohort_member_withdrawn_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_member')),
    sa.UniqueConstraint('cohort_id', 'firm_id', name='uq_cohort_member_cohort_firm')
    )
    with op.batch_alter_table('cohort_member', schema=None) as batch_op:
        batch_op.create_index('ix_cohort_member_cohort_active', ['cohort_id', 'withdrawn_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohort_member_firm_id'), ['firm_id'], unique=False)



def downgrade():
    with op.batch_alter_table('cohort_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_member_firm_id'))
        batch_op.drop_index('ix_cohort_member_cohort_active')

    op.drop_table('cohort_member')
    with op.batch_alter_table('cohort_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_invitation_ruc'))
        batch_op.drop_index(batch_op.f('ix_cohort_invitation_firm_id'))
        batch_op.drop_index(batch_op.f('ix_cohort_invitation_cohort_id'))

    op.drop_table('cohort_invitation')
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_organization_id'))

    op.drop_table('cohort')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
