"""Periodic jobs and the worker (``medtrace worker``): a registry of ``JobSpec``, the
``jobs_job`` table that workers claim due jobs from under a lease (``SKIP LOCKED`` on
PostgreSQL), the loop. See ``service`` and docs/events.md."""

from medtrace.platform.jobs.errors import JobDefinitionError, JobNotFound
from medtrace.platform.jobs.models import Job
from medtrace.platform.jobs.service import (
    DEFAULT_LEASE,
    Claim,
    JobSpec,
    RunOutcome,
    claim_next,
    ensure_rows,
    finish,
    get_job_spec,
    job_rows,
    next_run,
    register_job,
    registered_jobs,
    run_claimed,
    unregister_job,
)
from medtrace.platform.jobs.worker import Worker, worker_id

__all__ = [
    "DEFAULT_LEASE",
    "Claim",
    "Job",
    "JobDefinitionError",
    "JobNotFound",
    "JobSpec",
    "RunOutcome",
    "Worker",
    "claim_next",
    "ensure_rows",
    "finish",
    "get_job_spec",
    "job_rows",
    "next_run",
    "register_job",
    "registered_jobs",
    "run_claimed",
    "unregister_job",
    "worker_id",
]
