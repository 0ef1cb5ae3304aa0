"""token generation: a password change, a reset, a deactivation, a role change or "sign out
everywhere" invalidates every token and session of the user

Revision ID: c4a1f2e3d5b7
Revises: b7e1a0c4d2f6
Create Date: 2026-12-05 09:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'c4a1f2e3d5b7'
down_revision: str | Sequence[str] | None = 'b7e1a0c4d2f6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('auth_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_generation', sa.Integer(), server_default='0',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('auth_user', schema=None) as batch_op:
        batch_op.drop_column('token_generation')
