"""Purchasing pages: orders (list, form, detail with lines, receipts, amendments and the
approval workflow; submit, amend, cancel, close), requisitions, supplier performance."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from medtrace.modules import partners
from medtrace.modules.procurement import queries, rules, service
from medtrace.modules.procurement.permissions import ORDER_EDIT, ORDER_VIEW, REQUISITION_EDIT
from medtrace.modules.procurement.receipts import queries as receipt_queries
from medtrace.modules.procurement.receipts.rules import FIELD_MESSAGES
from medtrace.modules.procurement.schemas import OrderAmend, OrderCreate, RequisitionCreate
from medtrace.platform.actor import Actor
from medtrace.platform.audit import signature_rows
from medtrace.platform.auth.permissions import require
from medtrace.platform.errors import DomainError
from medtrace.platform.esign import signatures_for
from medtrace.platform.i18n import N_, current_locale, translate
from medtrace.platform.web import csrf
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.forms import form_error, validation_failed
from medtrace.platform.web.templating import render
from medtrace.platform.workflows import queries as workflow_queries
from medtrace.platform.workflows.web.inbox import DECISIONS

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])
PAGE = 50
LINES = 5  # empty line rows on the order and requisition forms
#: the service's messages of orders, in words a user understands
ORDER_MESSAGES = {
    "unknown supplier": N_("no supplier with this code"),
    "unknown item": N_("unknown item"),
    "not a unit of the item": N_("not a unit of the item"),
    "too many decimals": N_("too many decimal places"),
    "whole pieces": N_("whole pieces only"),
    "unknown currency": N_("unknown currency"),
    "required for a foreign currency": N_("required for a foreign currency"),
    "CNY has no exchange rate": N_("CNY has no exchange rate"),
    "out of range": N_("out of range"),
    "below received": N_("less than already received"),
    "no such line": N_("no such line"),
    "nothing changes": N_("nothing changes"),
    "required": N_("required"),
}


def message(text: str, locale: str) -> str:
    known = ORDER_MESSAGES.get(text) or FIELD_MESSAGES.get(text)
    return translate(known, locale) if known else text


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return render(request.app.state.templates, request, name, status_code=status,
                  statuses=rules.OrderStatus.labels(),
                  requisition_statuses=rules.RequisitionStatus.labels(),
                  amendment_kinds=rules.AmendmentKind.labels(), currencies=rules.CURRENCIES,
                  **context)


def attempt(request: Request, action: Any) -> tuple[Any, dict[str, Any] | None]:
    """Run ``action`` in one transaction: (its result, None), or (None, the refusal's context
    with each field's message, under its whole path such as ``lines.2.quantity``, in the
    user's language)."""
    try:
        with new_uow(request) as uow:
            return action(uow), None
    except DomainError as exc:
        context = form_error(request, exc)
        locale = request.state.locale
        fields: dict[str, str] = {}
        for error in exc.errors or []:
            key = str(error.get("field", ""))
            text = message(str(error.get("message", "")), locale)
            fields[key] = f"{fields[key]}; {text}" if key in fields else text
        context["field_errors"] = fields
        return None, context


def pydantic_refusal(request: Request, exc: ValidationError) -> dict[str, Any]:
    refused = validation_failed(exc, current_locale())
    return {"error": translate(refused.title, request.state.locale), "error_code": refused.code,
            "field_errors": {".".join(str(p) for p in e["loc"] if p != "body"): m["message"]
                             for e, m in zip(exc.errors(), refused.errors, strict=True)}}


# --- orders -------------------------------------------------------------------------------------
@router.get("/procurement/orders", response_class=HTMLResponse)
def orders(request: Request, status: str = Query("", max_length=20),
           supplier: str = Query("", max_length=40), page_no: int = Query(1, ge=1, le=100_000,
                                                                           alias="page"),
           _: Actor = require(ORDER_VIEW)) -> Response:
    with new_uow(request, write=False) as uow:
        wanted = status if status in rules.OrderStatus.values() else None
        rows, total = queries.list_orders(uow, status=wanted, supplier=supplier or None,
                                          limit=PAGE, offset=(page_no - 1) * PAGE)
        return page(request, "procurement/orders.html", rows=queries.order_views(uow, rows),
                    total=total, page=page_no, page_size=PAGE,
                    values={"status": status, "supplier": supplier})


def _order_form(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    values = context.pop("values", {})
    lines = values.get("lines") or []
    lines = lines + [{}] * max(0, LINES - len(lines))
    return page(request, "procurement/order_form.html", status, values=values, lines=lines,
                **context)


@router.get("/procurement/orders/new", response_class=HTMLResponse)
def new_order(request: Request, _: Actor = require(ORDER_EDIT)) -> Response:
    return _order_form(request, values={"currency": "CNY"})


def _form_lines(form: Any) -> list[dict[str, Any]]:
    lines = []
    for n in range(LINES):
        line = {key: str(form.get(f"lines.{n}.{key}", "")).strip()[:40]
                for key in ("item", "quantity", "uom", "unit_price", "requested_date")}
        if any(line.values()):
            lines.append(line)
    return lines


@router.post("/procurement/orders/new", response_class=HTMLResponse)
async def create_order(request: Request, actor: Actor = require(ORDER_EDIT)) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, "")).strip()[:2000] for k in ("supplier", "currency",
                                                                "exchange_rate", "note")}
    values["lines"] = _form_lines(form)
    try:
        data = OrderCreate(
            supplier=values["supplier"], currency=values["currency"] or "CNY",
            exchange_rate=values["exchange_rate"] or None, note=values["note"],
            lines=[{k: v for k, v in line.items() if v} for line in values["lines"]])
    except ValidationError as exc:
        return _order_form(request, 422, values=values, **pydantic_refusal(request, exc))
    number, problem = await run_in_threadpool(
        attempt, request, lambda uow: service.create_order(uow, data=data, actor=actor).number)
    if problem is not None:
        return _order_form(request, 422, values=values, **problem)
    return RedirectResponse(f"/procurement/orders/{number}", status_code=303)


def _order_page(request: Request, number: str, actor: Actor, status: int = 200,
                **context: Any) -> HTMLResponse:
    with new_uow(request, write=False) as uow:
        order = service.get_order_or_raise(uow, number[:40])
        view = queries.order_view(uow, order)
        supplier = partners.get_partner_or_raise(uow, order.supplier_id)
        record = workflow_queries.record_workflow(uow, service.RECORD_TYPE, str(order.id),
                                                  actor, request.state.locale)
        signed = {t.task.id: signature_rows(uow, signatures_for(uow, t.task),
                                            request.state.locale)
                  for t in record.done + record.open}
        receipts, _total = receipt_queries.list_receipts(uow, order_id=order.id, limit=200)
        return page(request, "procurement/order.html", status, order=view, row=order,
                    supplier=supplier, record=record, signed=signed, decisions=DECISIONS,
                    amendments=queries.amendments(uow, order.id),
                    receipts=[receipt_queries.receipt_view(uow, r) for r in receipts],
                    returns=queries.returns_of(uow, order.id),
                    may_edit=actor.can(ORDER_EDIT), **context)


@router.get("/procurement/orders/{number}", response_class=HTMLResponse)
def order(request: Request, number: str, actor: Actor = require(ORDER_VIEW)) -> Response:
    return _order_page(request, number, actor)


@router.post("/procurement/orders/{number}/{action}", response_class=HTMLResponse)
async def order_action(request: Request, number: str, action: str,
                       actor: Actor = require(ORDER_EDIT)) -> Response:
    form = await request.form()
    reason = str(form.get("reason", "")).strip()
    if len(reason) > 500:
        return _order_page(request, number, actor, 422, action=action, values={},
                           error=translate(N_("A reason is required."), request.state.locale),
                           field_errors={"reason": translate(N_("at most 500 characters"),
                                                             request.state.locale)})
    ref = number[:40]
    if action == "submit":
        def run(uow: Any) -> Any:
            return service.submit_order(uow, order_ref=ref, actor=actor)
    elif action == "cancel":
        def run(uow: Any) -> Any:
            return service.cancel_order(uow, order_ref=ref, reason=reason, actor=actor)
    elif action == "close":
        def run(uow: Any) -> Any:
            return service.close_order(uow, order_ref=ref, reason=reason, actor=actor)
    elif action == "amend":
        try:
            line_no = int(str(form.get("line_no", "0")) or 0)
            data = OrderAmend(reason=reason or " ", lines=[{
                "line_no": line_no,
                **{k: str(form.get(k)).strip() for k in ("quantity", "unit_price",
                                                          "requested_date")
                   if str(form.get(k, "")).strip()}}])
        except (ValueError, ValidationError):
            return _order_page(request, number, actor, 422, error=translate(
                N_("The purchase order is not valid."), request.state.locale),
                action=action, values={"reason": reason})

        def run(uow: Any) -> Any:
            return service.amend_order(uow, order_ref=ref, data=data, actor=actor)
    else:
        return RedirectResponse(f"/procurement/orders/{number}", status_code=303)
    _done, problem = await run_in_threadpool(attempt, request, run)
    if problem is not None:
        return _order_page(request, number, actor, 422, action=action,
                           values={"reason": reason}, **problem)
    return RedirectResponse(f"/procurement/orders/{number}", status_code=303)


# --- requisitions -------------------------------------------------------------------------------
@router.get("/procurement/requisitions", response_class=HTMLResponse)
def requisitions(request: Request, _: Actor = require(ORDER_VIEW)) -> Response:
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_requisitions(uow, limit=200)
        return page(request, "procurement/requisitions.html", rows=rows, total=total,
                    values={}, lines=[{}] * LINES)


@router.post("/procurement/requisitions", response_class=HTMLResponse)
async def create_requisition(request: Request, actor: Actor = require(REQUISITION_EDIT)
                             ) -> Response:
    form = await request.form()
    lines = _form_lines(form)
    for n, line in enumerate(lines):
        line["supplier"] = str(form.get(f"lines.{n}.supplier", "")).strip()[:40]
    note = str(form.get("note", "")).strip()[:2000]

    def show(status: int, **problem: Any) -> HTMLResponse:
        with new_uow(request, write=False) as uow:
            rows, total = queries.list_requisitions(uow, limit=200)
        return page(request, "procurement/requisitions.html", status, rows=rows, total=total,
                    values={"note": note}, lines=lines + [{}] * max(0, LINES - len(lines)),
                    **problem)

    try:
        data = RequisitionCreate(note=note, lines=[{k: v for k, v in line.items() if v}
                                                   for line in lines])
    except ValidationError as exc:
        return show(422, **pydantic_refusal(request, exc))
    _row, problem = await run_in_threadpool(
        attempt, request, lambda uow: service.create_requisition(uow, data=data, actor=actor))
    if problem is not None:
        return show(422, **problem)
    return RedirectResponse("/procurement/requisitions", status_code=303)


# --- supplier performance -----------------------------------------------------------------------
@router.get("/procurement/suppliers", response_class=HTMLResponse)
def suppliers(request: Request, days: int = Query(90, ge=1, le=3660),
              _: Actor = require(ORDER_VIEW)) -> Response:
    with new_uow(request, write=False) as uow:
        return page(request, "procurement/suppliers.html",
                    rows=receipt_queries.suppliers_performance(uow, days=days), days=days)


@router.get("/procurement/suppliers/{code}", response_class=HTMLResponse)
def supplier(request: Request, code: str, days: int = Query(90, ge=1, le=3660),
             _: Actor = require(ORDER_VIEW)) -> Response:
    with new_uow(request, write=False) as uow:
        found = partners.get_partner_by_code(uow, code[:40])
        if found is None:
            raise partners.PartnerNotFound(f"no partner {code}")
        rows, total = queries.list_orders(uow, supplier=found.code, limit=PAGE)
        return page(request, "procurement/supplier.html", partner=found, days=days,
                    perf=receipt_queries.supplier_performance(uow, supplier_id=found.id,
                                                              days=days),
                    orders=queries.order_views(uow, rows), total=total)
