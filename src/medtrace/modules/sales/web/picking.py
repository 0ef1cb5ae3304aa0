"""Allocation, picking and packing.

The scan-first picking page for a handheld (360 px): the order number stays between scans, the
scan field takes what the scanner types (the GS1 group separator as the GS control character
or as ``<GS>``, ``^]``, ``\\x1d``: the UDI parser reads them all), and each post picks one
scanned lot or serial unit in one transaction (``service.pick_scan``: the service decides what
may be picked). The answer shows what was picked, the order's lines with picked and needed,
and the FEFO allocation to pick next; a refusal shows its message in the user's language at its
field, keeps the order and empties the scan field for the next scan.

The order page's own actions (allocate, pack picks into a case or cases onto a pallet, unpack,
put a pick back) are here too; they answer like the order's other actions."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from medtrace.modules.sales import queries, service
from medtrace.modules.sales.errors import OrderNotFound, OrderStateConflict
from medtrace.modules.sales.permissions import PICK
from medtrace.modules.sales.rules import OrderStatus
from medtrace.modules.sales.schemas import PackIn, PickIn
from medtrace.modules.sales.web import router
from medtrace.modules.sales.web.common import (
    MAX_ID,
    attempt,
    field,
    fields,
    given,
    ids,
    page,
    pydantic_refusal,
    required,
)
from medtrace.modules.sales.web.orders import Number, detail_url, refused, run_action
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import translate
from medtrace.platform.web.deps import new_uow

FIELDS = ("order", "scan", "quantity", "uom", "location")
#: refusals that concern the order itself, shown at its field too
ORDER_TITLES = {e.code: e.title for e in (OrderNotFound, OrderStateConflict)}
#: orders offered on the picking page before one is chosen
TO_PICK = 20


def _number(text: str) -> Decimal:
    try:
        return Decimal(text or "0")
    except InvalidOperation:
        return Decimal(0)


def _progress_of(view: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per line: picked, still to ship, and the first allocation (FEFO) to pick next."""
    rows = []
    for line in view:
        needed = max(_number(line["ordered"]) - _number(line["shipped"]), Decimal(0))
        rows.append({"line_no": line["line_no"], "item": line["item"], "uom": line["uom"],
                     "picked": line["picked"], "needed": f"{needed.normalize():f}",
                     "missing": line["missing"],
                     "next": line["allocations"][0] if line["allocations"] else None})
    return rows


def _progress(request: Request, number: str) -> dict[str, Any] | None:
    """The order and its lines' progress, or None when there is no such order."""
    if not number:
        return None
    try:
        with new_uow(request, write=False) as uow:
            order = service.get_order_or_raise(uow, number)
            return {"number": order.number, "status": order.status,
                    "lines": _progress_of(queries.allocation_view(uow, order))}
    except DomainError:
        return None


def _to_pick(request: Request) -> list[dict[str, Any]]:
    """Orders stock may be picked for, newest first."""
    with new_uow(request, write=False) as uow:
        found = []
        for status in (OrderStatus.CONFIRMED, OrderStatus.PARTLY_SHIPPED):
            rows, _total = queries.list_orders(uow, status=status, limit=TO_PICK)
            found += rows
    return sorted(found, key=lambda r: r["created_at"], reverse=True)[:TO_PICK]


def _pick_page(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    values = context.get("values", {})
    if not values.get("order"):
        context["orders"] = _to_pick(request)
    context.setdefault("field_errors", {})
    return page(request, "sales/pick.html", status, **context)


@router.get("/sales/pick", response_class=HTMLResponse)
def pick_page(request: Request, order: str = Query("", max_length=40),
              _: Actor = require(PICK)) -> Response:
    number = order.strip()
    return _pick_page(request, values={"order": number}, progress=_progress(request, number))


@router.post("/sales/pick", response_class=HTMLResponse)
async def pick(request: Request, actor: Actor = require(PICK)) -> Response:
    form = await request.form()
    values = fields(form, FIELDS, 1000)
    number = values["order"][:40]

    async def again(problem: dict[str, Any]) -> Response:
        progress = await run_in_threadpool(_progress, request, number)
        return await run_in_threadpool(_pick_page, request, 422, values={**values, "scan": ""},
                                       progress=progress, **problem)

    if not number:
        return await again(required(request, "order"))
    try:
        data = PickIn(**given(values, "scan", "quantity", "uom", "location"))
    except ValidationError as exc:
        return await again(pydantic_refusal(request, exc))

    def run(uow: UnitOfWork) -> dict[str, Any]:
        row = service.pick_scan(uow, ref=number, data=data, actor=actor)
        order = service.get_order_or_raise(uow, number)
        view = queries.allocation_view(uow, order)
        picked = next(p for line in view for p in line["picks"] if p["id"] == row.id)
        return {"picked": picked, "progress": {"number": order.number, "status": order.status,
                                               "lines": _progress_of(view)}}

    done, problem = await run_in_threadpool(attempt, request, run)
    if problem is not None:
        title = ORDER_TITLES.get(problem.get("error_code") or "")
        if title:
            problem["field_errors"].setdefault("order", translate(title, request.state.locale))
        return await again(problem)
    return _pick_page(request, values={"order": number}, done=done["picked"],
                      progress=done["progress"])


# --- the order page's actions --------------------------------------------------------------------
@router.post("/sales/orders/{number}/allocate", response_class=HTMLResponse)
async def allocate(request: Request, number: str = Number, actor: Actor = require(PICK)
                   ) -> Response:
    return await run_action(request, number, actor, lambda uow: service.allocate_order(
        uow, ref=number, actor=actor), "allocated", "allocate")


def _at_lists(found: dict[str, str]) -> dict[str, str]:
    """``picks.3`` and ``packages.0`` are shown at the list they belong to, each message
    once."""
    out: dict[str, str] = {}
    for key, text in found.items():
        name = re.sub(r"^(picks|packages)\.\d+$", r"\1", key)
        if name not in out:
            out[name] = text
        elif text not in out[name].split("; "):
            out[name] = f"{out[name]}; {text}"
    return out


@router.post("/sales/orders/{number}/pack", response_class=HTMLResponse)
async def pack(request: Request, number: str = Number, actor: Actor = require(PICK)
               ) -> Response:
    """A case of the checked picks, or a pallet of the checked cases (``kind``)."""
    form = await request.form()
    kind = "pallet" if field(form, "kind", 10) == "pallet" else "case"
    picks = ids(form, "picks")
    cases = [str(v).strip()[:40] for v in form.getlist("packages")[:200] if str(v).strip()]
    values: dict[str, Any] = {"sscc": field(form, "sscc", 100),
                              "picks": [str(p) for p in picks], "packages": cases}
    try:
        data = PackIn(kind=kind, sscc=values["sscc"] or None, picks=picks, packages=cases)
    except ValidationError as exc:
        problem = pydantic_refusal(request, exc)
    else:
        _row, problem = await run_in_threadpool(attempt, request, lambda uow: service.pack(
            uow, ref=number, data=data, actor=actor))
        if problem is None:
            return RedirectResponse(detail_url(number, "packed"), status_code=303)
    problem["field_errors"] = _at_lists(problem["field_errors"])
    return await refused(request, number, actor, problem, kind, values)


@router.post("/sales/orders/{number}/unpack", response_class=HTMLResponse)
async def unpack(request: Request, number: str = Number, actor: Actor = require(PICK)
                 ) -> Response:
    form = await request.form()
    sscc = field(form, "sscc", 20)
    return await run_action(request, number, actor, lambda uow: service.unpack(
        uow, ref=number, sscc=sscc, actor=actor), "unpacked", "unpack", {"sscc": sscc})


@router.post("/sales/orders/{number}/picks/{pick_id}/put-back", response_class=HTMLResponse)
async def put_back(request: Request, number: str = Number,
                   pick_id: int = Path(ge=1, le=MAX_ID), actor: Actor = require(PICK)
                   ) -> Response:
    return await run_action(request, number, actor, lambda uow: service.put_back(
        uow, ref=number, pick_id=pick_id, actor=actor), "put_back", "put_back",
        {"pick": str(pick_id)})
