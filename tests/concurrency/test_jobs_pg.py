"""Several workers started at once on PostgreSQL: each due job runs exactly once per period."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter

import pytest

from medtrace.platform.db import migrate
from medtrace.platform.db.session import Database
from medtrace.platform.jobs import JobSpec, Worker, job_rows, register_job, unregister_job
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL only")

WORKERS, JOBS = 8, 5
T0 = dt.datetime(2026, 12, 5, 1, 0, tzinfo=dt.UTC)
EVERY = dt.timedelta(minutes=10)


def test_concurrent_workers_run_each_due_job_once_per_period(scratch):
    url = scratch.new_url("postgresql")
    db = Database.from_url(url, pool_size=WORKERS)
    migrate.upgrade(db.engine)
    runs: Counter[tuple[str, dt.datetime]] = Counter()
    lock = threading.Lock()
    now = {"value": T0}
    names = [f"tests.race_{n}" for n in range(JOBS)]

    def job(name: str):  # type: ignore[no-untyped-def]
        def run(uow):  # type: ignore[no-untyped-def]
            uow.session.connection().exec_driver_sql("SELECT 1")
            time.sleep(0.05)  # long enough for the other workers to try meanwhile
            with lock:
                runs[(name, now["value"])] += 1
            return name
        return run

    for name in names:
        register_job(JobSpec(name, every=EVERY, run=job(name)))
    try:
        for period in range(3):
            now["value"] = T0 + period * EVERY
            assert sorted(_all_workers_at_once(db, names, now)) == sorted(names), period
        assert runs == Counter({(name, T0 + p * EVERY): 1 for name in names for p in range(3)})
        rows = {row.name: row for row in job_rows(db)}
        assert {rows[name].run_count for name in names} == {3}
        assert {rows[name].next_run_at for name in names} == {T0 + 3 * EVERY}
        assert {rows[name].lease_owner for name in names} == {None}
    finally:
        for name in names:
            unregister_job(name)
        db.dispose()


def _all_workers_at_once(db: Database, names: list[str], now: dict) -> list[str]:
    """Start WORKERS workers together; the names of the runs they completed and recorded."""
    start = threading.Barrier(WORKERS)
    lock = threading.Lock()
    errors: list[BaseException] = []
    outcomes: list[str] = []

    def work(number: int) -> None:
        try:
            worker = Worker(db, only=names, owner=f"w{number}", clock=lambda: now["value"])
            start.wait()
            done = worker.run_due()
            with lock:
                outcomes.extend(o.name for o in done if o.ok and o.recorded)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    return outcomes
