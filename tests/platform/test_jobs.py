"""Periodic jobs on a real database: due jobs run and not-due ones don't, outcomes are recorded,
a failure is retried at the next period, an expired lease lets another worker take the job."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.events import Event, OutboxMessage
from medtrace.platform.jobs import (
    JobDefinitionError,
    JobNotFound,
    JobSpec,
    Worker,
    claim_next,
    ensure_rows,
    finish,
    job_rows,
    next_run,
    register_job,
    unregister_job,
)

T0 = dt.datetime(2026, 12, 5, 1, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class TickRecorded(Event):
    type = "tests.tick.recorded"
    job: str


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def jobs():
    """Two test jobs: `tests.tick` writes an event each run, `tests.flaky` fails while told."""
    state = {"fail": True, "runs": []}

    def tick(uow):
        state["runs"].append("tests.tick")
        uow.publish(TickRecorded(job="tests.tick"))
        return "ticked"

    def flaky(uow):
        state["runs"].append("tests.flaky")
        uow.publish(TickRecorded(job="tests.flaky"))  # rolled back when the run fails
        if state["fail"]:
            raise RuntimeError("the supplier portal is down")
        return None

    register_job(JobSpec("tests.tick", every=HOUR, run=tick))
    register_job(JobSpec("tests.flaky", every=dt.timedelta(minutes=15), run=flaky,
                         lease=dt.timedelta(minutes=5)))
    yield state
    unregister_job("tests.tick")
    unregister_job("tests.flaky")


def _rows(db):
    return {row.name: row for row in job_rows(db)}


def _outbox(db) -> int:
    with UnitOfWork(db, write=False) as uow:
        return uow.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_due_jobs_run_and_not_due_ones_wait_for_their_period(db, jobs):
    clock = Clock()
    worker = Worker(db, only=["tests.tick"], clock=clock, owner="w1")
    [outcome] = worker.run_due()
    assert (outcome.name, outcome.ok, outcome.result, outcome.recorded) == (
        "tests.tick", True, "ticked", True)
    row = _rows(db)["tests.tick"]
    assert (row.last_status, row.last_result, row.run_count, row.last_error) == (
        "ok", "ticked", 1, None)
    assert (row.next_run_at, row.lease_owner, row.lease_expires_at) == (T0 + HOUR, None, None)
    assert row.last_started_at == row.last_finished_at == T0
    assert _outbox(db) == 1  # the job's own unit of work committed
    clock.now = T0 + dt.timedelta(minutes=59)
    assert worker.run_due() == []
    clock.now = T0 + HOUR
    assert [o.name for o in worker.run_due()] == ["tests.tick"]
    assert _rows(db)["tests.tick"].run_count == 2
    assert jobs["runs"] == ["tests.tick", "tests.tick"]


def test_a_failure_is_recorded_rolled_back_and_retried_at_the_next_period(db, jobs):
    clock = Clock()
    worker = Worker(db, only=["tests.flaky", "tests.tick"], clock=clock)
    outcomes = {o.name: o for o in worker.run_due()}
    assert set(outcomes) == {"tests.flaky", "tests.tick"}  # one failure does not stop the rest
    assert not outcomes["tests.flaky"].ok
    assert outcomes["tests.flaky"].error == "RuntimeError: the supplier portal is down"
    row = _rows(db)["tests.flaky"]
    assert (row.last_status, row.failure_count, row.consecutive_failures, row.run_count) == (
        "failed", 1, 1, 1)
    assert row.last_error == "RuntimeError: the supplier portal is down"
    assert row.next_run_at == T0 + dt.timedelta(minutes=15)
    assert row.lease_owner is None
    assert _outbox(db) == 1  # tick's event only: the failed run's event was rolled back
    clock.now = T0 + dt.timedelta(minutes=5)
    assert worker.run_due() == []  # not retried at once
    clock.now = T0 + dt.timedelta(minutes=15)
    assert [(o.name, o.ok) for o in worker.run_due()] == [("tests.flaky", False)]
    assert _rows(db)["tests.flaky"].consecutive_failures == 2
    jobs["fail"] = False
    clock.now = T0 + dt.timedelta(minutes=31)
    assert [(o.name, o.ok) for o in worker.run_due()] == [("tests.flaky", True)]
    row = _rows(db)["tests.flaky"]
    assert (row.last_status, row.last_error, row.failure_count, row.consecutive_failures) == (
        "ok", None, 2, 0)
    assert row.next_run_at == T0 + dt.timedelta(minutes=45)


def test_an_expired_lease_lets_another_worker_take_the_job(db, jobs):
    ensure_rows(db, ["tests.flaky"], now=T0)
    first = claim_next(db, "worker-a", ["tests.flaky"], now=T0)
    assert first is not None and first.owner == "worker-a"
    assert first.lease_expires_at == T0 + dt.timedelta(minutes=5)
    # worker-a dies mid-run: while its lease lasts, nobody else takes the job
    assert claim_next(db, "worker-b", ["tests.flaky"], now=T0 + dt.timedelta(minutes=4)) is None
    later = T0 + dt.timedelta(minutes=5)
    second = claim_next(db, "worker-b", ["tests.flaky"], now=later)
    assert second is not None and second.owner == "worker-b"
    assert second.scheduled_for == T0
    # worker-a comes back: its lease is gone, it records nothing
    assert finish(db, first, ok=True, now=later) is False
    assert _rows(db)["tests.flaky"].lease_owner == "worker-b"
    assert finish(db, second, ok=True, now=later + dt.timedelta(minutes=1)) is True
    row = _rows(db)["tests.flaky"]
    assert (row.run_count, row.lease_owner, row.next_run_at) == (
        1, None, T0 + dt.timedelta(minutes=15))


def test_missed_periods_are_skipped_not_caught_up():
    assert next_run(T0, HOUR, T0 + dt.timedelta(minutes=1)) == T0 + HOUR
    assert next_run(T0, HOUR, T0 + dt.timedelta(hours=5, minutes=30)) == T0 + 6 * HOUR
    assert next_run(T0, HOUR, T0 + 2 * HOUR) == T0 + 3 * HOUR


def test_job_definitions_are_checked(jobs):
    with pytest.raises(JobDefinitionError):
        JobSpec("NoDots", every=HOUR, run=lambda uow: None)
    with pytest.raises(JobDefinitionError):
        JobSpec("tests.zero", every=dt.timedelta(0), run=lambda uow: None)
    with pytest.raises(JobDefinitionError):
        register_job(JobSpec("tests.tick", every=HOUR, run=lambda uow: None))
    with pytest.raises(JobNotFound):
        Worker(None, only=["tests.nope"])  # type: ignore[arg-type]
