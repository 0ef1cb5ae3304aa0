"""Per day and duration bucket, how many trace queries ran: a counter, not a record of who
traced what (the audit trail and the access log keep that), so it is not audited."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from medtrace.platform.db.base import Base


class TraceQueryStat(Base):
    __tablename__ = "traceability_trace_query_stat"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)  # plant-local date
    bucket: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    queries: Mapped[int] = mapped_column(Integer, default=0)
