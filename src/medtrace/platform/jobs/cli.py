"""`medtrace worker`: the second process type, running the registered periodic jobs.

The platform does not know the modules, so the command is built by ``worker_command`` with the
name of the module whose import registers every job (the application's composition root passes
``"medtrace.jobs"``, as ``serve`` passes ``"medtrace.app:create_app"`` to uvicorn).
"""

from __future__ import annotations

import datetime as dt
import importlib
import signal
from collections.abc import Callable
from types import FrameType

import typer

from medtrace.platform.db.session import Database
from medtrace.platform.jobs.errors import JobNotFound
from medtrace.platform.jobs.service import registered_jobs
from medtrace.platform.jobs.worker import Worker
from medtrace.settings import get_settings


def worker_command(registrations: str | None = None) -> Callable[..., None]:
    """The Typer command function; ``registrations`` is imported before the jobs are read."""

    def worker(
        once: bool = typer.Option(False, "--once",
                                  help="Run the jobs that are due now, then exit."),
        only: list[str] = typer.Option(None, "--only", metavar="NAME",
                                       help="Run only this job (repeatable)."),
        poll: float = typer.Option(30.0, min=1.0,
                                   help="Longest sleep between two looks at the jobs (seconds)."),
        list_jobs: bool = typer.Option(False, "--list", help="List the registered jobs and exit."),
    ) -> None:
        """Run the periodic jobs (expiry alerts, audit checkpoints...) until SIGTERM or Ctrl-C.

        Several workers may run at once, on one machine or several: each due job runs once.
        Exit status with --once: 1 when a job failed.
        """
        if registrations:
            importlib.import_module(registrations)
        if list_jobs:
            for spec in registered_jobs():
                typer.echo(f"{spec.name:<32} every {_period(spec.every):<8} {spec.description}")
            return
        settings = get_settings()
        db = Database.from_url(settings.database_url, pool_size=2,
                               connect_timeout=settings.db_connect_timeout)
        try:
            try:
                loop = Worker(db, only=only, timezone=settings.timezone,
                              poll=dt.timedelta(seconds=poll))
            except JobNotFound as exc:
                typer.echo(str(exc), err=True)
                raise typer.Exit(2) from None
            if once:
                outcomes = loop.run_due()
                for outcome in outcomes:
                    status = "ok" if outcome.ok else "FAILED"
                    typer.echo(f"{outcome.name}: {status} "
                               f"{outcome.result or outcome.error or ''}".rstrip())
                if not outcomes:
                    typer.echo("no job is due")
                if any(not outcome.ok for outcome in outcomes):
                    raise typer.Exit(1)
                return

            def _stop(signum: int, _frame: FrameType | None) -> None:
                loop.stop()

            signal.signal(signal.SIGTERM, _stop)
            signal.signal(signal.SIGINT, _stop)
            loop.run_forever()
        finally:
            db.dispose()

    return worker


def _period(every: dt.timedelta) -> str:
    seconds = int(every.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
