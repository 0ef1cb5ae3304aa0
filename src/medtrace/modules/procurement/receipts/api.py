"""Receiving API (a WMS calls it): ``POST /api/v1/receipts`` with raw scans, receipts, returns
of rejected goods to the supplier, supplier performance."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from medtrace.modules import partners
from medtrace.modules.procurement.permissions import ORDER_VIEW, RECEIVE, RETURN
from medtrace.modules.procurement.receipts import queries, service
from medtrace.modules.procurement.receipts.schemas import (
    ReceiptAnswer,
    ReceiptCreate,
    ReturnAnswer,
    ReturnCreate,
)
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.params import Offset

router = APIRouter(prefix="/api/v1", tags=["procurement"])


@router.post("/receipts", status_code=201, summary="Receive scanned goods into quarantine",
             operation_id="createReceipt")
def create_receipt(request: Request, body: ReceiptCreate, actor: Actor = require(RECEIVE)
                   ) -> ReceiptAnswer:
    with new_uow(request, write=True) as uow:
        result = service.receive_goods(uow, data=body, actor=actor)
        return ReceiptAnswer(number=result.receipt.number, purchase_order=result.order.number,
                             order_status=result.order.status, lots=result.lots,
                             inspection=result.inspections[0] if result.inspections else None,
                             inspections=result.inspections)


@router.get("/receipts", summary="Receipts (newest first)")
def list_receipts(request: Request, limit: int = Query(50, ge=1, le=500), offset: Offset = 0,
                  _: Actor = require(ORDER_VIEW)) -> dict[str, Any]:
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_receipts(uow, limit=limit, offset=offset)
        return {"items": [queries.receipt_view(uow, r) for r in rows], "total": total}


@router.get("/receipts/{number}", summary="One receipt", operation_id="getReceipt")
def get_receipt(request: Request, number: str, _: Actor = require(ORDER_VIEW)) -> dict[str, Any]:
    with new_uow(request, write=False) as uow:
        return queries.receipt_view(uow, service.get_receipt_or_raise(uow, number[:40]))


@router.post("/supplier-returns", status_code=201,
             summary="Return rejected goods to their supplier", operation_id="returnToSupplier")
def return_to_supplier(request: Request, body: ReturnCreate, actor: Actor = require(RETURN)
                       ) -> ReturnAnswer:
    with new_uow(request, write=True) as uow:
        row = service.return_to_supplier(uow, data=body, actor=actor)
        return ReturnAnswer(number=row.number,
                            supplier=service.supplier_code(uow, row.supplier_id),
                            item=body.item, lot=body.lot, quantity=str(row.base_quantity),
                            units=row.unit_count)


@router.get("/suppliers/{code}/performance", summary="Supplier performance in a period",
            operation_id="supplierPerformance")
def supplier_performance(request: Request, code: str,
                         days: int = Query(90, ge=1, le=3660),
                         _: Actor = require(ORDER_VIEW)) -> dict[str, Any]:
    with new_uow(request, write=False) as uow:
        supplier = partners.get_partner_by_code(uow, code[:40])
        if supplier is None:
            raise partners.PartnerNotFound(f"no partner {code}")
        return queries.supplier_performance(uow, supplier_id=supplier.id, days=days)
