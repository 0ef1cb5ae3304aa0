"""Purchasing: requisitions, purchase orders and their amendments, receipts by UDI scan, and
returns to the supplier. Every table is audited but the receipt's serial lists, which live in
traceability's journal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from medtrace.platform.audit import Audited
from medtrace.platform.db.base import Base, utcnow
from medtrace.platform.i18n import N_

#: the labels of purchasing's fields in the audit trail (``__audit_fields__``)
FIELD_LABELS: dict[str, str] = {
    "number": N_("Number"),
    "requested_by": N_("Requested by"),
    "requisition_id": N_("Purchase requisition"),
    "supplier_id": N_("Supplier"),
    "base_quantity": N_("Quantity (base unit)"),
    "unit_price": N_("Unit price"),
    "currency": N_("Currency"),
    "requested_date": N_("Requested date"),
    "order_line_id": N_("Purchase order line"),
    "order_id": N_("Purchase order"),
    "line_no": N_("Line"),
    "exchange_rate": N_("Exchange rate to CNY"),
    "total": N_("Total"),
    "total_cny": N_("Total in CNY"),
    "created_by_id": N_("Created by (user id)"),
    "submitted_at": N_("Submitted at"),
    "decided_at": N_("Decided at"),
    "received_base_quantity": N_("Received (base unit)"),
    "returned_base_quantity": N_("Returned (base unit)"),
    "changes": N_("Changes"),
    "receipt_id": N_("Goods receipt"),
    "received_at": N_("Received at"),
    "received_on": N_("Received on"),
    "received_by_id": N_("Received by (user id)"),
    "scan": N_("Scanned code"),
    "gtin": N_("GTIN"),
    "lot_code": N_("Lot number"),
    "expiry": N_("Expiry date"),
    "serial_count": N_("Serial numbers"),
    "on_time": N_("On time"),
    "inspection": N_("Inspection"),
    "unit_count": N_("Serial units"),
    "from_location_id": N_("From location"),
}


class Requisition(Audited, Base):
    """A request to buy: becomes one or more purchase orders (one per supplier)."""

    __tablename__ = "procurement_requisition"
    __audit_label__ = N_("Purchase requisition")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __audit_link__ = "/procurement/requisitions/{id}"
    __audit_ref__ = "number"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="open")
    note: Mapped[str] = mapped_column(Text, default="")
    requested_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class RequisitionLine(Audited, Base):
    __tablename__ = "procurement_requisition_line"
    __audit_label__ = N_("Requisition line")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __table_args__ = (CheckConstraint("quantity > 0", name="positive_quantity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    requisition_id: Mapped[int] = mapped_column(ForeignKey("procurement_requisition.id"),
                                                index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("partners_partner.id"),
                                                    nullable=True)
    quantity: Mapped[Decimal] = mapped_column()
    uom: Mapped[str] = mapped_column(String(10))
    base_quantity: Mapped[Decimal] = mapped_column()
    unit_price: Mapped[Decimal | None] = mapped_column(nullable=True)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    requested_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    order_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("procurement_order_line.id"), nullable=True)


class PurchaseOrder(Audited, Base):
    __tablename__ = "procurement_order"
    __audit_label__ = N_("Purchase order")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __audit_link__ = "/procurement/orders/{id}"
    __audit_ref__ = "number"
    __table_args__ = (Index("ix_procurement_order_supplier_status", "supplier_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("partners_partner.id"))
    requisition_id: Mapped[int | None] = mapped_column(
        ForeignKey("procurement_requisition.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    exchange_rate: Mapped[Decimal | None] = mapped_column(nullable=True)  # CNY per unit
    total: Mapped[Decimal] = mapped_column(default=Decimal(0))  # in the order's currency
    total_cny: Mapped[Decimal] = mapped_column(default=Decimal(0))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # user id
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class OrderLine(Audited, Base):
    __tablename__ = "procurement_order_line"
    __audit_label__ = N_("Purchase order line")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __table_args__ = (CheckConstraint("quantity > 0", name="positive_quantity"),
                      CheckConstraint("unit_price >= 0", name="price_not_negative"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("procurement_order.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column()
    uom: Mapped[str] = mapped_column(String(10))
    base_quantity: Mapped[Decimal] = mapped_column()
    unit_price: Mapped[Decimal] = mapped_column()  # per `uom`, in the order's currency
    requested_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    received_base_quantity: Mapped[Decimal] = mapped_column(default=Decimal(0))
    returned_base_quantity: Mapped[Decimal] = mapped_column(default=Decimal(0))


class Amendment(Audited, Base):
    """A change, cancellation or short close of an order, with its reason and what changed."""

    __tablename__ = "procurement_amendment"
    __audit_label__ = N_("Purchase order amendment")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("procurement_order.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # change, cancel, close
    reason: Mapped[str] = mapped_column(String(500))
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Receipt(Audited, Base):
    __tablename__ = "procurement_receipt"
    __audit_label__ = N_("Goods receipt")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __audit_link__ = "/procurement/receipts/{number}"
    __audit_ref__ = "number"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("procurement_order.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("partners_partner.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("inventory_location.id"))
    received_at: Mapped[dt.datetime] = mapped_column()
    received_on: Mapped[dt.date] = mapped_column(Date)  # plant-local day, for on-time rates
    received_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor: Mapped[str] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(Text, default="")


class ReceiptLine(Audited, Base):
    """One scanned line: a lot of an item (with its serials counted, listed in the journal)."""

    __tablename__ = "procurement_receipt_line"
    __audit_label__ = N_("Goods receipt line")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __table_args__ = (CheckConstraint("quantity > 0", name="positive_quantity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("procurement_receipt.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("procurement_order_line.id"),
                                               index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                               nullable=True, index=True)
    quantity: Mapped[Decimal] = mapped_column()
    uom: Mapped[str] = mapped_column(String(10))
    base_quantity: Mapped[Decimal] = mapped_column()
    scan: Mapped[str] = mapped_column(String(400))
    gtin: Mapped[str | None] = mapped_column(String(14), nullable=True)
    lot_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    expiry: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    serial_count: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[bool] = mapped_column(default=True)
    inspection: Mapped[str | None] = mapped_column(String(40), nullable=True)


class SupplierReturn(Audited, Base):
    """Rejected goods sent back to the supplier."""

    __tablename__ = "procurement_return"
    __audit_label__ = N_("Return to supplier")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __audit_ref__ = "number"
    __table_args__ = (CheckConstraint("base_quantity > 0", name="positive_quantity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("partners_partner.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("procurement_order.id"),
                                                 nullable=True)
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("procurement_receipt.id"),
                                                   nullable=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                               nullable=True)
    base_quantity: Mapped[Decimal] = mapped_column()
    unit_count: Mapped[int] = mapped_column(Integer, default=0)
    from_location_id: Mapped[int] = mapped_column(ForeignKey("inventory_location.id"))
    reason: Mapped[str] = mapped_column(String(500))
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


# The workflow record type ``procurement.order`` registers itself with the models, so that any
# process that knows the tables (server, worker, CLI) can run the order approvals.
from medtrace.modules.procurement import service as _service  # noqa: E402, F401
