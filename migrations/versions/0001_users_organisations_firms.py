"""users, organisations, firms and firm members

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 14:52:24.374862

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('organization',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('advisors_see_all_firms', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('agency', 'cite', 'cde', 'consultancy', 'association')", name=op.f('ck_organization_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization')),
    sa.UniqueConstraint('name', name=op.f('uq_organization_name'))
    )
    op.create_table('firm',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('ruc', sa.String(length=11), nullable=True),
    sa.Column('has_ruc', sa.Boolean(), nullable=False),
    sa.Column('sector', sa.String(length=20), nullable=False),
    sa.Column('ciiu', sa.String(length=5), nullable=True),
    sa.Column('employees', sa.Integer(), nullable=False),
    sa.Column('annual_sales_band', sa.String(length=10), nullable=False),
    sa.Column('department', sa.String(length=2), nullable=True),
    sa.Column('tax_regime', sa.String(length=4), nullable=False),
    sa.Column('issues_e_invoices', sa.Boolean(), nullable=False),
    sa.Column('exports', sa.Boolean(), nullable=False),
    sa.Column('export_intent', sa.Boolean(), nullable=False),
    sa.Column('association', sa.String(length=12), nullable=False),
    sa.Column('years_operating', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("annual_sales_band IN ('le150uit', 'le1700uit', 'le2300uit', 'gt2300uit')", name=op.f('ck_firm_annual_sales_band')),
    sa.CheckConstraint("association IN ('none', 'association', 'cooperative', 'cluster')", name=op.f('ck_firm_association')),
    sa.CheckConstraint("sector IN ('textiles', 'retail', 'tourism', 'footwear', 'furniture', 'fishery', 'agrifood', 'handicrafts', 'mining-suppliers', 'manufacturing', 'general')", name=op.f('ck_firm_sector')),
    sa.CheckConstraint("tax_regime IN ('nrus', 'rer', 'rmt', 'rg', 'none')", name=op.f('ck_firm_tax_regime')),
    sa.CheckConstraint('employees >= 0', name=op.f('ck_firm_employees')),
    sa.CheckConstraint('ruc IS NULL OR has_ruc', name=op.f('ck_firm_ruc_needs_has_ruc')),
    sa.CheckConstraint('years_operating >= 0', name=op.f('ck_firm_years_operating')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_firm_organization_id_organization'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_firm')),
    sa.UniqueConstraint('ruc', name=op.f('uq_firm_ruc'))
    )
    with op.batch_alter_table('firm', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_firm_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_firm_sector_department', ['sector', 'department'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("language IN ('es', 'en')", name=op.f('ck_user_language')),
    sa.CheckConstraint("role IN ('owner', 'advisor', 'analyst', 'admin')", name=op.f('ck_user_role')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_user_organization_id_organization'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('email', name=op.f('uq_user_email')),
    sa.UniqueConstraint('session_token', name=op.f('uq_user_session_token'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_organization_id'), ['organization_id'], unique=False)

    op.create_table('firm_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('owner', 'advisor')", name=op.f('ck_firm_member_role')),
    sa.ForeignKeyConstraint(['firm_id'], ['firm.id'], name=op.f('fk_firm_member_firm_id_firm'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_firm_member_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_firm_member')),
    sa.UniqueConstraint('firm_id', 'user_id', name='uq_firm_member_firm_user')
    )
    with op.batch_alter_table('firm_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_firm_member_user_id'), ['user_id'], unique=False)

    


def downgrade():
    
    with op.batch_alter_table('firm_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_firm_member_user_id'))

    op.drop_table('firm_member')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_organization_id'))

    op.drop_table('user')
    with op.batch_alter_table('firm', schema=None) as batch_op:
        batch_op.drop_index('ix_firm_sector_department')
        batch_op.drop_index(batch_op.f('ix_firm_organization_id'))

    op.drop_table('firm')
    op.drop_table('organization')
    
