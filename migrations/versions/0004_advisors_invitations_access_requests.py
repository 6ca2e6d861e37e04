"""advisors owner invitations and access requests

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 15:40:03.236659

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('access_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('advisor_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'accepted', 'declined')", name=op.f('ck_access_request_status')),
    sa.ForeignKeyConstraint(['advisor_id'], ['user.id'], name=op.f('fk_access_request_advisor_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['firm_id'], ['firm.id'], name=op.f('fk_access_request_firm_id_firm'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_request'))
    )
    with op.batch_alter_table('access_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_request_firm_id'), ['firm_id'], unique=False)

    op.create_table('owner_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_owner_invitation_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['firm_id'], ['firm.id'], name=op.f('fk_owner_invitation_firm_id_firm'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['used_by_id'], ['user.id'], name=op.f('fk_owner_invitation_used_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_owner_invitation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_owner_invitation_token_hash'))
    )
    with op.batch_alter_table('owner_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_owner_invitation_firm_id'), ['firm_id'], unique=False)

    


def downgrade():
    
    with op.batch_alter_table('owner_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_owner_invitation_firm_id'))

    op.drop_table('owner_invitation')
    with op.batch_alter_table('access_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_request_firm_id'))

    op.drop_table('access_request')
    
