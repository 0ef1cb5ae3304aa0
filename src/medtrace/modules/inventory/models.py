"""Inventory: locations (sites, warehouses, zones, bins, and virtual locations for partners,
production, scrap, adjustment and transit), the stock ledger (append-only moves) and the
balances the moves keep."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

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

from medtrace.platform.audit import Audited
from medtrace.platform.db.base import Base, utcnow


class Location(Audited, Base):
    __tablename__ = "inventory_location"
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
