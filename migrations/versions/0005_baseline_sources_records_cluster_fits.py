"""baseline sources records cluster fits

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 15:42:17.576988

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('baseline_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('licence', sa.String(length=40), nullable=False),
    sa.Column('credit', sa.JSON(), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=True),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('rows_imported', sa.Integer(), nullable=False),
    sa.Column('rows_present', sa.Integer(), nullable=False),
    sa.Column('rows_rejected', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_baseline_source')),
    sa.UniqueConstraint('name', name=op.f('uq_baseline_source_name'))
    )
    op.create_table('baseline_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('firm_hash', sa.String(length=64), nullable=False),
    sa.Column('test_end_date', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('ciiu', sa.String(length=5), nullable=True),
    sa.Column('sector', sa.String(length=20), nullable=False),
    sa.Column('person_type', sa.String(length=8), nullable=True),
    sa.Column('department', sa.String(length=40), nullable=True),
    sa.Column('province', sa.String(length=60), nullable=True),
    sa.Column('district', sa.String(length=60), nullable=True),
    sa.Column('ubigeo', sa.String(length=6), nullable=True),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('general', sa.Float(), nullable=False),
    sa.Column('management', sa.Float(), nullable=False),
    sa.Column('e_commerce', sa.Float(), nullable=False),
    sa.Column('data_analysis', sa.Float(), nullable=False),
    sa.Column('digital_marketing', sa.Float(), nullable=False),
    sa.Column('payments', sa.Float(), nullable=False),
    sa.Column('finance', sa.Float(), nullable=False),
    sa.Column('clipped', sa.String(length=120), nullable=True),
    sa.Column('latest', sa.Boolean(), nullable=False),
    sa.CheckConstraint("level IN ('Inicial', 'Básico', 'Intermedio', 'Avanzado', 'Experto')", name=op.f('ck_baseline_record_level')),
    sa.CheckConstraint("person_type IS NULL OR person_type IN ('NATURAL', 'JURIDICA')", name=op.f('ck_baseline_record_person_type')),
    sa.CheckConstraint('data_analysis >= 0 AND data_analysis <= 100', name=op.f('ck_baseline_record_data_analysis')),
    sa.CheckConstraint('digital_marketing >= 0 AND digital_marketing <= 100', name=op.f('ck_baseline_record_digital_marketing')),
    sa.CheckConstraint('e_commerce >= 0 AND e_commerce <= 100', name=op.f('ck_baseline_record_e_commerce')),
    sa.CheckConstraint('finance >= 0 AND finance <= 100', name=op.f('ck_baseline_record_finance')),
    sa.CheckConstraint('general >= 0 AND general <= 100', name=op.f('ck_baseline_record_general')),
    sa.CheckConstraint('management >= 0 AND management <= 100', name=op.f('ck_baseline_record_management')),
    sa.CheckConstraint('payments >= 0 AND payments <= 100', name=op.f('ck_baseline_record_payments')),
    sa.ForeignKeyConstraint(['source_id'], ['baseline_source.id'], name=op.f('fk_baseline_record_source_id_baseline_source'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_baseline_record')),
    sa.UniqueConstraint('source_id', 'firm_hash', 'test_end_date', name='uq_baseline_record_source_firm_date')
    )
    with op.batch_alter_table('baseline_record', schema=None) as batch_op:
        batch_op.create_index('ix_baseline_record_source_latest_sector', ['source_id', 'latest', 'sector'], unique=False)

    op.create_table('cluster_fit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=True),
    sa.Column('baseline_source_id', sa.Integer(), nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('chart', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['baseline_source_id'], ['baseline_source.id'], name=op.f('fk_cluster_fit_baseline_source_id_baseline_source'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cluster_fit'))
    )
    with op.batch_alter_table('cluster_fit', schema=None) as batch_op:
        batch_op.create_index('ix_cluster_fit_scope_created', ['scope', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('cluster_fit', schema=None) as batch_op:
        batch_op.drop_index('ix_cluster_fit_scope_created')

    op.drop_table('cluster_fit')
    with op.batch_alter_table('baseline_record', schema=None) as batch_op:
        batch_op.drop_index('ix_baseline_record_source_latest_sector')

    op.drop_table('baseline_record')
    op.drop_table('baseline_source')
