"""trace query counters: how many traces ran per day and duration bucket (home dashboard)

Revision ID: d8e2f4a6b1c3
Revises: c4a1f2e3d5b7
Create Date: 2026-12-05 13:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'd8e2f4a6b1c3'
down_revision: str | Sequence[str] | None = 'c4a1f2e3d5b7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'traceability_trace_query_stat',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('bucket', sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column('queries', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'bucket', name=op.f('pk_traceability_trace_query_stat')),
    )


def downgrade() -> None:
    op.drop_table('traceability_trace_query_stat')
