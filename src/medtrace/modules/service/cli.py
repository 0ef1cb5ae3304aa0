"""`medtrace service installed-base|unit|pm-due|schedule-pm`: the installed base and a unit's
service life as the API answers them, the preventive maintenance falling due, and the daily
job that opens those orders, run now (as the worker would)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import typer

from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError
from medtrace.settings import get_settings

app = typer.Typer(help="Service: installed base, orders, preventive maintenance falling due.",
                  no_args_is_help=True)


def _run(work: Any, *, write: bool = False) -> None:
    db = Database.from_url(get_settings().database_url)
    try:
        with UnitOfWork(db, write=write) as uow:
            answer = work(uow)
    except DomainError as exc:
        typer.echo(json.dumps({"code": exc.code, "detail": exc.detail or str(exc),
                               "errors": exc.errors}, ensure_ascii=False), err=True)
        raise typer.Exit(2) from None
    finally:
        db.dispose()
    typer.echo(json.dumps(answer, ensure_ascii=False, indent=2, default=str))


@app.command("installed-base")
def installed_base(customer: str = typer.Option(None, help="Partner code"),
                   item: str = typer.Option(None, help="Item code"),
                   version: str = typer.Option(None, help="Current software/firmware version"),
                   warranty: str = typer.Option(None, help="covered, expired, none, unknown"),
                   limit: int = typer.Option(100, min=1, max=10000)) -> None:
    """Units installed at customers' sites, with versions and warranty."""
    from medtrace.modules.service import queries

    def work(uow: UnitOfWork) -> Any:
        rows, total = queries.installed_base(uow, customer=customer, item=item,
                                             version=version, warranty=warranty, limit=limit)
        return {"items": rows, "total": total}

    _run(work)


@app.command("unit")
def unit(code: str = typer.Argument(..., help="The unit's UDI scan or serial"),
         item: str = typer.Option(None, help="Item code, when the serial is ambiguous")) -> None:
    """A unit's service life: installations, warranty, orders, parts replaced, versions."""
    from medtrace.modules.service import queries, service

    _run(lambda uow: queries.unit_service_view(uow, service.read_unit(uow, code[:400],
                                                                      item=item)))


@app.command("pm-due")
def pm_due(days: int = typer.Option(30, min=0, max=365, help="Lead time in days")) -> None:
    """Installed units whose preventive maintenance falls due within the lead time."""
    from medtrace.modules.service import queries

    _run(lambda uow: queries.falling_due(uow, on=uow.today(), lead_days=days))


@app.command("schedule-pm")
def schedule_pm(days: int = typer.Option(30, min=0, max=365, help="Lead time in days"),
                on: str = typer.Option(None, help="As of this day (YYYY-MM-DD)")) -> None:
    """Open the preventive maintenance orders falling due (the worker's daily job, now)."""
    from medtrace.modules.service import service

    day = dt.date.fromisoformat(on) if on else None

    def work(uow: UnitOfWork) -> Any:
        made = service.generate_preventive_orders(uow, on=day, lead_days=days)
        return {"opened": [o.number for o in made]}

    _run(work, write=True)
