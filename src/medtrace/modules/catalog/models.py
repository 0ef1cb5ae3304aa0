"""Catalog tables: units of measure, items (device master data), unit conversions, packaging
levels with their UDI-DIs (GTINs)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from medtrace.platform.audit import Audited
from medtrace.platform.db.base import Base, Quantity, utcnow
from medtrace.platform.i18n import N_


class UnitOfMeasure(Audited, Base):
    __tablename__ = "catalog_uom"
    __audit_label__ = N_("Unit of measure")
    __table_args__ = {"info": {"reference_data": True}}  # noqa: RUF012 - seeded by migration
    __audit_ref__ = "code"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(50))
    name_en: Mapped[str] = mapped_column(String(50))


class Item(Audited, Base):
    __tablename__ = "catalog_item"
    __audit_label__ = N_("Item")
    __audit_link__ = "/catalog/items/{id}"
    __audit_fields__: ClassVar[dict[str, str]] = {
        "base_uom": N_("Base unit"),
        "category": N_("Category"),
        "class_cn": N_("Class (China)"),
        "class_us": N_("Class (USA)"),
        "class_eu": N_("Class (EU)"),
        "tracking": N_("Tracking"),
        "shelf_life_days": N_("Shelf life (days)"),
        "min_remaining_shelf_life_days": N_("Minimum remaining shelf life (days)"),
        "certificate_required": N_("Certificate of conformity with each shipped lot"),
        "storage_min_c": N_("Storage minimum (°C)"),
        "storage_max_c": N_("Storage maximum (°C)"),
        "registration_number": N_("Registration number"),
        "registration_expiry": N_("Registration expiry"),
        "manufacturer_id": N_("Manufacturer"),
    }
    __audit_ref__ = "code"
    __audit_controlled__ = ("status", {"active", "obsolete"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    base_uom: Mapped[str] = mapped_column(ForeignKey("catalog_uom.code"))
    category: Mapped[str | None] = mapped_column(String(100), nullable=True)
    class_cn: Mapped[str | None] = mapped_column(String(5), nullable=True)  # I, II, III
    class_us: Mapped[str | None] = mapped_column(String(5), nullable=True)  # I, II, III
    class_eu: Mapped[str | None] = mapped_column(String(5), nullable=True)  # I, IIa, IIb, III
    tracking: Mapped[str] = mapped_column(String(12), default="lot")
    # What the item is in the bill of materials: finished devices are what a recall counts.
    kind: Mapped[str] = mapped_column(String(12), default="finished", server_default="finished")
    shelf_life_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    min_remaining_shelf_life_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: every shipped lot gets a certificate of conformity (合格证)
    certificate_required: Mapped[bool] = mapped_column(default=False, server_default="0")
    storage_min_c: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    storage_max_c: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    registration_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    registration_expiry: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    manufacturer_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners_partner.id"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(10), default="draft")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    conversions: Mapped[list[UnitConversion]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="UnitConversion.uom"
    )
    packaging: Mapped[list[PackagingLevel]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="PackagingLevel.level"
    )


class UnitConversion(Audited, Base):
    """1 ``uom`` = ``factor`` base units of the item (exact: box = 10 each)."""

    __tablename__ = "catalog_uom_conversion"
    __audit_label__ = N_("Unit conversion")
    __audit_link__ = "/catalog/items/{item_id}"
    __audit_fields__: ClassVar[dict[str, str]] = {
        "factor": N_("Factor"),
    }
    __table_args__ = (UniqueConstraint("item_id", "uom"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"))
    uom: Mapped[str] = mapped_column(ForeignKey("catalog_uom.code"))
    factor: Mapped[Decimal] = mapped_column(Quantity())


class PackagingLevel(Audited, Base):
    """A packaging level of an item with its own UDI-DI: level 0 is the unit of use; each level
    above holds ``quantity`` of the level below."""

    __tablename__ = "catalog_packaging_level"
    __audit_label__ = N_("Packaging level")
    __audit_link__ = "/catalog/items/{item_id}"
    __audit_fields__: ClassVar[dict[str, str]] = {
        "level": N_("Packaging level"),
        "gtin": N_("GTIN"),
        "alt_agency": N_("Other issuing agency"),
        "alt_di": N_("Other device identifier"),
    }
    __table_args__ = (UniqueConstraint("item_id", "level"), UniqueConstraint("gtin"),
                      UniqueConstraint("alt_agency", "alt_di"))
    __audit_ref__ = "gtin"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"))
    level: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(50))
    gtin: Mapped[str] = mapped_column(String(14))
    quantity: Mapped[Decimal] = mapped_column(Quantity())  # of the level below (1 at level 0)
    # The same package's DI from another FDA-accredited issuing agency, when its label carries
    # one: HIBCC (LIC + product code + unit of measure digit) or ICCBBA (ISBT 128 product code).
    alt_agency: Mapped[str | None] = mapped_column(String(8), nullable=True)
    alt_di: Mapped[str | None] = mapped_column(String(40), nullable=True)
    uom: Mapped[str | None] = mapped_column(ForeignKey("catalog_uom.code"), nullable=True)
