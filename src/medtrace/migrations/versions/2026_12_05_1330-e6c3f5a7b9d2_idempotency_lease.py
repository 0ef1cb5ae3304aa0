"""idempotency lease: a claimed key has an owner and a lease; a retry after the lease takes it
over

Revision ID: e6c3f5a7b9d2
Revises: d5b2e4f6a8c1
Create Date: 2026-12-05 13:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from medtrace.platform.db import base as mt

revision: str = 'e6c3f5a7b9d2'
down_revision: str | Sequence[str] | None = 'd5b2e4f6a8c1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('idempotency_key', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('lease_until', mt.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('idempotency_key', schema=None) as batch_op:
        batch_op.drop_column('lease_until')
        batch_op.drop_column('owner')
