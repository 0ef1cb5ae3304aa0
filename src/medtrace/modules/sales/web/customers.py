"""Customers' sales terms and the price list: the customers (partners that are customers) with
their terms; a customer's terms form, ship-to addresses (add or change) and shelf-life rules
(an empty number of days removes the rule); the price list and the form that sets a price."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from medtrace.modules import partners
from medtrace.modules.sales import queries, service
from medtrace.modules.sales.permissions import CUSTOMER_EDIT, ORDER_EDIT, PRICE_EDIT, VIEW
from medtrace.modules.sales.schemas import (
    CustomerTerms,
    PriceWrite,
    ShelfLifeRuleWrite,
    ShipToWrite,
)
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
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.money import CURRENCIES
from medtrace.platform.web.deps import new_uow

PAGE = 50
Code = Path(min_length=1, max_length=40, description="Partner code")
TERMS = ("credit_limit", "min_remaining_days", "payment_days")
SHIP_TO = ("code", "name", "address", "contact", "phone", "gln")
PRICE = ("item", "currency", "uom", "list_price", "floor_price")
DONE = ("terms", "ship_to", "shelf_life", "price")


def customer_url(code: str, done: str | None = None) -> str:
    url = f"/sales/customers/{quote(code, safe='')}"
    return f"{url}?done={done}" if done else url


@router.get("/sales/customers", response_class=HTMLResponse)
def customers(request: Request, q: str = Query("", max_length=100),
              page_no: int = Query(1, ge=1, le=100_000, alias="page"),
              _: Actor = require(VIEW)) -> Response:
    with new_uow(request, write=False) as uow:
        found, total = partners.list_partners(uow, search=q.strip() or None, role="customer",
                                              limit=PAGE, offset=(page_no - 1) * PAGE)
        rows = [{**queries.customer_view(uow, p), "active": p.active} for p in found]
    return page(request, "sales/customers.html", rows=rows, total=total, page=page_no,
                page_size=PAGE, values={"q": q.strip()})


def _partner(uow: UnitOfWork, code: str) -> Any:
    found = partners.get_partner_by_code(uow, code.strip()[:40])
    if found is None or not found.is_customer:
        raise partners.PartnerNotFound(f"no customer {code}")
    return found


def customer_page(request: Request, code: str, actor: Actor, status: int = 200,
                  **context: Any) -> HTMLResponse:
    with new_uow(request, write=False) as uow:
        partner = _partner(uow, code)
        view = queries.customer_view(uow, partner)
    done = request.query_params.get("done", "")
    context.setdefault("form", "")
    context.setdefault("values", {})
    context.setdefault("field_errors", {})
    if context["form"] != "ship_to":  # the ship-to chosen for a change fills the form
        chosen = request.query_params.get("ship_to", "")
        context["ship_to"] = next((s for s in view["ship_tos"] if s["code"] == chosen),
                                  {"active": True})
    else:
        context["ship_to"] = context["values"]
    return page(request, "sales/customer.html", status, customer=view, partner_id=partner.id,
                may_edit=actor.can(CUSTOMER_EDIT), may_order=actor.can(ORDER_EDIT),
                done=done if done in DONE and status == 200 else "", **context)


@router.get("/sales/customers/{code}", response_class=HTMLResponse)
def customer(request: Request, code: str = Code, actor: Actor = require(VIEW)) -> Response:
    return customer_page(request, code, actor)


async def _save(request: Request, code: str, actor: Actor, build: Any, action: Any,
                done: str, values: dict[str, Any]) -> Response:
    """Validate the form with ``build``, run ``action(uow, data)``; back to the customer with
    ``done``, or the customer again with the refusal at the form that was posted."""
    try:
        data = build()
    except ValidationError as exc:
        problem = pydantic_refusal(request, exc)
    else:
        _row, problem = await run_in_threadpool(attempt, request,
                                                lambda uow: action(uow, data))
        if problem is None:
            return RedirectResponse(customer_url(code, done), status_code=303)
    return await run_in_threadpool(customer_page, request, code, actor, 422, form=done,
                                   values=values, **problem)


@router.post("/sales/customers/{code}/terms", response_class=HTMLResponse)
async def terms(request: Request, code: str = Code, actor: Actor = require(CUSTOMER_EDIT)
                ) -> Response:
    form = await request.form()
    values = fields(form, TERMS)
    values["note"] = field(form, "note", LONG)
    return await _save(
        request, code, actor, lambda: CustomerTerms(**given(values, *TERMS, "note")),
        lambda uow, data: service.set_terms(uow, customer=code, data=data, actor=actor),
        "terms", values)


@router.post("/sales/customers/{code}/ship-tos", response_class=HTMLResponse)
async def ship_to(request: Request, code: str = Code, actor: Actor = require(CUSTOMER_EDIT)
                  ) -> Response:
    form = await request.form()
    values: dict[str, Any] = fields(form, SHIP_TO)
    values["address"] = field(form, "address", LONG)
    values["active"] = bool(form.get("active"))
    return await _save(
        request, code, actor,
        lambda: ShipToWrite(**given(values, *SHIP_TO), active=values["active"]),
        lambda uow, data: service.save_ship_to(uow, customer=code, data=data, actor=actor),
        "ship_to", values)


@router.post("/sales/customers/{code}/shelf-life", response_class=HTMLResponse)
async def shelf_life(request: Request, code: str = Code,
                     actor: Actor = require(CUSTOMER_EDIT)) -> Response:
    """Set the customer's minimum remaining shelf life of an item; no days: remove it."""
    form = await request.form()
    values = fields(form, ("item", "min_remaining_days"))
    return await _save(
        request, code, actor,
        lambda: ShelfLifeRuleWrite(**given(values, "item"),
                                   min_remaining_days=values["min_remaining_days"] or None),
        lambda uow, data: service.set_shelf_life_rule(uow, customer=code, data=data,
                                                      actor=actor),
        "shelf_life", values)


# --- prices --------------------------------------------------------------------------------------
def prices_page(request: Request, actor: Actor, status: int = 200, **context: Any
                ) -> HTMLResponse:
    with new_uow(request, write=False) as uow:
        rows = queries.price_list(uow)
    done = request.query_params.get("done", "")
    context.setdefault("values", {"currency": "CNY"})
    context.setdefault("field_errors", {})
    return page(request, "sales/prices.html", status, rows=rows, currencies=CURRENCIES,
                may_edit=actor.can(PRICE_EDIT),
                done=done if done in DONE and status == 200 else "", **context)


@router.get("/sales/prices", response_class=HTMLResponse)
def prices(request: Request, actor: Actor = require(VIEW)) -> Response:
    return prices_page(request, actor)


@router.post("/sales/prices", response_class=HTMLResponse)
async def save_price(request: Request, actor: Actor = require(PRICE_EDIT)) -> Response:
    form = await request.form()
    values = fields(form, PRICE)
    try:
        data = PriceWrite(**given(values, *PRICE))
    except ValidationError as exc:
        problem = pydantic_refusal(request, exc)
    else:
        _row, problem = await run_in_threadpool(attempt, request, lambda uow: service.save_price(
            uow, data=data, actor=actor))
        if problem is None:
            return RedirectResponse("/sales/prices?done=price", status_code=303)
    return await run_in_threadpool(prices_page, request, actor, 422, values=values, **problem)
