"""Inventory API for cycle counts and stocktakes (blind count sheets, review, approval),
minimum stock levels and stock alerts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from medtrace.modules.inventory import service
from medtrace.modules.inventory.alerts import queries as alerts
from medtrace.modules.inventory.counts import service as counts
from medtrace.modules.inventory.counts.rules import CountStatus
from medtrace.modules.inventory.counts.schemas import (
    DecisionWrite,
    EntriesWrite,
    MinStockWrite,
    SheetWrite,
)
from medtrace.modules.inventory.permissions import (
    COUNT_MANAGE,
    COUNT_PERFORM,
    MIN_STOCK_EDIT,
    STOCK_ADJUST,
    STOCK_VIEW,
)
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require, require_signed_in
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.params import Offset, PathId

router = APIRouter(prefix="/api/v1/inventory", tags=["inventory counts and alerts"])


# --- count sheets -------------------------------------------------------------------------------
@router.post("/counts", operation_id="createCountSheet",
             status_code=201, summary="Create a count sheet (expected snapshotted)")
def create_sheet(request: Request, body: SheetWrite, _: Actor = require(COUNT_MANAGE)
                 ) -> dict[str, Any]:
    with new_uow(request) as uow:
        sheet = counts.create_count_sheet(uow, location=body.location, item_ids=body.item_ids,
                                          note=body.note)
        return counts.blind_view(uow, sheet)


@router.get("/counts", operation_id="listCountSheets", summary="Count sheets (newest first)")
def list_sheets(request: Request, status: CountStatus | None = None, location: str | None = None,
                limit: int = Query(50, ge=1, le=500), offset: Offset = 0,
                actor: Actor = require_signed_in()) -> dict[str, Any]:
    counts.ensure_may_view(actor)
    with new_uow(request, write=False) as uow:
        where = service.get_location_or_raise(uow, location) if location else None
        rows, total = counts.list_count_sheets(uow, status=status, location=where, limit=limit,
                                               offset=offset)
        return {"items": rows, "total": total, "limit": limit, "offset": offset}


@router.get("/counts/{sheet_id}", operation_id="getCountSheet",
            summary="A count sheet as counters see it (blind)")
def get_sheet(request: Request, sheet_id: PathId, actor: Actor = require_signed_in()
              ) -> dict[str, Any]:
    counts.ensure_may_view(actor)
    with new_uow(request, write=False) as uow:
        return counts.blind_view(uow, counts.get_count_sheet_or_raise(uow, sheet_id))


@router.post("/counts/{sheet_id}/start", operation_id="startCount",
             summary="Open the sheet for counting")
def start(request: Request, sheet_id: PathId, _: Actor = require(COUNT_MANAGE)) -> dict[str, Any]:
    with new_uow(request) as uow:
        return counts.blind_view(uow, counts.start_counting(uow, sheet_id))


@router.post("/counts/{sheet_id}/entries", operation_id="enterCounts",
             summary="Enter counted quantities (also found stock)")
def enter(request: Request, sheet_id: PathId, body: EntriesWrite,
          _: Actor = require(COUNT_PERFORM)) -> dict[str, Any]:
    entries = [counts.CountEntry(**entry.model_dump()) for entry in body.entries]
    with new_uow(request) as uow:
        return counts.blind_view(uow, counts.enter_counts(uow, sheet_id, entries))


@router.post("/counts/{sheet_id}/submit", operation_id="submitCount",
             summary="Close counting; variances are computed")
def submit(request: Request, sheet_id: PathId, _: Actor = require(COUNT_PERFORM)
           ) -> dict[str, Any]:
    with new_uow(request) as uow:
        sheet = counts.submit_count_sheet(uow, sheet_id)
        return {"id": sheet.id, "number": sheet.number, "status": sheet.status}


@router.get("/counts/{sheet_id}/review", operation_id="reviewCount",
            summary="Expected, book and counted quantities and variances (once submitted)")
def review(request: Request, sheet_id: PathId, _: Actor = require(STOCK_ADJUST)) -> dict[str, Any]:
    with new_uow(request, write=False) as uow:
        return counts.review_view(uow, counts.get_count_sheet_or_raise(uow, sheet_id))


@router.post("/counts/{sheet_id}/approve", operation_id="approveCount",
             summary="Approve: post each variance as an adjustment move (not by a counter)")
def approve(request: Request, sheet_id: PathId, body: DecisionWrite,
            _: Actor = require(STOCK_ADJUST)) -> dict[str, Any]:
    with new_uow(request, reason=body.reason) as uow:
        sheet = counts.approve_count_sheet(uow, sheet_id, reason=body.reason,
                                           adjustment_location=body.adjustment_location)
        return counts.review_view(uow, sheet)


@router.post("/counts/{sheet_id}/reject", operation_id="rejectCount",
             summary="Reject: close without touching stock")
def reject(request: Request, sheet_id: PathId, body: DecisionWrite,
           _: Actor = require(STOCK_ADJUST)) -> dict[str, Any]:
    with new_uow(request, reason=body.reason) as uow:
        sheet = counts.reject_count_sheet(uow, sheet_id, reason=body.reason)
        return {"id": sheet.id, "number": sheet.number, "status": sheet.status}


# --- minimum stock and alerts ------------------------------------------------------------------
@router.get("/min-stock", summary="Minimum stock levels per item and site")
def list_min_stock(request: Request, _: Actor = require(STOCK_VIEW)) -> list[dict[str, Any]]:
    with new_uow(request, write=False) as uow:
        return alerts.list_min_stock(uow)


@router.put("/min-stock", summary="Set the minimum stock of an item at a site")
def set_min_stock(request: Request, body: MinStockWrite, _: Actor = require(MIN_STOCK_EDIT)
                  ) -> dict[str, Any]:
    with new_uow(request) as uow:
        row = alerts.set_min_stock(uow, item_id=body.item_id, site=body.site,
                                   quantity=body.quantity, uom=body.uom)
        return {"id": row.id, "item_id": row.item_id, "site_id": row.site_id,
                "min_quantity": str(row.min_quantity)}


@router.delete("/min-stock/{min_stock_id}", status_code=204,
               summary="Remove a minimum stock level")
def remove_min_stock(request: Request, min_stock_id: PathId, _: Actor = require(MIN_STOCK_EDIT)
                     ) -> None:
    with new_uow(request) as uow:
        alerts.remove_min_stock(uow, min_stock_id)


@router.get("/alerts", summary="Expiring lots, stock below minimum, temperature-zone mismatches")
def list_alerts(request: Request, days: int = Query(alerts.DEFAULT_DAYS, ge=0, le=3650),
                _: Actor = require(STOCK_VIEW)) -> dict[str, Any]:
    with new_uow(request, write=False) as uow:
        return alerts.alerts(uow, days=days)
