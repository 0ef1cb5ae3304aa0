"""The worker loop: claim due jobs, run them one at a time, sleep until the next is due.

``Worker.run_due`` runs every job that is due now (``medtrace worker --once``);
``Worker.run_forever`` repeats that until its stop event is set (SIGTERM or SIGINT in the
command). A stop request lets the running job finish; no new job is claimed after it.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterable

from sqlalchemy import func, select

from medtrace.platform.db.base import utcnow
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.jobs.models import Job
from medtrace.platform.jobs.service import (
    RunOutcome,
    claim_next,
    ensure_rows,
    get_job_spec,
    registered_jobs,
    run_claimed,
)
from medtrace.platform.observability.logging import get_logger

log = get_logger("medtrace.jobs")

DEFAULT_POLL = dt.timedelta(seconds=30)
MIN_SLEEP = 0.5


def worker_id() -> str:
    """host:pid:random, unique per worker instance (the lease owner)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    def __init__(self, db: Database, *, only: Iterable[str] | None = None,
                 timezone: str = "Asia/Shanghai", poll: dt.timedelta = DEFAULT_POLL,
                 owner: str | None = None, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.db = db
        self.timezone = timezone
        self.poll = poll
        self.owner = owner or worker_id()
        self.clock = clock
        self.stop_event = threading.Event()
        chosen = list(only or [])
        self.names = sorted({get_job_spec(name).name for name in chosen}) if chosen \
            else [spec.name for spec in registered_jobs()]
        self._rows_ready = False

    def stop(self) -> None:
        """Finish the running job, then leave the loop."""
        self.stop_event.set()

    def run_due(self) -> list[RunOutcome]:
        """Run every job that is due now, each once; return how each went."""
        if not self._rows_ready:
            ensure_rows(self.db, self.names, now=self.clock())
            self._rows_ready = True
        outcomes: list[RunOutcome] = []
        ran: set[str] = set()
        while not self.stop_event.is_set():
            pending = [name for name in self.names if name not in ran]
            claim = claim_next(self.db, self.owner, pending, now=self.clock())
            if claim is None:
                break
            ran.add(claim.name)
            outcomes.append(run_claimed(self.db, claim, timezone=self.timezone, clock=self.clock))
        return outcomes

    def seconds_to_next(self) -> float:
        """How long to sleep: until the earliest next run, at most ``poll``."""
        if not self.names:
            return self.poll.total_seconds()
        with UnitOfWork(self.db, write=False) as uow:
            earliest = uow.session.scalar(select(func.min(Job.next_run_at))
                                          .where(Job.name.in_(self.names)))
        wait = self.poll.total_seconds()
        if earliest is not None:
            wait = min(wait, (earliest - self.clock()).total_seconds())
        return max(MIN_SLEEP, wait)

    def run_forever(self) -> None:
        log.info("worker started", owner=self.owner, jobs=self.names)
        while not self.stop_event.is_set():
            try:
                self.run_due()
                wait = self.seconds_to_next()
            except Exception:  # the database went away: log, wait, try again
                log.exception("worker cycle failed", owner=self.owner)
                wait = self.poll.total_seconds()
            self.stop_event.wait(wait)
        log.info("worker stopped", owner=self.owner)
