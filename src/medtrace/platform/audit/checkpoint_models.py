"""Audit-chain checkpoints: the head of the hash chain as the worker saw it, periodically.

A checkpoint says "entry ``entry_id`` had hash ``head_hash`` at ``at``". The same line is
logged, so the head also reaches the log store, outside the database; comparing a checkpoint
with the chain later shows whether history before it was rewritten.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from medtrace.platform.db.base import Base, UTCDateTime


class AuditCheckpoint(Base):
    __tablename__ = "audit_checkpoint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    #: the last entry of the chain at that time, and its hash
    entry_id: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))
