"""trace import checkpoints: a killed import resumes after its last committed batch

Revision ID: d5b2e4f6a8c1
Revises: d8e2f4a6b1c3
Create Date: 2026-12-05 13:10:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from medtrace.platform.db import base as mt

revision: str = 'd5b2e4f6a8c1'
down_revision: str | Sequence[str] | None = 'd8e2f4a6b1c3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'traceability_import_checkpoint',
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('batch_size', sa.Integer(), nullable=False),
        sa.Column('file', sa.String(length=40), nullable=True),
        sa.Column('line', sa.Integer(), nullable=False),
        sa.Column('rows', sa.JSON(), nullable=False),
        sa.Column('created', sa.JSON(), nullable=False),
        sa.Column('host', sa.String(length=255), nullable=False),
        sa.Column('pid', sa.Integer(), nullable=False),
        sa.Column('heartbeat_at', mt.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['traceability_import.id'],
                                name=op.f('fk_traceability_import_checkpoint_run_id_'
                                          'traceability_import')),
        sa.PrimaryKeyConstraint('run_id', name=op.f('pk_traceability_import_checkpoint')),
    )
    with op.batch_alter_table('traceability_import_checkpoint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_traceability_import_checkpoint_content_hash'),
                              ['content_hash'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('traceability_import_checkpoint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_traceability_import_checkpoint_content_hash'))
    op.drop_table('traceability_import_checkpoint')
