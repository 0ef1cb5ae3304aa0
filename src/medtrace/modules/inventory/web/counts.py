"""Cycle count pages: the count sheets with a status filter; a new sheet for a location subtree
(optionally some items only); a sheet counted blind on a handheld (scan the location, the
item's UDI, type the quantity; the expected quantity is never on the page); the review of
expected, book and counted quantities with the variances; approval (posting the variances as
adjustments) or rejection by someone who did not count. Every action is one call of the count
service, as for the API."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medtrace.modules.inventory import queries as lookups
from medtrace.modules.inventory.counts import service as counts
from medtrace.modules.inventory.counts.errors import CountInvalid
from medtrace.modules.inventory.counts.rules import CountStatus
from medtrace.modules.inventory.permissions import COUNT_MANAGE, COUNT_PERFORM, STOCK_ADJUST
from medtrace.modules.inventory.web import _page, _run, _text
from medtrace.modules.inventory.web.forms import _Problems
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require, require_signed_in
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.web import csrf
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.params import PathId

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])

PAGE = 50
MAX_ITEMS = 200  # items named on one new sheet
ENTRY_FIELDS = ("location", "item", "lot", "serial", "quantity", "uom")
STATUSES = CountStatus.labels()


def _sheet_url(sheet_id: int, **query: str) -> str:
    params = urlencode({k: v for k, v in query.items() if v})
    return f"/inventory/counts/{sheet_id}" + (f"?{params}" if params else "")


# -- the list ------------------------------------------------------------------------------------


@router.get("/inventory/counts", response_class=HTMLResponse)
def count_list(request: Request, actor: Actor = require_signed_in()) -> Response:
    counts.ensure_may_view(actor)
    params = request.query_params
    status = _text(params, "status", 12)
    status = status if status in STATUSES else ""
    raw = _text(params, "page", 6)
    page = max(1, int(raw)) if raw.isdigit() else 1
    with new_uow(request, write=False) as uow:
        rows, total = counts.list_count_sheets(uow, status=status or None, limit=PAGE,
                                               offset=(page - 1) * PAGE)
        return _page(request, "inventory/counts.html", rows=rows, total=total, page=page,
                     page_size=PAGE, chosen=status, statuses=STATUSES)


# -- a new sheet ---------------------------------------------------------------------------------


def _new_page(request: Request, status: int = 200, **extra: Any) -> HTMLResponse:
    values = {"location": _text(request.query_params, "location", 40),
              "items": _text(request.query_params, "items", 4000), "note": ""}
    with new_uow(request, write=False) as uow:
        return _page(request, "inventory/count_new.html", status=status,
                     places=lookups.location_choices(uow), **{"values": values, **extra})


def _item_ids(uow: UnitOfWork, text: str) -> list[int]:
    """Items typed or scanned one per line (or separated by commas or spaces): code, GTIN or
    UDI each."""
    problems = _Problems()
    words = [w for w in text.replace(",", " ").split() if w]
    if len(words) > MAX_ITEMS:
        problems.add("items", "too many")
    ids = [found.item.id for found in (problems.check(lambda w=w: lookups.find_item(
        uow, w, "items")) for w in words[:MAX_ITEMS]) if found is not None]
    problems.raise_any(CountInvalid)
    return ids


@router.get("/inventory/counts/new", response_class=HTMLResponse)
def new_count(request: Request, _: Actor = require(COUNT_MANAGE)) -> Response:
    return _new_page(request)


@router.post("/inventory/counts", response_class=HTMLResponse)
async def create_count(request: Request, _: Actor = require(COUNT_MANAGE)) -> Response:
    form = await request.form()
    values = {"location": _text(form, "location", 40), "items": _text(form, "items", 4000),
              "note": _text(form, "note", 1000)}

    def create(uow: UnitOfWork) -> int:
        problems = _Problems()
        problems.check(lambda: lookups.find_location(uow, values["location"], "location"))
        ids = problems.check(lambda: _item_ids(uow, values["items"]))
        problems.raise_any(CountInvalid)
        return counts.create_count_sheet(uow, location=values["location"], item_ids=ids,
                                         note=values["note"]).id

    sheet_id, problem = await _run(request, create)
    if problem is None:
        return RedirectResponse(_sheet_url(sheet_id, done="created"), status_code=303)
    return _new_page(request, status=problem.pop("status"), values=values, **problem)


# -- a sheet, counted blind ----------------------------------------------------------------------


def _sheet_page(request: Request, sheet_id: int, actor: Actor, status: int = 200,
                **extra: Any) -> HTMLResponse:
    counts.ensure_may_view(actor)
    params = request.query_params
    entry = {name: "" for name in ENTRY_FIELDS}
    entry["location"] = _text(params, "location", 40)  # the place just counted, kept
    with new_uow(request, write=False) as uow:
        sheet = counts.blind_view(uow, counts.get_count_sheet_or_raise(uow, sheet_id))
        return _page(request, "inventory/count_sheet.html", status=status, sheet=sheet,
                     statuses=STATUSES, done=_text(params, "done", 20),
                     places=lookups.location_choices(uow), **{"entry": entry, **extra})


@router.get("/inventory/counts/{sheet_id}", response_class=HTMLResponse)
def count_sheet(request: Request, sheet_id: PathId, actor: Actor = require_signed_in()
                ) -> Response:
    return _sheet_page(request, sheet_id, actor)


@router.post("/inventory/counts/{sheet_id}/start", response_class=HTMLResponse)
async def start_count(request: Request, sheet_id: PathId, actor: Actor = require(COUNT_MANAGE)
                      ) -> Response:
    _done, problem = await _run(request, lambda uow: counts.start_counting(uow, sheet_id).id)
    if problem is None:
        return RedirectResponse(_sheet_url(sheet_id, done="started"), status_code=303)
    return _sheet_page(request, sheet_id, actor, status=problem.pop("status"), **problem)


def _quantity(text: str, problems: _Problems, *, one_piece: bool) -> Decimal | None:
    if not text:
        if one_piece:
            return Decimal(1)
        problems.add("quantity", "required")
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or abs(value) >= Decimal("1e12"):
        problems.add("quantity", "not exact")
        return None
    return value


def _entry(uow: UnitOfWork, values: dict[str, str]) -> counts.CountEntry:
    """What was scanned and typed as one count entry: the item by code, GTIN or whole UDI
    (whose lot and serial count when the fields are empty), the lot or serial within it."""
    problems = _Problems()
    if not values["location"]:
        problems.add("location", "required")
    scanned = problems.check(lambda: lookups.find_item(uow, values["item"]))
    lot = unit = None
    if scanned is not None:
        item_id = scanned.item.id
        lot_text = values["lot"] or scanned.scan.get("lot") or ""
        serial_text = values["serial"] or scanned.scan.get("serial") or ""
        lot = problems.check(lambda: lookups.find_lot(uow, item_id, lot_text)) \
            if lot_text else None
        unit = problems.check(lambda: lookups.find_unit(uow, item_id, serial_text)) \
            if serial_text else None
    quantity = _quantity(values["quantity"], problems,
                         one_piece=bool(values["serial"] or (scanned and scanned.scan.get(
                             "serial"))))
    problems.raise_any(CountInvalid)
    assert scanned is not None and quantity is not None
    return counts.CountEntry(quantity=quantity, location=values["location"],
                             item_id=scanned.item.id, lot_id=lot.id if lot else None,
                             unit_id=unit.id if unit else None, uom=values["uom"] or None)


@router.post("/inventory/counts/{sheet_id}/entries", response_class=HTMLResponse)
async def enter_count(request: Request, sheet_id: PathId, actor: Actor = require(COUNT_PERFORM)
                      ) -> Response:
    form = await request.form()
    values = {name: _text(form, name, 400 if name == "item" else 60) for name in ENTRY_FIELDS}
    values["location"] = lookups.location_code(values["location"]) or values["location"]
    _done, problem = await _run(request, lambda uow: counts.enter_counts(
        uow, sheet_id, [_entry(uow, values)]).id)
    if problem is None:
        return RedirectResponse(_sheet_url(sheet_id, done="counted",
                                           location=values["location"]) + "#count-form",
                                status_code=303)
    return _sheet_page(request, sheet_id, actor, status=problem.pop("status"), entry=values,
                       **problem)


@router.post("/inventory/counts/{sheet_id}/submit", response_class=HTMLResponse)
async def submit_count(request: Request, sheet_id: PathId, actor: Actor = require(COUNT_PERFORM)
                       ) -> Response:
    _done, problem = await _run(request, lambda uow: counts.submit_count_sheet(
        uow, sheet_id).id)
    if problem is None:
        return RedirectResponse(_sheet_url(sheet_id, done="submitted"), status_code=303)
    return _sheet_page(request, sheet_id, actor, status=problem.pop("status"), **problem)


# -- review and decision -------------------------------------------------------------------------


def _review_page(request: Request, sheet_id: int, status: int = 200, **extra: Any
                 ) -> HTMLResponse:
    with new_uow(request, write=False) as uow:
        sheet = counts.get_count_sheet_or_raise(uow, sheet_id)
        if sheet.submitted_at is None:  # nothing to review yet: the blind sheet
            return _page(request, "inventory/count_review.html", status=status, sheet=None,
                         sheet_id=sheet_id, sheet_status=sheet.status, statuses=STATUSES,
                         **{"reason": "", **extra})
        review = counts.review_view(uow, sheet)
        recount = urlencode({"location": review["location"] or "",
                             "items": " ".join(sorted({line["item"] for line in review["lines"]
                                                       if Decimal(line["variance"] or 0)}))})
        return _page(request, "inventory/count_review.html", status=status, sheet=review,
                     sheet_id=sheet_id, sheet_status=sheet.status, statuses=STATUSES,
                     recount=recount,
                     done=_text(request.query_params, "done", 20), **{"reason": "", **extra})


@router.get("/inventory/counts/{sheet_id}/review", response_class=HTMLResponse)
def review_count(request: Request, sheet_id: PathId, _: Actor = require(STOCK_ADJUST)
                 ) -> Response:
    return _review_page(request, sheet_id)


async def _decide(request: Request, sheet_id: int, decision: str) -> Response:
    form = await request.form()
    reason = _text(form, "reason", 500)
    if decision == "approve":
        def action(uow: UnitOfWork) -> int:
            return counts.approve_count_sheet(uow, sheet_id, reason=reason).id
    else:
        def action(uow: UnitOfWork) -> int:
            return counts.reject_count_sheet(uow, sheet_id, reason=reason).id
    _done, problem = await _run(request, action, reason=reason or None)
    if problem is None:
        return RedirectResponse(f"/inventory/counts/{sheet_id}/review?done={decision}",
                                status_code=303)
    return _review_page(request, sheet_id, status=problem.pop("status"), reason=reason,
                        **problem)


@router.post("/inventory/counts/{sheet_id}/approve", response_class=HTMLResponse)
async def approve_count(request: Request, sheet_id: PathId, _: Actor = require(STOCK_ADJUST)
                        ) -> Response:
    return await _decide(request, sheet_id, "approve")


@router.post("/inventory/counts/{sheet_id}/reject", response_class=HTMLResponse)
async def reject_count(request: Request, sheet_id: PathId, _: Actor = require(STOCK_ADJUST)
                       ) -> Response:
    return await _decide(request, sheet_id, "reject")
