"""Inventory pages: the location tree (and a new location), stock on hand with filters, near
expiry and not-issuable stock marked, pages and CSV/XLSX export; the move history with a
reversal form per move; scan-first transfer and adjustment forms that fit a handheld screen;
FEFO picking suggestions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from medtrace.modules import catalog
from medtrace.modules.inventory import models as labels
from medtrace.modules.inventory import queries, rules, service
from medtrace.modules.inventory import queries as lookups
from medtrace.modules.inventory.errors import (
    InsufficientStock,
    LocationInvalid,
    LotNotIssuable,
    MoveInvalid,
)
from medtrace.modules.inventory.permissions import (
    LOCATION_EDIT,
    STOCK_ADJUST,
    STOCK_MOVE,
    STOCK_VIEW,
)
from medtrace.modules.inventory.web import forms
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.customfields import export
from medtrace.platform.db.base import plain_decimal
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_, translate
from medtrace.platform.web import csrf
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.forms import form_error
from medtrace.platform.web.params import PathId
from medtrace.platform.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])

PAGE = 50
EXPORT_LIMIT = 100_000
#: the service's field names, as the forms name them
FIELD_ALIASES = {"item_id": "item", "lot_id": "lot", "unit_id": "serial"}
STOCK_FILTERS = ("site", "location", "item", "lot", "days")
MOVE_FILTERS = ("item", "lot", "location", "doc")


def qty(value: Any) -> str:
    """A quantity as written: exact, without trailing zeros."""
    if value is None or value == "":
        return "—"
    return str(plain_decimal(Decimal(str(value))))


def _page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return render(request.app.state.templates, request, name, status_code=status,
                  labels=labels, qty=qty, **context)


def _refusal(request: Request, exc: DomainError) -> dict[str, Any]:
    """A refused action as the form shows it: the title in the user's language with what
    makes it concrete (stock on hand, why stock may not be issued), the code, and each
    field's message."""
    locale = request.state.locale
    context = form_error(request, exc)
    extra = exc.extra or {}
    if isinstance(exc, InsufficientStock):
        context["error"] = translate(exc.title, locale) + " " + translate(
            N_("On hand: %(available)s, asked: %(requested)s (in the base unit)."), locale,
            available=qty(extra.get("available", "0")), requested=qty(extra.get("requested")))
    elif isinstance(exc, LotNotIssuable):
        context["error"] = translate(exc.title, locale) + " " + translate(
            N_("Reason: %(reason)s."), locale,
            reason=labels.not_issuable(extra.get("reason"), locale))
    elif isinstance(exc, MoveInvalid | LocationInvalid) or exc.errors:
        context["error"] = translate(exc.title, locale)
    context["field_errors"] = {
        FIELD_ALIASES.get(name, name): labels.field_message(message, locale)
        for name, message in (context.get("field_errors") or {}).items()}
    context["status"] = 409 if exc.status == 409 else 422
    return context


async def _run(request: Request, action: Callable[[UnitOfWork], Any],
               reason: str | None = None) -> tuple[Any, dict[str, Any] | None]:
    """One business action in its own transaction: (its result, None), or (None, the
    refusal as the form shows it)."""

    def work() -> tuple[Any, dict[str, Any] | None]:
        try:
            with new_uow(request, reason=reason) as uow:
                return action(uow), None
        except DomainError as exc:
            return None, _refusal(request, exc)

    return await run_in_threadpool(work)


def _text(params: Any, name: str, limit: int = 500) -> str:
    value = params.get(name, "")
    return value.strip(" \r\n\t")[:limit] if isinstance(value, str) else ""


def _page_number(params: Any) -> int:
    raw = params.get("page", "")
    return max(1, int(raw)) if isinstance(raw, str) and raw.isdigit() else 1


# -- locations -----------------------------------------------------------------------------------

LOCATION_FIELDS = ("code", "name_zh", "name_en", "kind", "parent", "stock_status",
                   "temperature_zone", "role")


def _locations(request: Request, status: int = 200, **extra: Any) -> HTMLResponse:
    with new_uow(request, write=False) as uow:
        tree = queries.location_tree(uow)
        return _page(request, "inventory/locations.html", status=status,
                     places=[row for row in tree if row["kind"] != "virtual"],
                     virtual=[row for row in tree if row["kind"] == "virtual"],
                     kinds=rules.LOCATION_KINDS, statuses=rules.STOCK_STATUSES,
                     roles=rules.VIRTUAL_ROLES, saved=_text(request.query_params, "saved", 40),
                     **{"values": {}, **extra})


@router.get("/inventory", response_class=HTMLResponse)
def inventory_home(_: Actor = require(STOCK_VIEW)) -> Response:
    return RedirectResponse("/inventory/stock", status_code=303)


@router.get("/inventory/locations", response_class=HTMLResponse)
def locations(request: Request, _: Actor = require(STOCK_VIEW)) -> Response:
    return _locations(request)


@router.post("/inventory/locations", response_class=HTMLResponse)
async def create_location(request: Request, _: Actor = require(LOCATION_EDIT)) -> Response:
    form = await request.form()
    values = {name: _text(form, name, 100) for name in LOCATION_FIELDS}
    code, problem = await _run(request, lambda uow: service.create_location(
        uow, code=values["code"], name_zh=values["name_zh"] or values["code"],
        name_en=values["name_en"] or values["code"], kind=values["kind"],
        parent=values["parent"] or None, stock_status=values["stock_status"] or None,
        temperature_zone=values["temperature_zone"] or None,
        role=values["role"] or None).code)
    if problem is None:
        return RedirectResponse("/inventory/locations?" + urlencode({"saved": code}),
                                status_code=303)
    return _locations(request, status=problem.pop("status"), values=values, **problem)


# -- stock on hand -------------------------------------------------------------------------------

STOCK_HEADINGS = (N_("Location"), N_("Item"), N_("Lot"), N_("Serial number"), N_("Quantity"),
                  N_("Unit"), N_("Expiry date"), N_("Days left"), N_("Lot status"),
                  N_("Location status"), N_("Not issuable because"), N_("Temperature zone"))


def _query(values: dict[str, Any], **more: Any) -> str:
    return urlencode({k: v for k, v in {**values, **more}.items() if v not in ("", None)})


def _stock_values(request: Request) -> dict[str, str]:
    return {name: _text(request.query_params, name) for name in STOCK_FILTERS}


@router.get("/inventory/stock", response_class=HTMLResponse)
def stock(request: Request, _: Actor = require(STOCK_VIEW)) -> Response:
    page = _page_number(request.query_params)
    values = _stock_values(request)
    rows: list[dict[str, Any]] = []
    total, problem = 0, {}
    with new_uow(request, write=False) as uow:
        try:
            rows, total = queries.balances(uow, forms.stock_filter(uow, values), limit=PAGE,
                                           offset=(page - 1) * PAGE)
        except DomainError as exc:
            problem = _refusal(request, exc)
        floors = lookups.near_expiry_floors(uow, {r["item_id"] for r in rows})
        places = lookups.location_choices(uow)
        return _page(request, "inventory/stock.html", status=problem.pop("status", 200),
                     rows=[(r, lookups.expiry_class(r, floors), floors.get(r["item_id"]))
                           for r in rows],
                     total=total, page=page, page_size=PAGE, values=values, places=places,
                     sites=[loc for loc in places if loc.kind == "site"],
                     query=_query(values), **problem)


@router.get("/inventory/stock/export", response_class=Response)
def export_stock(request: Request, format: str = Query("xlsx", pattern="^(csv|xlsx)$"),
                 _: Actor = require(STOCK_VIEW)) -> Response:
    """Stock on hand as filtered (every page)."""
    locale = request.state.locale
    with new_uow(request, write=False) as uow:
        rows, _total = queries.balances(uow, forms.stock_filter(uow, _stock_values(request)),
                                        limit=EXPORT_LIMIT)
        cells = [[r["location"], r["item"], r["lot"], r["serial"],
                  plain_decimal(Decimal(r["quantity"])), r["uom"],
                  dt.date.fromisoformat(r["expiry"]) if r["expiry"] else None, r["days_left"],
                  labels.label(labels.LOT_STATUSES, r["lot_status"], locale)
                  if r["lot_status"] else None,
                  labels.label(labels.STOCK_STATUSES, r["location_status"], locale)
                  if r["location_status"] else None,
                  labels.not_issuable(r["not_issuable"], locale) or None,
                  r["temperature_zone"]] for r in rows]
        return export.export_response(format, name="stock",
                                      headings=export.headings(STOCK_HEADINGS, [], locale),
                                      rows=cells, stamp=uow.today())


# -- moves ---------------------------------------------------------------------------------------


@router.get("/inventory/moves", response_class=HTMLResponse)
def moves(request: Request, _: Actor = require(STOCK_VIEW)) -> Response:
    params = request.query_params
    page = _page_number(params)
    values = {name: _text(params, name) for name in MOVE_FILTERS}
    rows: list[dict[str, Any]] = []
    total, problem = 0, {}
    with new_uow(request, write=False) as uow:
        try:
            rows, total = queries.moves(uow, **forms.move_filter(uow, values), limit=PAGE,
                                        offset=(page - 1) * PAGE)
        except DomainError as exc:
            problem = _refusal(request, exc)
        return _page(request, "inventory/moves.html", status=problem.pop("status", 200),
                     rows=rows, refs=lookups.move_refs(uow, rows), total=total, page=page,
                     page_size=PAGE, values=values, query=_query(values),
                     done=_text(params, "done", 20), **problem)


def _reverse_page(request: Request, move_id: PathId, status: int = 200,
                  **extra: Any) -> HTMLResponse:
    with new_uow(request, write=False) as uow:
        move = lookups.get_move(uow, move_id)
        return _page(request, "inventory/reverse.html", status=status, move=move,
                     **{"reason": "", **extra})


@router.get("/inventory/moves/{move_id}/reverse", response_class=HTMLResponse)
def reverse_form(request: Request, move_id: PathId, _: Actor = require(STOCK_ADJUST)) -> Response:
    return _reverse_page(request, move_id)


@router.post("/inventory/moves/{move_id}/reverse", response_class=HTMLResponse)
async def reverse(request: Request, move_id: PathId, actor: Actor = require(STOCK_ADJUST)
                  ) -> Response:
    form = await request.form()
    reason = _text(form, "reason")
    done, problem = await _run(
        request, lambda uow: service.reverse_move(uow, move_id=move_id, reason=reason,
                                                  actor=actor).id,
        reason=reason or None)
    if problem is None:
        return RedirectResponse(f"/inventory/moves?done={done}", status_code=303)
    return _reverse_page(request, move_id, status=problem.pop("status"), reason=reason,
                         **problem)


# -- transfer and adjustment ---------------------------------------------------------------------


def _move_page(request: Request, kind: str, status: int = 200,
               values: forms.MoveForm | None = None, **extra: Any) -> HTMLResponse:
    params = request.query_params
    if values is None:  # a new form keeps the places (and purpose) of the move just posted
        values = forms.MoveForm.read(
            {k: _text(params, k, 40) for k in ("from_location", "to_location", "location",
                                                "purpose")})
        values.purpose = values.purpose or "transfer"
    done = _text(params, "done", 20)
    with new_uow(request, write=False) as uow:
        posted = None
        if done.isdigit() and status == 200:
            try:
                posted = lookups.get_move(uow, int(done))
            except DomainError:  # an old link: no notice
                posted = None
        return _page(request, f"inventory/{kind}.html", status=status, values=values,
                     posted=posted, places=lookups.location_choices(uow),
                     units=catalog.list_units(uow), purposes=labels.TRANSFER_PURPOSES,
                     reasons=labels.ADJUST_REASONS, **extra)


async def _post_move(request: Request, kind: str, actor: Actor) -> Response:
    data = forms.MoveForm.read(await request.form())
    action = forms.post_adjustment if kind == "adjust" else forms.post_transfer
    done, problem = await _run(request, lambda uow: action(uow, data, actor).id)
    if problem is None:
        keep = ({"from_location": data.from_location, "to_location": data.to_location,
                 "purpose": data.purpose} if kind == "transfer" else {"location": data.location})
        return RedirectResponse(f"/inventory/{kind}?" + _query(keep, done=done),
                                status_code=303)
    return _move_page(request, kind, status=problem.pop("status"), values=data, **problem)


@router.get("/inventory/transfer", response_class=HTMLResponse)
def transfer_form(request: Request, _: Actor = require(STOCK_MOVE)) -> Response:
    return _move_page(request, "transfer")


@router.post("/inventory/transfer", response_class=HTMLResponse)
async def transfer(request: Request, actor: Actor = require(STOCK_MOVE)) -> Response:
    return await _post_move(request, "transfer", actor)


@router.get("/inventory/adjust", response_class=HTMLResponse)
def adjust_form(request: Request, _: Actor = require(STOCK_ADJUST)) -> Response:
    return _move_page(request, "adjust")


@router.post("/inventory/adjust", response_class=HTMLResponse)
async def adjust(request: Request, actor: Actor = require(STOCK_ADJUST)) -> Response:
    return await _post_move(request, "adjust", actor)


# -- FEFO ----------------------------------------------------------------------------------------


@router.get("/inventory/fefo", response_class=HTMLResponse)
def fefo(request: Request, _: Actor = require(STOCK_VIEW)) -> Response:
    values = {name: _text(request.query_params, name)
              for name in ("item", "quantity", "location", "days")}
    answer, problem = None, {}
    with new_uow(request, write=False) as uow:
        if values["item"] or values["quantity"]:
            try:
                answer = forms.fefo_question(uow, values)
            except DomainError as exc:
                problem = _refusal(request, exc)
        return _page(request, "inventory/fefo.html", status=problem.pop("status", 200),
                     values=values, answer=answer, places=lookups.location_choices(uow),
                     **problem)
