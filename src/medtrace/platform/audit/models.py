"""The audit trail table: one append-only, hash-chained row per recorded change.

Rows are written only by the flush hook in ``recorder.py`` (never by hand) and are protected by
database triggers that refuse UPDATE, DELETE and TRUNCATE (see the migration).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from medtrace.platform.db.base import Base, UTCDateTime

# Column lengths; the recorder truncates to them before hashing, so what is hashed is stored.
LENGTHS = {
    "action": 150,
    "entity_type": 100,
    "entity_id": 200,
    "entity_ref": 300,
    "actor_kind": 20,
    "actor_name": 200,
    "request_id": 100,
    "client_ip": 64,
}


class AuditEntry(Base):
    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_entity", "entity_type", "entity_id"),
        Index("ix_audit_entry_actor_name", "actor_name"),
        Index("ix_audit_entry_at", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # also the order of the chain
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    action: Mapped[str] = mapped_column(String(LENGTHS["action"]))
    entity_type: Mapped[str] = mapped_column(String(LENGTHS["entity_type"]))
    entity_id: Mapped[str] = mapped_column(String(LENGTHS["entity_id"]))
    entity_ref: Mapped[str | None] = mapped_column(String(LENGTHS["entity_ref"]), nullable=True)
    #: {field: {"old": ..., "new": ...}}, stored as its canonical JSON text (what is hashed)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    actor_kind: Mapped[str] = mapped_column(String(LENGTHS["actor_kind"]))
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor_name: Mapped[str] = mapped_column(String(LENGTHS["actor_name"]))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(LENGTHS["request_id"]), nullable=True)
    client_ip: Mapped[str | None] = mapped_column(String(LENGTHS["client_ip"]), nullable=True)
    #: unique: two entries can never follow the same one, so the chain cannot fork
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))

    @property
    def operation(self) -> str:
        """``create``, ``update`` or ``delete`` (the last part of ``action``)."""
        return self.action.rsplit(".", 1)[-1]
