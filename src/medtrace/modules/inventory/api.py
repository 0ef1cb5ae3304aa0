"""Inventory API: locations, stock on hand, moves (a WMS posts them with an Idempotency-Key),
reversals, FEFO suggestions, reconciliation."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from medtrace.modules.inventory import queries, service
from medtrace.modules.inventory.permissions import (
    LOCATION_EDIT,
    STOCK_ADJUST,
    STOCK_MOVE,
    STOCK_VIEW,
)
from medtrace.modules.inventory.schemas import LocationCreate, MoveCreate, MoveReverse
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.params import MAX_ID, MAX_QUANTITY, Offset, PathId, QueryId

router = APIRouter(prefix="/api/v1/inventory", tags=["inventory"])


@router.get("/locations", summary="Location tree")
def list_locations(request: Request, _: Actor = require(STOCK_VIEW)) -> list[dict[str, Any]]:
    with new_uow(request, write=False) as uow:
        return queries.location_tree(uow)


@router.post("/locations", status_code=201, summary="Create a location")
def create_location(request: Request, body: LocationCreate,
                    _: Actor = require(LOCATION_EDIT)) -> dict[str, Any]:
    with new_uow(request, write=True) as uow:
        row = service.create_location(uow, **body.model_dump())
        return {"id": row.id, "code": row.code, "kind": row.kind}


@router.get("/balances", summary="Stock on hand (filters, paginated)")
def list_balances(request: Request, location: str | None = None, item_id: QueryId = None,
                  lot_id: QueryId = None,
                  expiring_within_days: int | None = Query(None, ge=0, le=3650),
                  issuable: bool | None = Query(None, description="true: only stock that may "
                                                "be issued or shipped; false: only the rest"),
                  limit: int = Query(100, ge=1, le=1000), offset: Offset = 0,
                  _: Actor = require(STOCK_VIEW)) -> dict[str, Any]:
    with new_uow(request, write=False) as uow:
        where = service.get_location_or_raise(uow, location) if location else None
        rows, total = queries.balances(uow, queries.BalanceFilter(
            location=where, item_id=item_id, lot_id=lot_id,
            expiring_within_days=expiring_within_days, issuable=issuable),
            limit=limit, offset=offset)
        return {"items": rows, "total": total, "limit": limit, "offset": offset}


@router.get("/moves", summary="Move history (filters, paginated)")
def list_moves(request: Request, item_id: QueryId = None, location: str | None = None,
               doc: str | None = None, limit: int = Query(100, ge=1, le=1000),
               offset: Offset = 0, _: Actor = require(STOCK_VIEW)) -> dict[str, Any]:
    with new_uow(request, write=False) as uow:
        where = service.get_location_or_raise(uow, location) if location else None
        rows, total = queries.moves(uow, item_id=item_id, location=where, doc=doc, limit=limit,
                                    offset=offset)
        return {"items": rows, "total": total, "limit": limit, "offset": offset}


@router.post("/moves", status_code=201, summary="Post a stock move")
def post_move(request: Request, body: MoveCreate, actor: Actor = require(STOCK_MOVE)
              ) -> dict[str, Any]:
    with new_uow(request, write=True) as uow:
        move = service.post_move(uow, move=body, actor=actor)
        return {"id": move.id, "quantity": str(move.quantity), "purpose": move.purpose,
                "thing_key": move.thing_key}


@router.post("/moves/{move_id}/reverse", operation_id="reverseMove",
             status_code=201, summary="Reverse a move")
def reverse(request: Request, move_id: PathId, body: MoveReverse,
            actor: Actor = require(STOCK_ADJUST)) -> dict[str, Any]:
    with new_uow(request, write=True, reason=body.reason) as uow:
        move = service.reverse_move(uow, move_id=move_id, reason=body.reason, actor=actor)
        return {"id": move.id, "reverses_id": move.reverses_id}


@router.get("/fefo", operation_id="suggestFefo",
            summary="Where to pick first (first expired, first out)")
def fefo(request: Request, item_id: Annotated[int, Query(ge=1, le=MAX_ID)],
         quantity: Annotated[Decimal, Query(gt=0, lt=MAX_QUANTITY)], location: str | None = None,
         min_remaining_days: int | None = Query(None, ge=0, le=36500),
         _: Actor = require(STOCK_VIEW)) -> dict[str, Any]:
    with new_uow(request, write=False) as uow:
        where = service.get_location_or_raise(uow, location) if location else None
        return queries.fefo(uow, item_id=item_id, quantity=quantity, within=where,
                            min_remaining_days=min_remaining_days)


@router.get("/reconcile", operation_id="reconcileStock",
            summary="Balances recomputed from the ledger: every difference")
def reconcile(request: Request, _: Actor = require(STOCK_VIEW)) -> dict[str, Any]:
    with new_uow(request, write=False) as uow:
        differences = queries.reconcile(uow)
        return {"differences": differences, "ok": not differences}
