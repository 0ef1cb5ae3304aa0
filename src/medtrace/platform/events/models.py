"""The outbox: one row per published event, written in the transaction of the action itself.

The row is the durable record that the event happened (it commits or rolls back with the
action). Delivery to webhooks and brokers (the integration issue) reads pending rows in ``id``
order and keeps its bookkeeping in the ``status`` / ``attempts`` / ``next_attempt_at`` /
``delivered_at`` / ``last_error`` columns; until then rows stay ``pending``.

Not audited: the outbox is itself an append-only log of facts whose causes (the audited rows
the action changed) are in the audit trail already, written by the same transaction; its later
changes are delivery bookkeeping, not GxP records.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from medtrace.platform.db.base import Base, UTCDateTime

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
STATUSES = (PENDING, DELIVERED, FAILED)

LENGTHS = {"type": 150, "actor": 200, "request_id": 100, "status": 12, "last_error": 2000}


class OutboxMessage(Base):
    __tablename__ = "events_outbox"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'delivered', 'failed')", name="known_status"),
        CheckConstraint("version >= 1", name="version_positive"),
        # what the delivery loop asks: the next pending rows that are due
        Index("ix_events_outbox_due", "status", "next_attempt_at"),
        Index("ix_events_outbox_type_occurred", "type", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # also the delivery order
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid(), unique=True)
    type: Mapped[str] = mapped_column(String(LENGTHS["type"]))
    version: Mapped[int] = mapped_column(Integer)
    #: the event's fields as JSON (Decimal as strings, times as UTC ISO 8601)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str | None] = mapped_column(String(LENGTHS["actor"]), nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(LENGTHS["request_id"]), nullable=True)
    # delivery bookkeeping (the integration issue)
    status: Mapped[str] = mapped_column(String(LENGTHS["status"]), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(LENGTHS["last_error"]), nullable=True)
