"""The workflow timer job: escalations and timer paths of running instances."""

from __future__ import annotations

import datetime as dt

from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.jobs import JobSpec, register_job


def fire_timers(uow: UnitOfWork) -> str:
    from medtrace.platform.workflows.service import run_timers

    return f"{run_timers(uow)} instances moved on"


TIMERS = register_job(JobSpec(
    name="workflows.timers", every=dt.timedelta(minutes=1), run=fire_timers,
    description="Fire due workflow timers: escalate overdue tasks, run their timer paths."))
