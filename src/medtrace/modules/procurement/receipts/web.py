"""Receiving pages: the scan-first receiving page for a handheld (360 px), a receipt, and the
return of rejected goods to the supplier.

The scan field takes what the scanner types, including the GS1 group separator: as the GS
control character (most keyboard-wedge scanners send it as Ctrl+]) or as the textual forms
``<GS>``, ``^]``, ``\\x1d``, ``{GS}``, ``␝`` that scanners configured for text send; the
UDI parser reads them all."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from medtrace.modules import traceability
from medtrace.modules.procurement.permissions import ORDER_VIEW, RECEIVE, RETURN
from medtrace.modules.procurement.receipts import queries, service
from medtrace.modules.procurement.receipts.schemas import ReceiptCreate, ReturnCreate
from medtrace.modules.procurement.web import attempt, page, pydantic_refusal
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.web import csrf
from medtrace.platform.web.deps import new_uow

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])
MAX_SERIALS_TEXT = 400_000
FIELDS = ("purchase_order", "location", "scan", "quantity", "uom")


def serial_list(text: str) -> list[str]:
    """Serial numbers typed or scanned one per line (or separated by spaces or commas)."""
    return [s for s in re.split(r"[\s,;]+", text or "") if s]


@router.get("/procurement/receive", response_class=HTMLResponse)
def receive_page(request: Request, order: str = "", _: Actor = require(RECEIVE)) -> Response:
    return page(request, "procurement/receive.html", values={"purchase_order": order[:40]})


@router.post("/procurement/receive", response_class=HTMLResponse)
async def receive(request: Request, actor: Actor = require(RECEIVE)) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, "")).strip()[:400] for k in FIELDS}
    values["serials"] = str(form.get("serials", ""))[:MAX_SERIALS_TEXT]
    try:
        data = ReceiptCreate(purchase_order=values["purchase_order"],
                             location=values["location"] or None, lines=[{
                                 "scan": values["scan"], "quantity": values["quantity"],
                                 "uom": values["uom"] or None,
                                 "serials": serial_list(values["serials"])}])
    except ValidationError as exc:
        problem = pydantic_refusal(request, exc)
        problem["field_errors"] = {k.replace("lines.0.", ""): v
                                   for k, v in problem["field_errors"].items()}
        return page(request, "procurement/receive.html", 422, values=values, **problem)

    def run(uow: Any) -> dict[str, Any]:
        result = service.receive_goods(uow, data=data, actor=actor)
        return {"number": result.receipt.number, "order_status": result.order.status,
                "lots": result.lots}

    done, problem = await run_in_threadpool(attempt, request, run)
    if problem is not None:
        problem["field_errors"] = {k.replace("lines.0.", ""): v
                                   for k, v in problem["field_errors"].items()}
        return page(request, "procurement/receive.html", 422, values=values, **problem)
    return page(request, "procurement/receive.html", values={
        "purchase_order": values["purchase_order"], "location": values["location"]},
        done=done)


@router.get("/procurement/receipts", response_class=HTMLResponse)
def receipts(request: Request, _: Actor = require(ORDER_VIEW)) -> Response:
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_receipts(uow, limit=100)
        return page(request, "procurement/receipts.html",
                    rows=[queries.receipt_view(uow, r) for r in rows], total=total)


@router.get("/procurement/receipts/{number}", response_class=HTMLResponse)
def receipt(request: Request, number: str, _: Actor = require(ORDER_VIEW)) -> Response:
    with new_uow(request, write=False) as uow:
        row = service.get_receipt_or_raise(uow, number[:40])
        return page(request, "procurement/receipt.html", receipt=queries.receipt_view(uow, row),
                    lot_statuses=traceability.LotStatus.labels())


RETURN_FIELDS = ("item", "lot", "quantity", "uom", "from_location", "reason")


@router.get("/procurement/returns", response_class=HTMLResponse)
def return_page(request: Request, _: Actor = require(RETURN)) -> Response:
    return page(request, "procurement/return.html", values={})


@router.post("/procurement/returns", response_class=HTMLResponse)
async def return_goods(request: Request, actor: Actor = require(RETURN)) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, "")).strip()[:500] for k in RETURN_FIELDS}
    values["serials"] = str(form.get("serials", ""))[:MAX_SERIALS_TEXT]
    try:
        data = ReturnCreate(item=values["item"], lot=values["lot"] or None,
                            quantity=values["quantity"] or None, uom=values["uom"] or None,
                            from_location=values["from_location"], reason=values["reason"],
                            serials=serial_list(values["serials"]))
    except ValidationError as exc:
        return page(request, "procurement/return.html", 422, values=values,
                    **pydantic_refusal(request, exc))
    number, problem = await run_in_threadpool(
        attempt, request, lambda uow: service.return_to_supplier(uow, data=data,
                                                                 actor=actor).number)
    if problem is not None:
        return page(request, "procurement/return.html", 422, values=values, **problem)
    return RedirectResponse(f"/procurement/returns?done={number}", status_code=303)
