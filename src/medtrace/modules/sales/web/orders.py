"""Sales order pages: the list, the form of a new order or quotation, and the detail page with
the order's lines, approval reasons, allocation, picks, packages and shipments. The status
actions (confirm a quotation, cancel, close) are here; allocating, packing and putting back
are in ``picking.py``, shipping in ``shipping.py``. Each action posts to its own URL, runs one
service function in one transaction and redirects back with a short ``done`` flag, or shows
the detail page again with the refusal at the form that was posted (422)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from medtrace.modules import partners
from medtrace.modules.sales import queries, service
from medtrace.modules.sales.permissions import ORDER_EDIT, PICK, SHIP, VIEW
from medtrace.modules.sales.rules import OrderStatus
from medtrace.modules.sales.schemas import ReasonIn, SalesOrderCreate
from medtrace.modules.sales.web import router
from medtrace.modules.sales.web.common import (
    LONG,
    attempt,
    field,
    fields,
    page,
    pydantic_refusal,
)
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.money import CURRENCIES
from medtrace.platform.web.deps import new_uow

PAGE = 50
LINES = 5  # line rows on the order form; empty rows are ignored
ORDER_FIELDS = ("customer", "ship_to", "currency", "exchange_rate", "customer_reference",
                "requested_date")
LINE_FIELDS = ("item", "quantity", "uom", "unit_price")
#: the ``done`` flags the detail page shows as a status message
DONE = ("created", "confirmed", "cancelled", "closed", "allocated", "packed", "unpacked",
        "put_back")
Number = Path(min_length=1, max_length=40, description="The order's number")


def detail_url(number: str, done: str | None = None) -> str:
    url = f"/sales/orders/{quote(number, safe='')}"
    return f"{url}?done={done}" if done else url


# --- the list ------------------------------------------------------------------------------------
@router.get("/sales/orders", response_class=HTMLResponse)
def orders(request: Request, status: str = Query("", max_length=20),
           customer: str = Query("", max_length=40),
           page_no: int = Query(1, ge=1, le=100_000, alias="page"),
           actor: Actor = require(VIEW)) -> Response:
    wanted = status if status in OrderStatus.values() else None
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_orders(uow, status=wanted, customer=customer.strip() or None,
                                          limit=PAGE, offset=(page_no - 1) * PAGE)
    return page(request, "sales/orders.html", rows=rows, total=total, page=page_no,
                page_size=PAGE, may_create=actor.can(ORDER_EDIT),
                values={"status": wanted or "", "customer": customer.strip()})


# --- a new order or quotation --------------------------------------------------------------------
def _order_form(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    values = context.pop("values", {})
    lines = list(values.get("lines") or [])
    lines += [{}] * max(0, LINES - len(lines))
    context.setdefault("field_errors", {})
    return page(request, "sales/order_form.html", status, values=values, lines=lines,
                currencies=CURRENCIES, **context)


@router.get("/sales/orders/new", response_class=HTMLResponse)
def new_order(request: Request, customer: str = Query("", max_length=40),
              _: Actor = require(ORDER_EDIT)) -> Response:
    code = customer.strip()
    ship_to = ""
    if code:  # the customer's only active ship-to address, when it has one
        with new_uow(request, write=False) as uow:
            partner = partners.get_partner_by_code(uow, code)
            active = [s["code"] for s in (queries.customer_view(uow, partner)["ship_tos"]
                                          if partner is not None else []) if s["active"]]
        ship_to = active[0] if len(active) == 1 else ""
    return _order_form(request, values={"customer": code, "ship_to": ship_to,
                                        "currency": "CNY"})


def _form_lines(form: Any) -> list[dict[str, str]]:
    """The line rows that were filled in (at most ``LINES``), as typed."""
    lines = []
    for n in range(LINES):
        line = {key: field(form, f"lines.{n}.{key}") for key in LINE_FIELDS}
        if any(line.values()):
            lines.append(line)
    return lines


@router.post("/sales/orders/new", response_class=HTMLResponse)
async def create_order(request: Request, actor: Actor = require(ORDER_EDIT)) -> Response:
    form = await request.form()
    values: dict[str, Any] = fields(form, ORDER_FIELDS)
    values["note"] = field(form, "note", LONG)
    values["quotation"] = "1" if form.get("quotation") else ""
    typed = _form_lines(form)
    values["lines"] = typed  # shown again compacted: row n is the schema's line n
    try:
        data = SalesOrderCreate(
            **{k: values[k] for k in (*ORDER_FIELDS, "note") if values[k]},
            quotation=bool(values["quotation"]),
            lines=[{k: v for k, v in line.items() if v} for line in typed])
    except ValidationError as exc:
        return _order_form(request, 422, values=values, **pydantic_refusal(request, exc))
    number, problem = await run_in_threadpool(
        attempt, request, lambda uow: service.create_order(uow, data=data, actor=actor).number)
    if problem is not None:
        return _order_form(request, 422, values=values, **problem)
    return RedirectResponse(detail_url(number, "created"), status_code=303)


# --- the detail page -----------------------------------------------------------------------------
def order_page(request: Request, number: str, actor: Actor, status: int = 200,
               **context: Any) -> HTMLResponse:
    """The order's page; ``context`` carries a refusal (``form``, ``values``, errors)."""
    with new_uow(request, write=False) as uow:
        order = service.get_order_or_raise(uow, number[:40])
        view = queries.order_view(uow, order)
    state = OrderStatus(view["status"])
    picks = [p for line in view["allocation"] for p in line["picks"]]
    loose_cases = [p for p in view["packages"]
                   if p["kind"] == "case" and not p["on"] and not p["shipment"]]
    done = request.query_params.get("done", "")
    context.setdefault("values", {})
    context.setdefault("field_errors", {})
    context.setdefault("form", "")
    may = {"confirm": actor.can(ORDER_EDIT) and state is OrderStatus.QUOTATION,
           "cancel": actor.can(ORDER_EDIT) and state.cancellable,
           "close": actor.can(ORDER_EDIT) and state in (OrderStatus.PARTLY_SHIPPED,
                                                        OrderStatus.SHIPPED),
           "pick": actor.can(PICK) and state.fulfillable,
           "ship": actor.can(SHIP) and state.fulfillable and bool(picks)}
    return page(request, "sales/order.html", status, order=view, may=may,
                loose_picks=[p for p in picks if not p["packed_in"]], loose_cases=loose_cases,
                done=done if done in DONE and status == 200 else "", **context)


@router.get("/sales/orders/{number}", response_class=HTMLResponse)
def order(request: Request, number: str = Number, actor: Actor = require(VIEW)) -> Response:
    return order_page(request, number, actor)


async def run_action(request: Request, number: str, actor: Actor, action: Any, done: str,
                     form_name: str, values: dict[str, Any] | None = None,
                     reason: str | None = None) -> Response:
    """Run one service call in one transaction; back to the order with ``done``, or the order
    again with the refusal shown at the form that was posted."""
    _result, problem = await run_in_threadpool(attempt, request, action, reason=reason)
    if problem is not None:
        return await refused(request, number, actor, problem, form_name, values)
    return RedirectResponse(detail_url(number, done), status_code=303)


async def refused(request: Request, number: str, actor: Actor, problem: dict[str, Any],
                  form_name: str, values: dict[str, Any] | None = None) -> Response:
    return await run_in_threadpool(order_page, request, number, actor, 422, form=form_name,
                                   values=values or {}, **problem)


# --- status actions ------------------------------------------------------------------------------
@router.post("/sales/orders/{number}/confirm", response_class=HTMLResponse)
async def confirm(request: Request, number: str = Number, actor: Actor = require(ORDER_EDIT)
                  ) -> Response:
    return await run_action(request, number, actor, lambda uow: service.confirm_order(
        uow, ref=number, actor=actor), "confirmed", "confirm")


async def _with_reason(request: Request, number: str, actor: Actor, action: str) -> Response:
    form = await request.form()
    values = {"reason": field(form, "reason", LONG)}
    try:
        data = ReasonIn(reason=values["reason"])
    except ValidationError as exc:
        return await refused(request, number, actor, pydantic_refusal(request, exc), action,
                             values)
    verb = service.cancel_order if action == "cancel" else service.close_order
    done = "cancelled" if action == "cancel" else "closed"
    return await run_action(request, number, actor, lambda uow: verb(
        uow, ref=number, reason=data.reason, actor=actor), done, action, values,
        reason=data.reason)


@router.post("/sales/orders/{number}/cancel", response_class=HTMLResponse)
async def cancel(request: Request, number: str = Number, actor: Actor = require(ORDER_EDIT)
                 ) -> Response:
    return await _with_reason(request, number, actor, "cancel")


@router.post("/sales/orders/{number}/close", response_class=HTMLResponse)
async def close(request: Request, number: str = Number, actor: Actor = require(ORDER_EDIT)
                ) -> Response:
    return await _with_reason(request, number, actor, "close")
