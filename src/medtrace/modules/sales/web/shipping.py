"""Shipping pages: shipping an order's picks from the order page, the shipments list, and a
shipment with its lines, packages, certificates of conformity, links to its documents (the
delivery note and certificates as PDFs in the page's language, the advance ship notice) and the
proof-of-delivery form. The delivery time is typed in the plant's time zone."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from medtrace.modules.sales import queries, service
from medtrace.modules.sales.permissions import RETURN, SHIP, VIEW
from medtrace.modules.sales.schemas import DeliveryIn, ShipmentCreate
from medtrace.modules.sales.web import router
from medtrace.modules.sales.web.common import (
    LONG,
    attempt,
    field,
    fields,
    given,
    page,
    pydantic_refusal,
)
from medtrace.modules.sales.web.orders import Number, refused
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.web.deps import new_uow

PAGE = 50
DONE = ("shipped", "delivered")
ShipmentNumber = Path(min_length=1, max_length=40, description="The shipment's number")


def shipment_url(number: str, done: str | None = None) -> str:
    url = f"/sales/shipments/{quote(number, safe='')}"
    return f"{url}?done={done}" if done else url


# --- shipping an order ---------------------------------------------------------------------------
@router.post("/sales/orders/{number}/ship", response_class=HTMLResponse)
async def ship(request: Request, number: str = Number, actor: Actor = require(SHIP)
               ) -> Response:
    """Ship everything picked and packed for the order."""
    form = await request.form()
    values = fields(form, ("carrier", "tracking_number"))
    try:
        data = ShipmentCreate(sales_order=number, **values)
    except ValidationError as exc:
        return await refused(request, number, actor, pydantic_refusal(request, exc), "ship",
                             values)
    shipped, problem = await run_in_threadpool(attempt, request, lambda uow: service.ship(
        uow, data=data, actor=actor).number)
    if problem is not None:
        return await refused(request, number, actor, problem, "ship", values)
    return RedirectResponse(shipment_url(shipped, "shipped"), status_code=303)


# --- shipments -----------------------------------------------------------------------------------
@router.get("/sales/shipments", response_class=HTMLResponse)
def shipments(request: Request, customer: str = Query("", max_length=40),
              page_no: int = Query(1, ge=1, le=100_000, alias="page"),
              _: Actor = require(VIEW)) -> Response:
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_shipments(uow, customer=customer.strip() or None,
                                             limit=PAGE, offset=(page_no - 1) * PAGE)
    return page(request, "sales/shipments.html", rows=rows, total=total, page=page_no,
                page_size=PAGE, values={"customer": customer.strip()})


def _documents(view: dict[str, Any], locale: str) -> dict[str, Any]:
    """The document links, the PDFs in the page's language."""
    docs = view["documents"]
    return {"delivery_note": f"{docs['delivery_note']}?lang={locale}",
            "certificates": [{"number": c["number"], "href": f"{href}?lang={locale}"}
                             for c, href in zip(view["certificates"], docs["certificates"],
                                                strict=False)],
            "advance_ship_notice": docs["advance_ship_notice"]}


def shipment_page(request: Request, number: str, actor: Actor, status: int = 200,
                  **context: Any) -> HTMLResponse:
    with new_uow(request, write=False) as uow:
        view = queries.shipment_view(uow, service.get_shipment_or_raise(uow, number[:40]))
    done = request.query_params.get("done", "")
    context.setdefault("values", {})
    context.setdefault("field_errors", {})
    return page(request, "sales/shipment.html", status, shipment=view,
                documents=_documents(view, request.state.locale),
                may={"deliver": actor.can(SHIP) and view["status"] == "shipped",
                     "return": actor.can(RETURN)},
                done=done if done in DONE and status == 200 else "", **context)


@router.get("/sales/shipments/{number}", response_class=HTMLResponse)
def shipment(request: Request, number: str = ShipmentNumber, actor: Actor = require(VIEW)
             ) -> Response:
    return shipment_page(request, number, actor)


@router.post("/sales/shipments/{number}/delivered", response_class=HTMLResponse)
async def delivered(request: Request, number: str = ShipmentNumber,
                    actor: Actor = require(SHIP)) -> Response:
    """Proof of delivery: when (typed in plant time; empty: now), who received it, a note."""
    form = await request.form()
    values = fields(form, ("delivered_at", "received_by"))
    values["note"] = field(form, "note", LONG)
    try:
        data = DeliveryIn(**given(values, "delivered_at", "received_by", "note"))
    except ValidationError as exc:
        return await run_in_threadpool(shipment_page, request, number, actor, 422,
                                       values=values, **pydantic_refusal(request, exc))
    moment = data.delivered_at
    if moment is not None and moment.tzinfo is None:  # typed in the plant's time
        data.delivered_at = moment.replace(tzinfo=ZoneInfo(request.app.state.settings.timezone))
    _row, problem = await run_in_threadpool(attempt, request, lambda uow: service.confirm_delivery(
        uow, number=number, data=data, actor=actor))
    if problem is not None:
        return await run_in_threadpool(shipment_page, request, number, actor, 422,
                                       values=values, **problem)
    return RedirectResponse(shipment_url(number, "delivered"), status_code=303)
