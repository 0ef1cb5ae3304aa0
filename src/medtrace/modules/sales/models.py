"""Sales and distribution: each customer's sales terms, ship-to addresses and shelf-life
minimums; the price list; quotations and sales orders with their lines; FEFO allocations;
picks scanned on the handheld; SSCC packages; shipments with their lines and certificates of
conformity; customer returns with their disposition. Every table is audited. What went where
is also in traceability's journal (packed, shipped, delivered, returned events)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from medtrace.platform.audit import Audited
from medtrace.platform.db.base import Base, utcnow
from medtrace.platform.i18n import N_

#: the labels of sales' fields in the audit trail (``__audit_fields__``)
FIELD_LABELS: dict[str, str] = {
    "partner_id": N_("Customer"),
    "customer_id": N_("Customer"),
    "credit_limit": N_("Credit limit (CNY)"),
    "min_remaining_days": N_("Minimum remaining shelf life (days)"),
    "payment_days": N_("Payment terms (days)"),
    "note": N_("Note"),
    "code": N_("Code"),
    "name": N_("Name"),
    "address": N_("Address"),
    "contact": N_("Contact"),
    "phone": N_("Phone"),
    "gln": N_("GLN"),
    "active": N_("Active"),
    "item_id": N_("Item"),
    "currency": N_("Currency"),
    "uom": N_("Unit"),
    "list_price": N_("List price"),
    "floor_price": N_("Lowest price without approval"),
    "number": N_("Number"),
    "ship_to_id": N_("Ship-to"),
    "status": N_("Status"),
    "exchange_rate": N_("Exchange rate to CNY"),
    "total": N_("Total"),
    "total_cny": N_("Total in CNY"),
    "customer_reference": N_("Customer reference"),
    "requested_date": N_("Requested date"),
    "exceptions": N_("Approval reasons"),
    "created_by_id": N_("Created by (user id)"),
    "created_by": N_("Created by"),
    "submitted_at": N_("Submitted at"),
    "decided_at": N_("Decided at"),
    "order_id": N_("Sales order"),
    "line_no": N_("Line"),
    "quantity": N_("Quantity"),
    "base_quantity": N_("Quantity (base unit)"),
    "unit_price": N_("Unit price"),
    "shipped_base_quantity": N_("Shipped (base unit)"),
    "returned_base_quantity": N_("Returned (base unit)"),
    "shortage": N_("Why short"),
    "order_line_id": N_("Sales order line"),
    "lot_id": N_("Lot"),
    "unit_id": N_("Serial unit"),
    "location_id": N_("Location"),
    "picked_base_quantity": N_("Picked (base unit)"),
    "scan": N_("Scanned code"),
    "picked_at": N_("Picked at"),
    "picked_by": N_("Picked by"),
    "package_id": N_("Package"),
    "shipment_id": N_("Shipment"),
    "sscc": N_("SSCC"),
    "kind": N_("Kind"),
    "parent_id": N_("Packed in"),
    "trace_object_id": N_("Traceability object"),
    "packed_at": N_("Packed at"),
    "packed_by": N_("Packed by"),
    "shipped_at": N_("Shipped at"),
    "shipped_by": N_("Shipped by"),
    "carrier": N_("Carrier"),
    "tracking_number": N_("Tracking number"),
    "delivered_at": N_("Delivered at"),
    "received_by": N_("Received by"),
    "received_by_id": N_("Received by (user id)"),
    "delivery_remark": N_("Proof of delivery note"),
    "event_ids": N_("Journal events"),
    "shipment_line_id": N_("Shipment line"),
    "reason": N_("Reason"),
    "received_at": N_("Received at"),
    "disposition": N_("Disposition"),
    "findings": N_("Inspection findings"),
    "decided_by": N_("Decided by"),
    "signature_id": N_("Signature"),
    "return_id": N_("Customer return"),
    "lot_code": N_("Lot number"),
    "serials": N_("Serial numbers"),
    "expiry": N_("Expiry date"),
    "made_on": N_("Manufacture date"),
    "released_on": N_("Released on"),
    "released_by": N_("Released by"),
    "issued_at": N_("Date of issue"),
    "addressee": N_("Customer and ship-to as shipped"),
    "registration_number": N_("Registration certificate number"),
    "registration_expiry": N_("Registration valid until"),
}


class Customer(Audited, Base):
    """A customer's sales terms (the partner itself and its licences are partners')."""

    __tablename__ = "sales_customer"
    __audit_label__ = N_("Customer sales terms")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __audit_link__ = "/sales/customers/{partner_id}"
    __table_args__ = (CheckConstraint("credit_limit >= 0", name="credit_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners_partner.id"), unique=True)
    credit_limit: Mapped[Decimal | None] = mapped_column(nullable=True)  # CNY; None: no limit
    min_remaining_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    payment_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class ShipTo(Audited, Base):
    """A delivery address of a customer (a hospital's central store, a distributor's DC)."""

    __tablename__ = "sales_ship_to"
    __audit_label__ = N_("Ship-to address")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __audit_link__ = "/sales/customers/{partner_id}"
    __audit_ref__ = "code"
    __table_args__ = (UniqueConstraint("partner_id", "code", name="uq_sales_ship_to_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners_partner.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(500))
    contact: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    gln: Mapped[str | None] = mapped_column(String(13), nullable=True)
    active: Mapped[bool] = mapped_column(default=True)


class ShelfLifeRule(Audited, Base):
    """The minimum remaining shelf life a customer accepts for one item (overrides the
    customer's general minimum and the item's)."""

    __tablename__ = "sales_shelf_life_rule"
    __audit_label__ = N_("Customer shelf-life rule")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __audit_link__ = "/sales/customers/{partner_id}"
    __table_args__ = (UniqueConstraint("partner_id", "item_id", name="uq_sales_shelf_life"),
                      CheckConstraint("min_remaining_days >= 0", name="days_not_negative"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners_partner.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"))
    min_remaining_days: Mapped[int] = mapped_column(Integer)


class Price(Audited, Base):
    """The list price of an item in a currency and unit, and the lowest price sales may give
    without an approval."""

    __tablename__ = "sales_price"
    __audit_label__ = N_("List price")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __audit_link__ = "/sales/prices"
    __table_args__ = (UniqueConstraint("item_id", "currency", "uom", name="uq_sales_price"),
                      CheckConstraint("list_price >= 0", name="list_not_negative"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    uom: Mapped[str] = mapped_column(String(10))
    list_price: Mapped[Decimal] = mapped_column()
    floor_price: Mapped[Decimal | None] = mapped_column(nullable=True)


class SalesOrder(Audited, Base):
    __tablename__ = "sales_order"
    __audit_label__ = N_("Sales order")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __audit_link__ = "/sales/orders/{number}"
    __audit_ref__ = "number"
    __table_args__ = (Index("ix_sales_order_customer_status", "customer_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("partners_partner.id"))
    ship_to_id: Mapped[int] = mapped_column(ForeignKey("sales_ship_to.id"))
    status: Mapped[str] = mapped_column(String(20), index=True)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    exchange_rate: Mapped[Decimal | None] = mapped_column(nullable=True)  # CNY per unit
    total: Mapped[Decimal] = mapped_column(default=Decimal(0))
    total_cny: Mapped[Decimal] = mapped_column(default=Decimal(0))
    customer_reference: Mapped[str] = mapped_column(String(60), default="")
    requested_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    #: why the order needs an approval (credit, price), as ``{"code", "message", ...}``
    exceptions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class OrderLine(Audited, Base):
    __tablename__ = "sales_order_line"
    __audit_label__ = N_("Sales order line")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __table_args__ = (CheckConstraint("quantity > 0", name="positive_quantity"),
                      CheckConstraint("unit_price >= 0", name="price_not_negative"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column()
    uom: Mapped[str] = mapped_column(String(10))
    base_quantity: Mapped[Decimal] = mapped_column()
    unit_price: Mapped[Decimal] = mapped_column()  # per `uom`, in the order's currency
    shipped_base_quantity: Mapped[Decimal] = mapped_column(default=Decimal(0))
    returned_base_quantity: Mapped[Decimal] = mapped_column(default=Decimal(0))
    #: why the last allocation fell short: ``[{"reason", "quantity", "lot", "location"}]``
    shortage: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class Allocation(Audited, Base):
    """Stock set aside for an order line (FEFO): a lot or serial unit at a location. Picking
    reduces it; what another order may allocate excludes it."""

    __tablename__ = "sales_allocation"
    __audit_label__ = N_("Allocation")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __table_args__ = (CheckConstraint("base_quantity > 0", name="positive_quantity"),
                      Index("ix_sales_allocation_stock", "location_id", "item_id", "lot_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("sales_order_line.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                               nullable=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                                nullable=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("inventory_location.id"))
    base_quantity: Mapped[Decimal] = mapped_column()


class Pick(Audited, Base):
    """One scan at picking: what goes out for an order line, from where. Open until shipped."""

    __tablename__ = "sales_pick"
    __audit_label__ = N_("Pick")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __table_args__ = (CheckConstraint("base_quantity > 0", name="positive_quantity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("sales_order_line.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                               nullable=True, index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                                nullable=True, index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("inventory_location.id"))
    base_quantity: Mapped[Decimal] = mapped_column()
    scan: Mapped[str] = mapped_column(String(400))
    status: Mapped[str] = mapped_column(String(10), default="open")
    package_id: Mapped[int | None] = mapped_column(ForeignKey("sales_package.id"),
                                                   nullable=True, index=True)
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("sales_shipment.id"),
                                                    nullable=True, index=True)
    picked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    picked_by: Mapped[str] = mapped_column(String(80))


class Package(Audited, Base):
    """A case or pallet with its SSCC (a container in traceability), packed for an order."""

    __tablename__ = "sales_package"
    __audit_label__ = N_("Package")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __audit_ref__ = "sscc"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id"), index=True)
    sscc: Mapped[str] = mapped_column(String(18), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # case, pallet
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("sales_package.id"),
                                                  nullable=True, index=True)
    trace_object_id: Mapped[int] = mapped_column(ForeignKey("traceability_object.id"))
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("sales_shipment.id"),
                                                    nullable=True, index=True)
    packed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    packed_by: Mapped[str] = mapped_column(String(80))


class Shipment(Audited, Base):
    __tablename__ = "sales_shipment"
    __audit_label__ = N_("Shipment")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __audit_link__ = "/sales/shipments/{number}"
    __audit_ref__ = "number"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("partners_partner.id"), index=True)
    ship_to_id: Mapped[int] = mapped_column(ForeignKey("sales_ship_to.id"))
    status: Mapped[str] = mapped_column(String(12), default="shipped")
    shipped_at: Mapped[dt.datetime] = mapped_column()
    shipped_by: Mapped[str] = mapped_column(String(80))
    carrier: Mapped[str] = mapped_column(String(100), default="")
    tracking_number: Mapped[str] = mapped_column(String(60), default="")
    delivered_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    received_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    delivery_remark: Mapped[str] = mapped_column(Text, default="")
    #: the journal's shipped events (the advance ship notice is rendered from them)
    event_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: the customer's names and the ship-to address as they were when the goods left: a
    #: delivery note printed again shows them, not what the master data says later
    addressee: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ShipmentLine(Audited, Base):
    """A lot quantity or a serial unit that went out, from where, in which package."""

    __tablename__ = "sales_shipment_line"
    __audit_label__ = N_("Shipment line")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __table_args__ = (CheckConstraint("base_quantity > 0", name="positive_quantity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("sales_shipment.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("sales_order_line.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("partners_partner.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                               nullable=True, index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                                nullable=True, index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("inventory_location.id"))
    package_id: Mapped[int | None] = mapped_column(ForeignKey("sales_package.id"),
                                                   nullable=True)
    base_quantity: Mapped[Decimal] = mapped_column()
    returned_base_quantity: Mapped[Decimal] = mapped_column(default=Decimal(0))


class Certificate(Audited, Base):
    """A certificate of conformity (合格证) of one lot in one shipment, or of the serial units
    of an item that have no lot (``serials``)."""

    __tablename__ = "sales_certificate"
    __audit_label__ = N_("Certificate of conformity")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __audit_ref__ = "number"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("sales_shipment.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                               nullable=True)
    lot_code: Mapped[str] = mapped_column(String(64))
    serials: Mapped[list[str]] = mapped_column(JSON, default=list)
    base_quantity: Mapped[Decimal] = mapped_column()
    made_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    expiry: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    released_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    released_by: Mapped[str] = mapped_column(String(100), default="")
    #: the item's registration certificate as it was at shipment
    registration_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    registration_expiry: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CustomerReturn(Audited, Base):
    __tablename__ = "sales_return"
    __audit_label__ = N_("Customer return")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __audit_link__ = "/sales/returns/{number}"
    __audit_ref__ = "number"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("partners_partner.id"), index=True)
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("sales_shipment.id"),
                                                    nullable=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("inventory_location.id"))
    reason: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(12), default="open")
    received_at: Mapped[dt.datetime] = mapped_column()
    received_by: Mapped[str] = mapped_column(String(80))
    received_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ReturnLine(Audited, Base):
    """A returned lot quantity or serial unit, traced to the shipment line it went out on; in
    quarantine until QA releases it back to stock or scraps it."""

    __tablename__ = "sales_return_line"
    __audit_label__ = N_("Customer return line")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __table_args__ = (CheckConstraint("base_quantity > 0", name="positive_quantity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("sales_return.id"), index=True)
    shipment_line_id: Mapped[int] = mapped_column(ForeignKey("sales_shipment_line.id"),
                                                  index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                               nullable=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                                nullable=True)
    base_quantity: Mapped[Decimal] = mapped_column()
    scan: Mapped[str] = mapped_column(String(400))
    disposition: Mapped[str] = mapped_column(String(12), default="pending")
    findings: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    signature_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


# The workflow record type ``sales.order`` registers itself with the models, so that any
# process that knows the tables (server, worker, CLI) can run the order approvals.
from medtrace.modules.sales.service import orders as _orders  # noqa: E402, F401
