"""`medtrace inventory move`: post a stock move as a named user (the same schema and service as
the API and the pages); `medtrace inventory reconcile`: recompute the balances from the ledger;
`medtrace inventory alerts`: expiring lots, stock below minimum, temperature-zone mismatches."""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal, InvalidOperation
from typing import Any

import typer
from pydantic import ValidationError as PydanticValidationError

from medtrace.modules.inventory import queries, service
from medtrace.modules.inventory.alerts import queries as alerts
from medtrace.modules.inventory.schemas import MoveCreate
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError, ValidationFailed
from medtrace.settings import get_settings

app = typer.Typer(help="Inventory: reconcile balances with the stock ledger; stock alerts.",
                  no_args_is_help=True)


def _refuse(exc: DomainError) -> None:
    """A refusal as the API words it (code, title, detail, field errors) on stderr; exit 1."""
    from medtrace.platform import i18n

    body = {"code": exc.code, "status": exc.status,
            "title": i18n.translate(exc.title, i18n.current_locale()),
            "detail": exc.detail, "errors": exc.errors or []}
    sys.stderr.write(json.dumps(body, ensure_ascii=False) + "\n")
    raise typer.Exit(1)


def _move_schema(values: dict[str, Any]) -> MoveCreate:
    try:
        return MoveCreate(**{k: v for k, v in values.items() if v is not None})
    except PydanticValidationError as exc:
        _refuse(ValidationFailed("the move does not pass validation", errors=[
            {"field": ".".join(str(p) for p in error["loc"]), "message": error["msg"],
             "type": error["type"]} for error in exc.errors()]))
        raise  # unreachable: _refuse exits


@app.command("move")
def move_command(
    user: str = typer.Option(..., "--user", help="Who moves the goods (their permissions "
                                                  "apply and the audit trail names them)."),
    item_id: int = typer.Option(..., "--item-id"),
    quantity: str = typer.Option(..., "--quantity", help="Exact, in --uom (default: base)."),
    from_location: str = typer.Option(..., "--from", help="Location code."),
    to_location: str = typer.Option(..., "--to", help="Location code."),
    purpose: str = typer.Option("transfer", "--purpose"),
    uom: str | None = typer.Option(None, "--uom"),
    lot_id: int | None = typer.Option(None, "--lot-id"),
    unit_id: int | None = typer.Option(None, "--unit-id"),
    reason_code: str | None = typer.Option(None, "--reason-code"),
    note: str = typer.Option("", "--note"),
    doc: str | None = typer.Option(None, "--doc"),
    at: str | None = typer.Option(None, "--at", help="When it happened, ISO 8601 with zone."),
    partner_id: int | None = typer.Option(None, "--partner-id"),
) -> None:
    """Post one stock move; print the move as the API answers it (JSON), or the refusal as
    problem JSON on stderr with exit status 1."""
    from medtrace.platform.auth import service as auth_service

    try:
        amount: Any = Decimal(quantity)
    except InvalidOperation:
        amount = quantity  # the schema words the refusal
    try:
        moment: Any = dt.datetime.fromisoformat(at) if at else None
    except ValueError:
        moment = at
    move = _move_schema({
        "item_id": item_id, "quantity": amount, "from_location": from_location,
        "to_location": to_location, "purpose": purpose, "uom": uom, "lot_id": lot_id,
        "unit_id": unit_id, "reason_code": reason_code, "note": note, "doc": doc,
        "at": moment, "partner_id": partner_id})
    settings = get_settings()
    db = Database.from_url(settings.database_url)
    try:
        with UnitOfWork(db, write=False) as uow:
            account = auth_service.get_user(uow, user)
            actor = auth_service.actor_for_user(account) if account and account.active else None
        if actor is None:
            typer.echo(f"no active user {user!r}", err=True)
            raise typer.Exit(2)
        with UnitOfWork(db, timezone=settings.timezone, context={"actor": actor}) as uow:
            row = service.post_move(uow, move=move, actor=actor)
            answer = {"id": row.id, "quantity": str(row.quantity), "purpose": row.purpose,
                      "thing_key": row.thing_key}
    except DomainError as exc:
        _refuse(exc)
    finally:
        db.dispose()
    typer.echo(json.dumps(answer))


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
