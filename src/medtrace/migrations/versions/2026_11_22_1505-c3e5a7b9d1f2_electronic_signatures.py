"""electronic signatures

Meanings (seeded with the usual list) and signatures. Signatures are append-only: triggers
refuse UPDATE and DELETE on both databases (and TRUNCATE on PostgreSQL).

Revision ID: c3e5a7b9d1f2
Revises: b2d4f6a8c0e1
Create Date: 2026-11-22 15:05:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from medtrace.platform.db import base as mt

revision: str = "c3e5a7b9d1f2"
down_revision: str | Sequence[str] | None = "b2d4f6a8c0e1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MEANINGS = [
    ("authored", "编制", "Authored"),
    ("reviewed", "审核", "Reviewed"),
    ("approved", "批准", "Approved"),
    ("released", "放行", "Released"),
    ("verified", "复核", "Verified"),
    ("closed", "关闭", "Closed"),
]
REFUSAL = "esign_signature is append-only"


def upgrade() -> None:
    meaning = op.create_table(
        "esign_meaning",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label_zh", sa.String(length=100), nullable=False),
        sa.Column("label_en", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_esign_meaning")),
    )
    op.bulk_insert(meaning, [{"code": c, "label_zh": zh, "label_en": en, "active": True}
                             for c, zh, en in MEANINGS])
    op.create_table(
        "esign_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_type", sa.String(length=100), nullable=False),
        sa.Column("entity_id", sa.String(length=100), nullable=False),
        sa.Column("entity_ref", sa.String(length=200), nullable=True),
        sa.Column("meaning", sa.String(length=40), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=False),
        sa.Column("signer_username", sa.String(length=64), nullable=False),
        sa.Column("printed_name", sa.String(length=200), nullable=False),
        sa.Column("signed_at", mt.UTCDateTime(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(["meaning"], ["esign_meaning.code"],
                                name=op.f("fk_esign_signature_meaning_esign_meaning")),
        sa.ForeignKeyConstraint(["signer_id"], ["auth_user.id"],
                                name=op.f("fk_esign_signature_signer_id_auth_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_esign_signature")),
    )
    with op.batch_alter_table("esign_signature", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_esign_signature_entity_id"), ["entity_id"])
        batch_op.create_index(batch_op.f("ix_esign_signature_entity_type"), ["entity_type"])
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER esign_signature_no_{verb.lower()}
                BEFORE {verb} ON esign_signature
                BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END;""")
    else:
        op.execute(f"""CREATE FUNCTION esign_signature_refuse_change() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'insufficient_privilege'; END;
            $$""")
        op.execute("""CREATE TRIGGER esign_signature_no_update_delete
            BEFORE UPDATE OR DELETE ON esign_signature
            FOR EACH ROW EXECUTE FUNCTION esign_signature_refuse_change()""")
        op.execute("""CREATE TRIGGER esign_signature_no_truncate BEFORE TRUNCATE ON esign_signature
            FOR EACH STATEMENT EXECUTE FUNCTION esign_signature_refuse_change()""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS esign_signature_no_update")
        op.execute("DROP TRIGGER IF EXISTS esign_signature_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS esign_signature_no_truncate ON esign_signature")
        op.execute("DROP TRIGGER IF EXISTS esign_signature_no_update_delete ON esign_signature")
        op.execute("DROP FUNCTION IF EXISTS esign_signature_refuse_change()")
    with op.batch_alter_table("esign_signature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_esign_signature_entity_type"))
        batch_op.drop_index(batch_op.f("ix_esign_signature_entity_id"))
    op.drop_table("esign_signature")
    op.drop_table("esign_meaning")
