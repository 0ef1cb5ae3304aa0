"""Custom fields: definitions per entity, and typed values stored so that filters use an
index (one column per value type, indexed with the field)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from medtrace.platform.audit import Audited
from medtrace.platform.db.base import Base, Quantity
from medtrace.platform.i18n import N_


class FieldDefinition(Audited, Base):
    __tablename__ = "customfields_field"
    __audit_label__ = N_("Custom field")
    __audit_link__ = "/admin/custom-fields/{id}"
    __audit_fields__: ClassVar[dict[str, str]] = {
        "unit": N_("Unit"),
        "min_value": N_("Minimum"),
        "max_value": N_("Maximum"),
        "choices": N_("Choices"),
        "reference_entity": N_("Refers to"),
    }
    __table_args__ = (UniqueConstraint("entity", "name"),)
    __audit_ref__ = "name"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(60))
    label_zh: Mapped[str] = mapped_column(String(100))
    label_en: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(12))
    unit: Mapped[str | None] = mapped_column(String(20), nullable=True)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    pattern: Mapped[str | None] = mapped_column(String(200), nullable=True)
    min_value: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    max_value: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    choices: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    reference_entity: Mapped[str | None] = mapped_column(String(60), nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class FieldValue(Audited, Base):
    __tablename__ = "customfields_value"
    __audit_label__ = N_("Custom field value")
    __audit_fields__: ClassVar[dict[str, str]] = {
        "field_id": N_("Custom field"),
        "record_id": N_("Record"),
        "value_text": N_("Text value"),
        "value_number": N_("Number value"),
        "value_date": N_("Date value"),
        "value_bool": N_("Yes/no value"),
    }
    __table_args__ = (
        UniqueConstraint("field_id", "record_id"),
        Index("ix_customfields_value_text", "field_id", "value_text"),
        Index("ix_customfields_value_number", "field_id", "value_number"),
        Index("ix_customfields_value_date", "field_id", "value_date"),
    )
    __audit_ref__ = "record_id"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("customfields_field.id"))
    entity: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[str] = mapped_column(String(100))
    value_text: Mapped[str | None] = mapped_column(String(500), nullable=True)
    value_number: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    value_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    value_bool: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
