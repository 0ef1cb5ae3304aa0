"""Service order pages: the list with its filters, the form of a new order, and the
technician's order page (made for a 360 px phone with a scanner): the order's unit, customer,
site and warranty; scheduling; the status moves; replacing a part by scan (the removed part,
then the fitted spare: the first scan is kept and the page waits for the second); the parts
replaced; a software or firmware update; completion with the report, the customer's
acknowledgement and the technician's e-signature; closing.

Each action posts to its own URL, maps the form to its schema, runs one service function in
one transaction and redirects back to the order (303) with a short ``done`` flag, or shows the
order again with the refusal at the form that was posted (422), in the user's language."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from medtrace.modules.service import queries, service
from medtrace.modules.service.permissions import ORDER_EDIT, VIEW, WORK
from medtrace.modules.service.rules import MOVES, OrderStatus, OrderType
from medtrace.modules.service.schemas import (
    CloseIn,
    CompleteIn,
    ReplacementIn,
    ScheduleIn,
    ServiceOrderCreate,
    StatusIn,
    VersionUpdate,
)
from medtrace.modules.service.web import router
from medtrace.modules.service.web.common import (
    LONG,
    Number,
    attempt,
    field,
    fields,
    given,
    page,
    pydantic_refusal,
    required,
)
from medtrace.platform import esign
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.web.deps import new_uow

PAGE = 50
ORDER_FIELDS = ("type", "unit", "item", "technician", "scheduled_for", "parts_location",
                "field_action")
SCHEDULE_FIELDS = ("technician", "scheduled_for", "parts_location")
REPLACE_FIELDS = ("removed", "fitted", "quantity", "removed_to", "return_location",
                  "parts_location")
SCANS = ("removed", "fitted")
COMPLETE_FIELDS = ("report", "minutes", "ack_name", "ack_on", "follow_up_days")
#: the ``done`` flags the order page shows as a status message
DONE = ("created", "scheduled", "moved", "cancelled", "replaced", "version", "completed",
        "closed")


def order_url(number: str, done: str | None = None) -> str:
    url = f"/service/orders/{quote(number, safe='')}"
    return f"{url}?done={done}" if done else url


# --- the list ------------------------------------------------------------------------------------
@router.get("/service/orders", response_class=HTMLResponse)
def orders(request: Request, status: str = Query("", max_length=20),
           type_: str = Query("", max_length=20, alias="type"),
           customer: str = Query("", max_length=40), serial: str = Query("", max_length=400),
           open_: str = Query("", max_length=1, alias="open"),
           mine: str = Query("", max_length=1),
           page_no: int = Query(1, ge=1, le=100_000, alias="page"),
           actor: Actor = require(VIEW)) -> Response:
    values = {"status": status if status in OrderStatus.values() else "",
              "type": type_ if type_ in OrderType.values() else "",
              "customer": customer.strip(), "serial": serial.strip(),
              "open": "1" if open_ == "1" else "", "mine": "1" if mine == "1" else ""}
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_orders(
            uow, status=values["status"] or None, type=values["type"] or None,
            customer=values["customer"] or None, serial=values["serial"] or None,
            open_only=bool(values["open"]),
            technician_id=(actor.id if actor.id is not None else -1) if values["mine"]
            else None, limit=PAGE, offset=(page_no - 1) * PAGE)
    query = urlencode({k: v for k, v in values.items() if v})
    return page(request, "service/orders.html", rows=rows, total=total, page=page_no,
                page_size=PAGE, query=query, values=values,
                may_create=actor.can(ORDER_EDIT))


# --- a new order ---------------------------------------------------------------------------------
@router.get("/service/orders/new", response_class=HTMLResponse)
def new_order(request: Request, unit: str = Query("", max_length=400),
              item: str = Query("", max_length=40), type_: str = Query("", max_length=20,
                                                                        alias="type"),
              _: Actor = require(ORDER_EDIT)) -> Response:
    kind = type_ if type_ in OrderType.values() else OrderType.CORRECTIVE.value
    return page(request, "service/order_form.html",
                values={"unit": unit.strip(), "item": item.strip(), "type": kind})


@router.post("/service/orders/new", response_class=HTMLResponse)
async def create_order(request: Request, actor: Actor = require(ORDER_EDIT)) -> Response:
    form = await request.form()
    values = fields(form, ORDER_FIELDS, 1000)
    values["problem"] = field(form, "problem", LONG)
    try:
        data = ServiceOrderCreate(**given(values, *ORDER_FIELDS, "problem"))
    except ValidationError as exc:
        return page(request, "service/order_form.html", 422, values=values,
                    **pydantic_refusal(request, exc))
    number, problem = await run_in_threadpool(
        attempt, request, lambda uow: service.create_order(uow, data=data, actor=actor).number)
    if problem is not None:
        return page(request, "service/order_form.html", 422, values=values, **problem)
    return RedirectResponse(order_url(number, "created"), status_code=303)


# --- the technician's order page -----------------------------------------------------------------
def _moves(state: OrderStatus, actor: Actor) -> list[str]:
    """The status buttons: where the order may go from here (cancelling has its own form)."""
    if not actor.can(WORK):
        return []
    order = (OrderStatus.IN_PROGRESS, OrderStatus.AWAITING_PARTS, OrderStatus.SCHEDULED,
             OrderStatus.OPEN)
    return [s.value for s in order if s in MOVES[state]]


def order_page(request: Request, number: str, actor: Actor, status: int = 200,
               **context: Any) -> HTMLResponse:
    """The order's page; ``context`` carries a refusal or a first scan (``form``, ``values``,
    errors, ``focus``)."""
    with new_uow(request, write=False) as uow:
        view = queries.order_view(uow, service.get_order_or_raise(uow, number[:40]))
        meanings = esign.meaning_labels(uow, request.state.locale)
    state = OrderStatus(view["status"])
    may = {"schedule": actor.can(ORDER_EDIT) and state.active,
           "work": actor.can(WORK) and state.active,
           "cancel": actor.can(ORDER_EDIT) and OrderStatus.CANCELLED in MOVES[state]
           and not view["replacements"],
           "close": actor.can(ORDER_EDIT) and state is OrderStatus.DONE,
           "report": state in (OrderStatus.DONE, OrderStatus.CLOSED)}
    done = request.query_params.get("done", "")
    if "focus" not in context and may["work"] and not context.get("form"):
        context["focus"] = "removed"  # ready for the first scan
    return page(request, "service/order.html", status, order=view, may=may,
                moves=_moves(state, actor), meanings=meanings,
                done=done if done in DONE and status == 200 else "", **context)


@router.get("/service/orders/{number}", response_class=HTMLResponse)
def order(request: Request, number: str = Number, actor: Actor = require(VIEW)) -> Response:
    return order_page(request, number, actor)


async def refused(request: Request, number: str, actor: Actor, problem: dict[str, Any],
                  form_name: str, values: dict[str, Any] | None = None,
                  **more: Any) -> Response:
    return await run_in_threadpool(order_page, request, number, actor, 422, form=form_name,
                                   values=values or {}, **problem, **more)


async def run_action(request: Request, number: str, actor: Actor, action: Any, done: str,
                     form_name: str, values: dict[str, Any] | None = None,
                     reason: str | None = None) -> Response:
    """Run one service call in one transaction; back to the order with ``done``, or the order
    again with the refusal shown at the form that was posted."""
    _result, problem = await run_in_threadpool(attempt, request, action, reason=reason)
    if problem is not None:
        return await refused(request, number, actor, problem, form_name, values)
    return RedirectResponse(order_url(number, done), status_code=303)


# --- scheduling and status -----------------------------------------------------------------------
@router.post("/service/orders/{number}/schedule", response_class=HTMLResponse)
async def schedule(request: Request, number: str = Number,
                   actor: Actor = require(ORDER_EDIT)) -> Response:
    form = await request.form()
    values = fields(form, SCHEDULE_FIELDS, 1000)
    try:
        data = ScheduleIn(**given(values, *SCHEDULE_FIELDS))
    except ValidationError as exc:
        return await refused(request, number, actor, pydantic_refusal(request, exc),
                             "schedule", values)
    return await run_action(request, number, actor, lambda uow: service.schedule_order(
        uow, number=number, data=data, actor=actor), "scheduled", "schedule", values)


@router.post("/service/orders/{number}/status", response_class=HTMLResponse)
async def move(request: Request, number: str = Number, actor: Actor = require(WORK)
               ) -> Response:
    """Start, wait for parts, back to scheduled or open (the service decides what may move)."""
    form = await request.form()
    values = {"status": field(form, "status", 20)}
    try:
        data = StatusIn(status=values["status"])
    except ValidationError as exc:
        return await refused(request, number, actor, pydantic_refusal(request, exc), "status",
                             values)
    return await run_action(request, number, actor, lambda uow: service.change_status(
        uow, number=number, data=data, actor=actor), "moved", "status", values)


@router.post("/service/orders/{number}/cancel", response_class=HTMLResponse)
async def cancel(request: Request, number: str = Number, actor: Actor = require(ORDER_EDIT)
                 ) -> Response:
    form = await request.form()
    values = {"reason": field(form, "reason", 1000)}
    try:
        data = StatusIn(status=OrderStatus.CANCELLED, reason=values["reason"])
    except ValidationError as exc:
        return await refused(request, number, actor, pydantic_refusal(request, exc), "cancel",
                             values)
    return await run_action(request, number, actor, lambda uow: service.change_status(
        uow, number=number, data=data, actor=actor), "cancelled", "cancel", values,
        reason=data.reason or None)


# --- replacing a part by scan --------------------------------------------------------------------
def _next_scan(values: dict[str, str], errors: dict[str, str]) -> str:
    """The field the next scan goes into: the first empty scan, else the first refused."""
    for name in SCANS:
        if not values.get(name):
            return name
    return next((n for n in REPLACE_FIELDS if n in errors), "fitted")


@router.post("/service/orders/{number}/replace", response_class=HTMLResponse)
async def replace(request: Request, number: str = Number, actor: Actor = require(WORK)
                  ) -> Response:
    """The removed part's scan, then the fitted spare's. The first scan alone is kept and the
    page waits for the second (a scanner ends each scan with Enter, which sends the form)."""
    form = await request.form()
    values = fields(form, REPLACE_FIELDS, 1000)
    if values["removed"] and not values["fitted"]:
        return await run_in_threadpool(order_page, request, number, actor, form="replace",
                                       values=values, focus="fitted")
    if not values["removed"]:
        return await refused(request, number, actor, required(request, "removed"), "replace",
                             values, focus="removed")
    try:
        data = ReplacementIn(**given(values, *REPLACE_FIELDS))
    except ValidationError as exc:
        problem = pydantic_refusal(request, exc)
    else:
        _row, problem = await run_in_threadpool(attempt, request, lambda uow: (
            service.replace_part(uow, number=number, data=data, actor=actor)))
        if problem is None:
            return RedirectResponse(order_url(number, "replaced"), status_code=303)
    for name in SCANS:  # a refused scan is emptied for the next one
        if name in problem["field_errors"]:
            values[name] = ""
    return await refused(request, number, actor, problem, "replace", values,
                         focus=_next_scan(values, problem["field_errors"]))


# --- versions, completion, closing ---------------------------------------------------------------
@router.post("/service/orders/{number}/version", response_class=HTMLResponse)
async def version(request: Request, number: str = Number, actor: Actor = require(WORK)
                  ) -> Response:
    form = await request.form()
    values = fields(form, ("kind", "version"), 200)
    try:
        data = VersionUpdate(**values)
    except ValidationError as exc:
        return await refused(request, number, actor, pydantic_refusal(request, exc), "version",
                             values)
    return await run_action(request, number, actor, lambda uow: service.update_version(
        uow, number=number, data=data, actor=actor), "version", "version", values)


@router.post("/service/orders/{number}/complete", response_class=HTMLResponse)
async def complete(request: Request, number: str = Number, actor: Actor = require(WORK)
                   ) -> Response:
    """The report, the time, the customer's acknowledgement, and the technician's password for
    the e-signature (never shown again)."""
    form = await request.form()
    values = fields(form, COMPLETE_FIELDS, 1000)
    values["report"] = field(form, "report", LONG + 1)
    password = form.get("password", "")
    password = password[:1000] if isinstance(password, str) else ""
    try:
        data = CompleteIn(**given(values, *COMPLETE_FIELDS), signature={"password": password})
    except ValidationError as exc:
        return await refused(request, number, actor, pydantic_refusal(request, exc),
                             "complete", values)
    return await run_action(request, number, actor, lambda uow: service.complete_order(
        uow, number=number, data=data, actor=actor), "completed", "complete", values)


@router.post("/service/orders/{number}/close", response_class=HTMLResponse)
async def close(request: Request, number: str = Number, actor: Actor = require(ORDER_EDIT)
                ) -> Response:
    form = await request.form()
    values = {"note": field(form, "note", 1000)}
    try:
        data = CloseIn(note=values["note"])
    except ValidationError as exc:
        return await refused(request, number, actor, pydantic_refusal(request, exc), "close",
                             values)
    return await run_action(request, number, actor, lambda uow: service.close_order(
        uow, number=number, data=data, actor=actor), "closed", "close", values,
        reason=data.note or None)
