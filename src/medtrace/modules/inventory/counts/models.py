"""Inventory tables of cycle counts and stocktakes (count sheets and their lines) and of the
minimum stock per item and site that the alerts compare against."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from medtrace.platform.audit import Audited
from medtrace.platform.db.base import Base, utcnow
from medtrace.platform.i18n import N_


class CountSheet(Audited, Base):
    """A count of a location subtree (optionally of some items only): draft -> counting ->
    submitted -> approved | rejected. ``snapshot_move_id`` is the last stock move included in
    the lines' expected quantities."""

    __tablename__ = "inventory_count_sheet"
    __audit_label__ = N_("Count sheet")
    __audit_link__ = "/inventory/counts/{id}"
    __audit_fields__: ClassVar[dict[str, str]] = {
        "item_ids": N_("Items"),
        "snapshot_move_id": N_("Snapshot up to move"),
        "snapshot_at": N_("Snapshot at"),
        "started_by": N_("Started by"),
        "started_at": N_("Started at"),
        "submitted_by": N_("Submitted by"),
        "submitted_at": N_("Submitted at"),
        "decided_by": N_("Decided by"),
        "decided_at": N_("Decided at"),
        "decision_reason": N_("Reason of the decision"),
    }
    __audit_controlled__ = ("status", {"approved", "rejected"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("inventory_location.id"), index=True)
    item_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # empty: every item
    status: Mapped[str] = mapped_column(String(12), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    snapshot_move_id: Mapped[int] = mapped_column(Integer, default=0)
    snapshot_at: Mapped[dt.datetime] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    submitted_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)

    @property
    def number(self) -> str:
        return f"CNT-{self.id:06d}"


class CountLine(Audited, Base):
    """One (location, item, lot or unit) of a count sheet: the quantity the ledger held when the
    sheet was made (never shown to counters), what was counted, and at submission the book
    quantity at the moment of counting and the variance."""

    __tablename__ = "inventory_count_line"
    __audit_label__ = N_("Count line")
    __audit_link__ = "/inventory/counts/{sheet_id}"
    __audit_fields__: ClassVar[dict[str, str]] = {
        "sheet_id": N_("Count sheet"),
        "expected": N_("Expected quantity"),
        "found": N_("Found unexpectedly"),
        "counted": N_("Counted quantity"),
        "counted_by": N_("Counted by"),
        "counted_at": N_("Counted at"),
        "counted_move_id": N_("Counted up to move"),
        "book": N_("Book quantity"),
        "variance": N_("Variance"),
        "adjustment_move_id": N_("Adjustment move"),
    }
    __table_args__ = (
        UniqueConstraint("sheet_id", "location_id", "item_id", "thing_key"),
        CheckConstraint("counted IS NULL OR counted >= 0", name="counted_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("inventory_count_sheet.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("inventory_location.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                               nullable=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                                nullable=True)
    thing_key: Mapped[int] = mapped_column(Integer, default=0)  # unit, else lot, else 0
    expected: Mapped[Decimal] = mapped_column()  # on the ledger at the snapshot
    found: Mapped[bool] = mapped_column(Boolean, default=False)  # added while counting
    counted: Mapped[Decimal | None] = mapped_column(nullable=True)
    counted_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    counted_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    counted_move_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    book: Mapped[Decimal | None] = mapped_column(nullable=True)  # ledger when counted
    variance: Mapped[Decimal | None] = mapped_column(nullable=True)  # counted - book
    adjustment_move_id: Mapped[int | None] = mapped_column(
        ForeignKey("inventory_stock_move.id"), nullable=True)


class MinStock(Audited, Base):
    """The least usable quantity (base unit) of an item that a site (or a top-level warehouse)
    should hold; below it the alerts say so."""

    __tablename__ = "inventory_min_stock"
    __audit_label__ = N_("Minimum stock")
    __audit_fields__: ClassVar[dict[str, str]] = {
        "min_quantity": N_("Minimum quantity"),
    }
    __table_args__ = (
        UniqueConstraint("item_id", "site_id"),
        CheckConstraint("min_quantity >= 0", name="min_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("inventory_location.id"))
    min_quantity: Mapped[Decimal] = mapped_column()
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
