"""`medtrace inventory reconcile`: recompute the balances from the ledger."""

from __future__ import annotations

import json

import typer

from medtrace.modules.inventory import queries
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.settings import get_settings

app = typer.Typer(help="Inventory: reconcile balances with the stock ledger.",
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
