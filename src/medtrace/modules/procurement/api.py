"""Purchasing API: requisitions, purchase orders (the contract integrators use:
``POST /api/v1/purchase-orders``), submit, amend, cancel, close."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request

from medtrace.modules.procurement import queries, service
from medtrace.modules.procurement.permissions import ORDER_EDIT, ORDER_VIEW, REQUISITION_EDIT
from medtrace.modules.procurement.rules import OrderStatus
from medtrace.modules.procurement.schemas import (
    OrderAmend,
    OrderCreate,
    OrderPage,
    OrderRead,
    OrderReason,
    RequisitionCreate,
    RequisitionPage,
    RequisitionRead,
    RequisitionToOrders,
)
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.params import Offset

router = APIRouter(prefix="/api/v1", tags=["procurement"])
OrderRef = str  # an order's number (PO-2026-00001) or id


@router.get("/purchase-orders", summary="Purchase orders (filters, paginated)")
def list_purchase_orders(request: Request, status: OrderStatus | None = None,
                         supplier: str | None = Query(None, max_length=40,
                                                      description="Partner code"),
                         limit: int = Query(50, ge=1, le=500), offset: Offset = 0,
                         _: Actor = require(ORDER_VIEW)) -> OrderPage:
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_orders(uow, status=status, supplier=supplier, limit=limit,
                                          offset=offset)
        return OrderPage(items=[OrderRead(**v) for v in queries.order_views(uow, rows)],
                         total=total)


@router.post("/purchase-orders", status_code=201, summary="Create a purchase order (draft)",
             operation_id="createPurchaseOrder")
def create_purchase_order(request: Request, body: OrderCreate,
                          actor: Actor = require(ORDER_EDIT)) -> OrderRead:
    with new_uow(request, write=True) as uow:
        order = service.create_order(uow, data=body, actor=actor)
        return OrderRead(**queries.order_view(uow, order))


@router.get("/purchase-orders/{order}", summary="One purchase order",
            operation_id="getPurchaseOrder")
def get_purchase_order(request: Request, order: OrderRef, _: Actor = require(ORDER_VIEW)
                       ) -> OrderRead:
    with new_uow(request, write=False) as uow:
        return OrderRead(**queries.order_view(uow, service.get_order_or_raise(uow, order[:40])))


@router.post("/purchase-orders/{order}/submit", summary="Submit for approval",
             operation_id="submitPurchaseOrder")
def submit_purchase_order(request: Request, order: OrderRef,
                          actor: Actor = require(ORDER_EDIT)) -> OrderRead:
    with new_uow(request, write=True) as uow:
        row = service.submit_order(uow, order_ref=order[:40], actor=actor)
        return OrderRead(**queries.order_view(uow, row))


@router.post("/purchase-orders/{order}/amend", summary="Amend lines, rate or note",
             operation_id="amendPurchaseOrder")
def amend_purchase_order(request: Request, order: OrderRef, body: OrderAmend,
                         actor: Actor = require(ORDER_EDIT)) -> OrderRead:
    with new_uow(request, write=True) as uow:
        row = service.amend_order(uow, order_ref=order[:40], data=body, actor=actor)
        return OrderRead(**queries.order_view(uow, row))


@router.post("/purchase-orders/{order}/cancel", summary="Cancel, with a reason",
             operation_id="cancelPurchaseOrder")
def cancel_purchase_order(request: Request, order: OrderRef, body: OrderReason,
                          actor: Actor = require(ORDER_EDIT)) -> OrderRead:
    with new_uow(request, write=True) as uow:
        row = service.cancel_order(uow, order_ref=order[:40], reason=body.reason, actor=actor)
        return OrderRead(**queries.order_view(uow, row))


@router.post("/purchase-orders/{order}/close", summary="Close (short), with a reason",
             operation_id="closePurchaseOrder")
def close_purchase_order(request: Request, order: OrderRef, body: OrderReason,
                         actor: Actor = require(ORDER_EDIT)) -> OrderRead:
    with new_uow(request, write=True) as uow:
        row = service.close_order(uow, order_ref=order[:40], reason=body.reason, actor=actor)
        return OrderRead(**queries.order_view(uow, row))


@router.get("/requisitions", summary="Purchase requisitions")
def list_requisitions(request: Request, limit: int = Query(50, ge=1, le=500),
                      offset: Offset = 0, _: Actor = require(ORDER_VIEW)) -> RequisitionPage:
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_requisitions(uow, limit=limit, offset=offset)
        return RequisitionPage(items=[RequisitionRead(**r) for r in rows], total=total)


@router.post("/requisitions", status_code=201, summary="Create a purchase requisition")
def create_requisition(request: Request, body: RequisitionCreate,
                       actor: Actor = require(REQUISITION_EDIT)) -> RequisitionRead:
    with new_uow(request, write=True) as uow:
        row = service.create_requisition(uow, data=body, actor=actor)
        return RequisitionRead(**queries.requisition_view(uow, row))


@router.get("/requisitions/{requisition}", summary="One purchase requisition",
            operation_id="getRequisition")
def get_requisition(request: Request, requisition: str, _: Actor = require(ORDER_VIEW)
                    ) -> RequisitionRead:
    with new_uow(request, write=False) as uow:
        row = service.get_requisition_or_raise(uow, requisition[:40])
        return RequisitionRead(**queries.requisition_view(uow, row))


@router.post("/requisitions/{requisition}/orders", status_code=201,
             summary="Turn a requisition into draft orders (one per supplier and currency)",
             operation_id="orderRequisition")
def order_requisition(request: Request, requisition: str, body: RequisitionToOrders,
                      actor: Actor = require(ORDER_EDIT)) -> list[OrderRead]:
    with new_uow(request, write=True) as uow:
        rows = service.order_requisition(uow, requisition_ref=requisition[:40], data=body,
                                         actor=actor)
        return [OrderRead(**v) for v in queries.order_views(uow, rows)]



