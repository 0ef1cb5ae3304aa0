from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from medtrace.platform.db.base import Base, utcnow


class IdempotencyRecord(Base):
    """One Idempotency-Key of one credential: the request's fingerprint and, once answered,
    the response to replay."""

    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("credential", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credential: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    #: in_progress (claimed), applied (the request's write committed, in its own transaction;
    #: the answer follows), done (the answer is stored)
    state: Mapped[str] = mapped_column(String(20))
    #: the claim's owner (one per attempt) and until when it holds the key while in progress
    owner: Mapped[str | None] = mapped_column(String(32), nullable=True)
    lease_until: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    response_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_headers: Mapped[list | None] = mapped_column(JSON, nullable=True)
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
