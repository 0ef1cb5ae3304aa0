"""Periodic jobs: the registry, claiming a due job under a lease, running it, recording it.

A module registers a job once, at import::

    register_job(JobSpec(name="inventory.expiry_alerts", every=timedelta(hours=1),
                         run=publish_expiry_alerts))

``run(uow)`` does the work in its own unit of work (one run = one transaction) and may return a
one-line summary, kept as the job's ``last_result``.

Claiming (several workers, on one or several machines, never run one job twice):

- PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` picks the oldest due job that no other
  worker is claiming at that moment, then a conditional ``UPDATE`` sets the lease; both commit
  at once. Workers never wait on each other's rows.
- SQLite: a writing unit of work starts with ``BEGIN IMMEDIATE``, so claims are serialised by
  the database's write lock; the same conditional ``UPDATE`` (due, no live lease) decides.

The lease (``JobSpec.lease``) covers the run. Finishing clears it, records the outcome and sets
the next run time; a worker that dies mid-run leaves the lease, and once it has expired another
worker runs the job again (at least once per period, exactly once while workers live). A failed
run is retried at the next period, not at once.

Schedules are fixed-rate: the next run is the first ``next_run_at + k * every`` after the end
of the run (runs missed while no worker was up are not caught up one by one). Times are the
workers' clocks (UTC): keep the machines' clocks synchronised.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from medtrace.platform.actor import Actor
from medtrace.platform.db.base import utcnow
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.jobs.errors import JobDefinitionError, JobNotFound
from medtrace.platform.jobs.models import FAILED, LENGTHS, OK, Job
from medtrace.platform.observability.logging import get_logger

log = get_logger("medtrace.jobs")

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
DEFAULT_LEASE = dt.timedelta(minutes=10)
_TABLE = Job.__table__


@dataclass(frozen=True)
class JobSpec:
    """A periodic job: its dotted name, how often it runs, what it runs, how long its lease is
    (longer than a run can take: after that another worker may take the job)."""

    name: str
    every: dt.timedelta
    run: Callable[[UnitOfWork], str | None]
    lease: dt.timedelta = DEFAULT_LEASE
    description: str = ""

    def __post_init__(self) -> None:
        if not NAME_PATTERN.match(self.name) or len(self.name) > LENGTHS["name"]:
            raise JobDefinitionError(f"job name {self.name!r} is not a dotted name such as "
                                     "'inventory.expiry_alerts'")
        if self.every <= dt.timedelta(0) or self.lease <= dt.timedelta(0):
            raise JobDefinitionError(f"{self.name}: `every` and `lease` are positive")


_registry: dict[str, JobSpec] = {}


def register_job(spec: JobSpec) -> JobSpec:
    """Add a job to the registry (at import time). The same name twice is an error, unless it
    is the same function again (a module imported twice)."""
    known = _registry.get(spec.name)
    if known is not None and _where(known.run) != _where(spec.run):
        raise JobDefinitionError(f"job {spec.name!r} is registered already")
    _registry[spec.name] = spec
    return spec


def unregister_job(name: str) -> None:
    _registry.pop(name, None)


def registered_jobs() -> list[JobSpec]:
    return [_registry[name] for name in sorted(_registry)]


def get_job_spec(name: str) -> JobSpec:
    spec = _registry.get(name)
    if spec is None:
        raise JobNotFound(f"no job {name!r}; known: {', '.join(sorted(_registry)) or 'none'}")
    return spec


def _where(run: Callable[..., object]) -> str:
    return f"{getattr(run, '__module__', '')}.{getattr(run, '__qualname__', repr(run))}"


# --- the jobs table ----------------------------------------------------------------------------
def ensure_rows(db: Database, names: Iterable[str], *, now: dt.datetime | None = None) -> None:
    """Create the rows of jobs that have none yet; a new job is due at once."""
    now = now or utcnow()
    rows = [{"name": name, "next_run_at": now, "run_count": 0, "failure_count": 0,
             "consecutive_failures": 0} for name in names]
    if not rows:
        return
    with UnitOfWork(db) as uow:
        insert = pg_insert if uow.session.get_bind().dialect.name == "postgresql" \
            else sqlite_insert
        uow.session.execute(insert(_TABLE).values(rows).on_conflict_do_nothing(
            index_elements=["name"]))


@dataclass(frozen=True)
class Claim:
    """A job this worker holds the lease of."""

    name: str
    owner: str
    scheduled_for: dt.datetime  # the row's next_run_at when claimed
    started_at: dt.datetime
    lease_expires_at: dt.datetime


def _claimable(now: dt.datetime) -> list:  # type: ignore[type-arg]
    return [_TABLE.c.next_run_at <= now,
            or_(_TABLE.c.lease_expires_at.is_(None), _TABLE.c.lease_expires_at <= now)]


def claim_next(db: Database, owner: str, names: Iterable[str], *,
               now: dt.datetime | None = None) -> Claim | None:
    """Take the lease of the oldest due job among ``names`` that nobody holds, or None."""
    now = now or utcnow()
    wanted = sorted(names)
    if not wanted:
        return None
    with UnitOfWork(db) as uow:
        query = (select(_TABLE.c.name, _TABLE.c.next_run_at)
                 .where(_TABLE.c.name.in_(wanted), *_claimable(now))
                 .order_by(_TABLE.c.next_run_at, _TABLE.c.name).limit(1))
        if uow.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        found = uow.session.execute(query).first()
        if found is None:
            return None
        expires = now + get_job_spec(found.name).lease
        taken = uow.session.execute(
            update(_TABLE).where(_TABLE.c.name == found.name, *_claimable(now))
            .values(lease_owner=owner[: LENGTHS["lease_owner"]], lease_expires_at=expires,
                    last_started_at=now))
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            return None
    return Claim(found.name, owner[: LENGTHS["lease_owner"]], found.next_run_at, now, expires)


def next_run(scheduled_for: dt.datetime, every: dt.timedelta, now: dt.datetime) -> dt.datetime:
    """The first slot ``scheduled_for + k * every`` (k >= 1) later than ``now``."""
    following = scheduled_for + every
    if following > now:
        return following
    return scheduled_for + every * ((now - scheduled_for) // every + 1)


def finish(db: Database, claim: Claim, *, ok: bool, error: str | None = None,
           result: str | None = None, now: dt.datetime | None = None) -> bool:
    """Record the outcome, set the next run and give the lease back. False when the lease was
    lost (it expired and another worker took the job): nothing is recorded then."""
    now = now or utcnow()
    spec = get_job_spec(claim.name)
    values = {
        "lease_owner": None, "lease_expires_at": None, "last_finished_at": now,
        "last_status": OK if ok else FAILED,
        "last_error": None if ok else (error or "failed")[: LENGTHS["last_error"]],
        "next_run_at": next_run(claim.scheduled_for, spec.every, now),
        "run_count": _TABLE.c.run_count + 1,
        "failure_count": _TABLE.c.failure_count + (0 if ok else 1),
        "consecutive_failures": 0 if ok else _TABLE.c.consecutive_failures + 1,
    }
    if ok:
        values["last_result"] = None if result is None else str(result)[: LENGTHS["last_result"]]
    with UnitOfWork(db) as uow:
        done = uow.session.execute(
            update(_TABLE).where(_TABLE.c.name == claim.name,
                                 _TABLE.c.lease_owner == claim.owner,
                                 _TABLE.c.last_started_at == claim.started_at)
            .values(**values))
        return bool(done.rowcount == 1)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class RunOutcome:
    name: str
    ok: bool
    result: str | None
    error: str | None
    seconds: float
    recorded: bool


def run_claimed(db: Database, claim: Claim, *, timezone: str = "Asia/Shanghai",
                clock: Callable[[], dt.datetime] = utcnow) -> RunOutcome:
    """Run a claimed job in its own unit of work and record how it went."""
    spec = get_job_spec(claim.name)
    run_id = uuid.uuid4().hex
    actor = Actor(kind="system", id=None, name=spec.name, printed_name=spec.name)
    context = {"actor": actor, "request_id": f"job-{run_id}"}
    started = time.monotonic()
    result = error = None
    try:
        with UnitOfWork(db, timezone=timezone, context=context) as uow:
            result = spec.run(uow)
        ok = True
    except Exception as exc:
        ok = False
        error = f"{type(exc).__name__}: {exc}"
        log.exception("job failed", job=spec.name, run_id=run_id)
    seconds = time.monotonic() - started
    recorded = finish(db, claim, ok=ok, error=error, result=result, now=clock())
    if not recorded:
        log.warning("job lease lost before the run was recorded", job=spec.name, run_id=run_id)
    log.info("job run", job=spec.name, run_id=run_id, status=OK if ok else FAILED,
             duration_ms=round(seconds * 1000, 1), result=result, error=error)
    return RunOutcome(spec.name, ok, result, error, seconds, recorded)


def job_rows(db: Database) -> list[Job]:
    """Every row of the jobs table (for status displays and tests)."""
    with UnitOfWork(db, write=False) as uow:
        return list(uow.session.scalars(select(Job).order_by(Job.name)))
