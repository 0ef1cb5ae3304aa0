"""`medtrace inventory reconcile`: recompute the balances from the ledger;
`medtrace inventory alerts`: expiring lots, stock below minimum, temperature-zone mismatches."""

from __future__ import annotations

import json

import typer

from medtrace.modules.inventory import queries
from medtrace.modules.inventory.alerts import queries as alerts
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.settings import get_settings

app = typer.Typer(help="Inventory: reconcile balances with the stock ledger; stock alerts.",
                  no_args_is_help=True)


@app.command("reconcile")
def reconcile() -> None:
    """Print every difference between a balance and the ledger; exit 1 when there is any."""
    settings = get_settings()
    db = Database.from_url(settings.database_url)
    with UnitOfWork(db, write=False, timezone=settings.timezone) as uow:
        differences = queries.reconcile(uow)
    for difference in differences:
        typer.echo(json.dumps(difference))
    typer.echo(json.dumps({"differences": len(differences), "ok": not differences}))
    if differences:
        raise typer.Exit(1)


# --- alerts (alerts.py) -------------------------------------------------------------------------
@app.command("alerts")
def alerts_command(
    days: int = typer.Option(alerts.DEFAULT_DAYS, "--days", min=0,
                             help="Lots expiring within this many days (expired ones too)."),
) -> None:
    """Print each stock alert as a JSON line (kind: expiring, below_minimum, temperature),
    then a summary line with the count of each kind."""
    settings = get_settings()
    db = Database.from_url(settings.database_url)
    with UnitOfWork(db, write=False, timezone=settings.timezone) as uow:
        found = alerts.alerts(uow, days=days)
    for kind in ("expiring", "below_minimum", "temperature"):
        for alert in found[kind]:
            typer.echo(json.dumps({"kind": kind, **alert}, ensure_ascii=False))
    typer.echo(json.dumps({"as_of": found["as_of"], "days": days, "counts": found["counts"]}))
