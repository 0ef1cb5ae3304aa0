"""Purchasing reads: order lists with filters, one order with everything its page shows,
requisitions, and the dashboard figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from medtrace.modules import catalog, partners
from medtrace.modules.procurement import rules
from medtrace.modules.procurement.models import (
    Amendment,
    OrderLine,
    PurchaseOrder,
    Receipt,
    Requisition,
    RequisitionLine,
    SupplierReturn,
)
from medtrace.modules.procurement.rules import OrderStatus
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.platform.web.dashboard import Figure, count


def amount(value: Decimal | None) -> str:
    """A quantity or price as exact text without trailing zeros."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def list_orders(uow: UnitOfWork, *, status: str | None = None, supplier: str | None = None,
                limit: int = 50, offset: int = 0) -> tuple[list[PurchaseOrder], int]:
    query = select(PurchaseOrder)
    if status:
        query = query.where(PurchaseOrder.status == status)
    if supplier:
        found = partners.get_partner_by_code(uow, supplier.strip())
        query = query.where(PurchaseOrder.supplier_id == (found.id if found else -1))
    total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = uow.session.scalars(query.order_by(PurchaseOrder.id.desc()).limit(limit)
                               .offset(offset))
    return list(rows), int(total)


def _lines(uow: UnitOfWork, order_ids: list[int]) -> dict[int, list[OrderLine]]:
    found: dict[int, list[OrderLine]] = {i: [] for i in order_ids}
    if order_ids:
        for line in uow.session.scalars(select(OrderLine).where(
                OrderLine.order_id.in_(order_ids)).order_by(OrderLine.line_no)):
            found[line.order_id].append(line)
    return found


def order_views(uow: UnitOfWork, orders: list[PurchaseOrder]) -> list[dict[str, Any]]:
    """The API shape of orders (``OrderRead``)."""
    lines = _lines(uow, [o.id for o in orders])
    codes = partners.partner_codes(uow, {o.supplier_id for o in orders})
    item_ids = {line.item_id for group in lines.values() for line in group}
    items = {i: catalog.get_item_or_raise(uow, i) for i in item_ids}
    return [{
        "id": order.id, "number": order.number, "status": order.status,
        "supplier": codes.get(order.supplier_id, ""), "currency": order.currency,
        "exchange_rate": amount(order.exchange_rate) or None, "total": amount(order.total),
        "total_cny": amount(order.total_cny), "note": order.note,
        "created_by": order.created_by, "created_at": order.created_at,
        "lines": [{
            "line_no": line.line_no, "item": items[line.item_id].code,
            "quantity": amount(line.quantity), "uom": line.uom,
            "base_quantity": amount(line.base_quantity),
            "base_uom": items[line.item_id].base_uom, "unit_price": amount(line.unit_price),
            "amount": amount(rules.line_amount(line.quantity, line.unit_price)),
            "requested_date": line.requested_date,
            "received_base_quantity": amount(line.received_base_quantity),
            "returned_base_quantity": amount(line.returned_base_quantity),
        } for line in lines[order.id]],
    } for order in orders]


def order_view(uow: UnitOfWork, order: PurchaseOrder) -> dict[str, Any]:
    return order_views(uow, [order])[0]


def amendments(uow: UnitOfWork, order_id: int) -> list[Amendment]:
    return list(uow.session.scalars(select(Amendment).where(Amendment.order_id == order_id)
                                    .order_by(Amendment.id)))


def receipts_of(uow: UnitOfWork, order_id: int) -> list[Receipt]:
    return list(uow.session.scalars(select(Receipt).where(Receipt.order_id == order_id)
                                    .order_by(Receipt.id)))


def returns_of(uow: UnitOfWork, order_id: int) -> list[SupplierReturn]:
    return list(uow.session.scalars(select(SupplierReturn).where(
        SupplierReturn.order_id == order_id).order_by(SupplierReturn.id)))


def list_requisitions(uow: UnitOfWork, *, limit: int = 50, offset: int = 0
                      ) -> tuple[list[dict[str, Any]], int]:
    total = uow.session.scalar(select(func.count(Requisition.id))) or 0
    rows = list(uow.session.scalars(select(Requisition).order_by(Requisition.id.desc())
                                    .limit(limit).offset(offset)))
    return [requisition_view(uow, row) for row in rows], int(total)


def requisition_view(uow: UnitOfWork, row: Requisition) -> dict[str, Any]:
    lines = list(uow.session.scalars(select(RequisitionLine).where(
        RequisitionLine.requisition_id == row.id).order_by(RequisitionLine.id)))
    codes = partners.partner_codes(uow, {line.supplier_id for line in lines
                                         if line.supplier_id})
    orders = list(uow.session.scalars(select(PurchaseOrder.number).where(
        PurchaseOrder.requisition_id == row.id).order_by(PurchaseOrder.id)))
    return {"id": row.id, "number": row.number, "status": row.status, "note": row.note,
            "requested_by": row.requested_by, "orders": orders,
            "lines": [{"item": catalog.get_item_or_raise(uow, line.item_id).code,
                       "quantity": amount(line.quantity), "uom": line.uom,
                       "supplier": codes.get(line.supplier_id) if line.supplier_id else None,
                       "unit_price": amount(line.unit_price) or None,
                       "currency": line.currency,
                       "requested_date": str(line.requested_date)
                       if line.requested_date else None} for line in lines]}


def status_counts(uow: UnitOfWork) -> dict[str, int]:
    return {status: int(n) for status, n in uow.session.execute(
        select(PurchaseOrder.status, func.count()).group_by(PurchaseOrder.status))}


def order_figures(uow: UnitOfWork) -> list[Figure]:
    counts = status_counts(uow)
    return [
        count(N_("Orders in approval"), counts.get(OrderStatus.SUBMITTED, 0),
              "/procurement/orders?status=submitted"),
        count(N_("Orders to receive"), counts.get(OrderStatus.APPROVED, 0)
              + counts.get(OrderStatus.PARTLY_RECEIVED, 0),
              "/procurement/orders?status=approved"),
    ]
