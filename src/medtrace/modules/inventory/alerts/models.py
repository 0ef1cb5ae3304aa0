"""What the expiry-alert job has announced already: one row per lot (or serial unit), expiry
date and threshold, so that each crossing is published once and not on every run."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from medtrace.platform.db.base import Base, UTCDateTime


class ExpiryNotice(Base):
    __tablename__ = "inventory_expiry_notice"
    __table_args__ = (UniqueConstraint("object_id", "expiry", "threshold"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the lot or serial unit
    object_id: Mapped[int] = mapped_column(ForeignKey("traceability_object.id"))
    #: the expiry date announced (a corrected expiry date is announced again)
    expiry: Mapped[dt.date] = mapped_column(Date)
    #: ``"90"``, ``"30"`` (days before expiry) or ``"expired"``
    threshold: Mapped[str] = mapped_column(String(10))
    notified_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
