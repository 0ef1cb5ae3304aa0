"""The jobs table: one row per registered periodic job, the state every worker shares.

A worker claims a due row by setting a lease (``lease_owner`` / ``lease_expires_at``); while the
lease lasts no other worker takes the job. Finishing records the outcome and the next run time
and clears the lease. A worker that dies mid-job leaves its lease behind; once it has expired
another worker takes the job again. Rows are created by the workers from the registry (nothing
here is business data: the table is marked as bookkeeping, so an idle worker does not make the
database look used to ``demo load --if-empty``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from medtrace.platform.db.base import Base, UTCDateTime

OK, FAILED = "ok", "failed"

LENGTHS = {"name": 100, "lease_owner": 200, "last_status": 10, "last_error": 2000,
           "last_result": 500}


class Job(Base):
    __tablename__ = "jobs_job"
    __table_args__ = (
        CheckConstraint("last_status IS NULL OR last_status IN ('ok', 'failed')",
                        name="known_status"),
        {"info": {"reference_data": True}},
    )

    name: Mapped[str] = mapped_column(String(LENGTHS["name"]), primary_key=True)
    next_run_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    lease_owner: Mapped[str | None] = mapped_column(String(LENGTHS["lease_owner"]),
                                                    nullable=True)
    lease_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_status: Mapped[str | None] = mapped_column(String(LENGTHS["last_status"]),
                                                    nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(LENGTHS["last_error"]), nullable=True)
    #: the job's own one-line summary of its last successful run
    last_result: Mapped[str | None] = mapped_column(String(LENGTHS["last_result"]),
                                                    nullable=True)
    run_count: Mapped[int] = mapped_column(Integer, default=0)
    failure_count: Mapped[int] = mapped_column(Integer, default=0)
    #: failures in a row since the last success (0 after a success)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
