"""Inventory: locations (sites, warehouses, zones, bins, and virtual locations for partners,
production, scrap, adjustment and transit), the stock ledger (append-only moves) and the
balances the moves keep."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from medtrace.modules import traceability
from medtrace.modules.inventory.rules import LocationKind, StockStatus, VirtualRole
from medtrace.platform.audit import Audited
from medtrace.platform.db.base import Base, utcnow
from medtrace.platform.i18n import N_, translate


class Location(Audited, Base):
    __tablename__ = "inventory_location"
    __audit_label__ = N_("Location")
    __audit_link__ = "/inventory/locations"
    __audit_fields__: ClassVar[dict[str, str]] = {
        "parent_id": N_("Parent location"),
        "stock_status": N_("Stock status"),
        "temperature_zone": N_("Temperature zone"),
        "role": N_("Role"),
    }
    __audit_ref__ = "code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))  # site, warehouse, zone, bin, virtual
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("inventory_location.id"),
                                                  nullable=True, index=True)
    # quarantine, available, rejected, returns, hold; None: as the parent
    stock_status: Mapped[str | None] = mapped_column(String(12), nullable=True)
    temperature_zone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # supplier, customer, production, scrap, adjustment, transit (virtual locations)
    role: Mapped[str | None] = mapped_column(String(12), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class StockMove(Audited, Base):
    """One movement of goods from one location to another: the only way a quantity changes.
    Append-only (a trigger refuses updates and deletes); a mistake is corrected by a reversing
    move with a reason."""

    __tablename__ = "inventory_stock_move"
    __audit_label__ = N_("Stock move")
    __audit_link__ = "/inventory/moves"
    __audit_fields__: ClassVar[dict[str, str]] = {
        "entered_quantity": N_("Entered quantity"),
        "entered_uom": N_("Entered unit"),
        "from_location_id": N_("From location"),
        "to_location_id": N_("To location"),
        "purpose": N_("Purpose"),
        "reason_code": N_("Reason code"),
        "doc": N_("Document"),
        "reverses_id": N_("Reverses move"),
        "recorded_at": N_("Recorded at"),
    }
    __audit_ref__ = "id"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="positive_quantity"),
        Index("ix_inventory_stock_move_item_at", "item_id", "at"),
        Index("ix_inventory_stock_move_thing", "thing_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                               nullable=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                                nullable=True)
    thing_key: Mapped[int] = mapped_column(Integer, default=0)  # unit, else lot, else 0
    quantity: Mapped[Decimal] = mapped_column()  # in the item's base unit
    entered_quantity: Mapped[Decimal] = mapped_column()
    entered_uom: Mapped[str] = mapped_column(String(10))
    from_location_id: Mapped[int] = mapped_column(ForeignKey("inventory_location.id"),
                                                  index=True)
    to_location_id: Mapped[int] = mapped_column(ForeignKey("inventory_location.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column()
    purpose: Mapped[str] = mapped_column(String(20))
    reason_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    doc: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("inventory_stock_move.id"),
                                                    nullable=True, unique=True)
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Balance(Base):
    """How much of an item (lot, unit) is at an internal location now; kept by the moves in
    their transaction and never negative."""

    __tablename__ = "inventory_balance"
    __table_args__ = (
        UniqueConstraint("location_id", "item_id", "thing_key"),
        CheckConstraint("quantity >= 0", name="not_negative"),
        Index("ix_inventory_balance_item", "item_id", "thing_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("inventory_location.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                               nullable=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                                nullable=True)
    thing_key: Mapped[int] = mapped_column(Integer, default=0)
    quantity: Mapped[Decimal] = mapped_column()
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)



# -------------------- formerly labels.py --------------------
# What the inventory pages and exports call things, as translatable msgids: location kinds,
# stock statuses, roles of virtual locations, move purposes, why stock may not be issued,
# adjustment reasons, and the service's field messages.

KINDS = LocationKind.labels()
STOCK_STATUSES = StockStatus.labels()
ROLES = VirtualRole.labels()
PURPOSES = {"receipt": N_("receipt"), "transfer": N_("transfer"),
            "quarantine": N_("to quarantine or hold"), "release": N_("release"),
            "issue": N_("issue to production"), "ship": N_("shipment"),
            "return_to_supplier": N_("return to supplier"),
            "customer_return": N_("customer return"), "scrap": N_("scrap"),
            "adjustment": N_("adjustment"), "reversal": N_("reversal"),
            "output": N_("production output"),
            "production_return": N_("return from production"),
            "service": N_("spare part fitted in service")}
#: the purposes the transfer form offers
TRANSFER_PURPOSES = ("transfer", "quarantine", "release")
LOT_STATUSES = traceability.LotStatus.labels()
#: ``rules.not_issuable_reason`` answers
NOT_ISSUABLE = {"recalled": N_("the lot is recalled"), "rejected": N_("the lot is rejected"),
                "on_hold": N_("the lot is on hold"),
                "quarantine": N_("the lot is in quarantine (not released)"),
                "expired": N_("expired"),
                "location quarantine": N_("in a quarantine area"),
                "location rejected": N_("in a rejected-goods area"),
                "location returns": N_("in a returns area"),
                "location hold": N_("in a hold area")}
ADJUST_REASONS = {"count_difference": N_("count difference"), "damaged": N_("damaged"),
                  "found": N_("found"), "lost": N_("lost"),
                  "data_correction": N_("data correction"), "other": N_("other")}
#: the reason of the adjustments an approved count posts (not offered on the form)
COUNT_REASON = {"count": N_("approved count")}
#: the service's per-field messages (``errors[].message``), in words a user understands
FIELD_MESSAGES = {
    "same as from": N_("the same as the source location"),
    "virtual on both sides": N_("one side must be a warehouse, zone or bin"),
    "> 0": N_("must be more than zero"),
    "not exact": N_("not a number"),
    "required": N_("required"),
    "other item": N_("belongs to another item"),
    "1 for a serial unit": N_("a serial unit moves as one piece"),
    "in another place": N_("this serial is at another location"),
    "already here": N_("this serial is already here"),
    "unknown": N_("unknown"),
    "taken": N_("this code is taken"),
    "1 to 40 characters": N_("1 to 40 characters"),
    "a virtual location has a role": N_("a virtual location needs a role"),
    "only virtual locations have a role": N_("only virtual locations have a role"),
    "no such item": N_("no such item"),
    "no such lot": N_("no such lot of this item"),
    "no such serial": N_("no such serial number of this item"),
    "no such location": N_("no such location"),
    "give the item": N_("give the item first"),
    "no adjustment location": N_("no virtual adjustment location is set up"),
    # counts (``counts.service``)
    "not a line of this sheet": N_("not a line of this count sheet"),
    "give the line, or the location and the item": N_("give the location and the item"),
    "not a stock-holding location of this sheet": N_("not a location of this count sheet"),
    "not counted on this sheet": N_("this item is not counted on this sheet"),
    "not a serial unit of this item": N_("no such serial number of this item"),
    "required: the item is tracked by serial": N_("required: the item is tracked by serial"),
    "not a lot of this item": N_("no such lot of this item"),
    "the serial unit is not of this lot": N_("the serial number is not of this lot"),
    "required: the item is tracked by lot": N_("required: the item is tracked by lot"),
    "not an exact number": N_("not a number"),
    "negative": N_("cannot be negative"),
    "not a unit of this item": N_("not a unit of this item"),
    "0 or 1 for a serial unit": N_("0 or 1 for a serial unit"),
    "virtual": N_("count a site, warehouse, zone or bin, not a virtual location"),
    "none such": N_("no virtual adjustment location is set up"),
    "too many": N_("too many items"),
}


def label(table: dict[str, str], key: str | None, locale: str) -> str:
    """The translated label of ``key`` (the key itself when it has none; "—" for nothing)."""
    if not key:
        return "—"
    text = table.get(key)
    return translate(text, locale) if text else key


def not_issuable(reason: str | None, locale: str) -> str:
    if not reason:
        return ""
    if reason.startswith("less than "):  # FEFO: "less than N days left"
        days = reason.split()[2]
        return translate(N_("less than %(days)s days of shelf life left"), locale, days=days)
    return label(NOT_ISSUABLE, reason, locale)


def field_message(message: str, locale: str) -> str:
    known = FIELD_MESSAGES.get(message)
    if known:
        return translate(known, locale)
    if message.startswith("a ") and " cannot be inside a " in message:
        return translate(N_("a location of this kind cannot be inside that parent"), locale)
    if message.endswith("belongs to a warehouse"):
        return translate(N_("a zone or bin belongs to a warehouse"), locale)
    if message.startswith("a fraction of a ") or "decimal places" in message:
        return translate(N_("not a whole number of the base unit"), locale)
    return message
