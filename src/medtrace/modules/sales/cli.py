"""`medtrace sales orders|order|shipments|asn`: the same reads and the same JSON as the API
(`GET /api/v1/sales-orders`, `…/{number}`, `/shipments`, `/shipments/{number}/asn`), for
scripts and for handing an advance ship notice to a customer's system by hand. Writes go
through the API or the pages, where a person signs in."""

from __future__ import annotations

import json
from typing import Any

import typer

from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError
from medtrace.settings import get_settings

app = typer.Typer(help="Sales: orders, shipments, advance ship notices (read only).",
                  no_args_is_help=True)


def _read(work: Any) -> None:
    db = Database.from_url(get_settings().database_url)
    try:
        with UnitOfWork(db, write=False) as uow:
            answer = work(uow)
    except DomainError as exc:
        typer.echo(json.dumps({"code": exc.code, "detail": exc.detail or str(exc),
                               "errors": exc.errors}, ensure_ascii=False), err=True)
        raise typer.Exit(2) from None
    finally:
        db.dispose()
    typer.echo(json.dumps(answer, ensure_ascii=False, indent=2))


@app.command("orders")
def orders(status: str = typer.Option(None, help="quotation, in_approval, confirmed, ..."),
           customer: str = typer.Option(None, help="Partner code"),
           limit: int = typer.Option(50, min=1, max=500)) -> None:
    """Sales orders and quotations, newest first."""
    from medtrace.modules import sales

    def work(uow: UnitOfWork) -> Any:
        rows, total = sales.list_orders(uow, status=status, customer=customer, limit=limit)
        return {"items": rows, "total": total}

    _read(work)


@app.command("order")
def order(number: str = typer.Argument(..., help="SO-… or QT-…")) -> None:
    """One order with its lines, allocation, picks, packages and shipments."""
    from medtrace.modules import sales

    _read(lambda uow: sales.order_view(uow, sales.get_order_or_raise(uow, number[:40])))


@app.command("shipments")
def shipments(customer: str = typer.Option(None, help="Partner code"),
              limit: int = typer.Option(50, min=1, max=500)) -> None:
    """Shipments, newest first."""
    from medtrace.modules import sales

    def work(uow: UnitOfWork) -> Any:
        rows, total = sales.list_shipments(uow, customer=customer, limit=limit)
        return {"items": rows, "total": total}

    _read(work)


@app.command("asn")
def asn(number: str = typer.Argument(..., help="The shipment's number (DN-…)")) -> None:
    """The advance ship notice of a shipment: an EPCIS 2.0 document."""
    from medtrace.modules import sales

    _read(lambda uow: sales.advance_ship_notice(uow, sales.get_shipment_or_raise(uow,
                                                                                 number[:40])))
