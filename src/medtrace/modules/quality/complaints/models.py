"""The complaint record."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from medtrace.platform.audit import Audited
from medtrace.platform.db.base import Base, utcnow
from medtrace.platform.i18n import N_


class Complaint(Audited, Base):
    """One complaint. ``source`` says how it reached the plant (``service_visit``, ``customer``,
    ``sales``, ``field``, ``other``) and ``source_ref`` the record it came from (a follow-up
    visit's number); the device by item and lot or serial unit."""

    __tablename__ = "quality_complaint"
    __audit_label__ = N_("Complaint")
    __audit_link__ = "/quality/complaints/{number}"
    __audit_ref__ = "number"
    __audit_fields__: ClassVar[dict[str, str]] = {
        "number": N_("Number"), "source": N_("Source"), "source_ref": N_("Source record"),
        "received_on": N_("Received on"), "customer_id": N_("Customer"),
        "item_id": N_("Item"), "lot_id": N_("Lot"), "unit_id": N_("Serial unit"),
        "contact": N_("Reported by"), "description": N_("Description"),
        "patient_involved": N_("Patient involved"), "injury": N_("Injury reported"),
        "status": N_("Status"), "opened_by": N_("Opened by"), "opened_at": N_("Opened"),
    }

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    source: Mapped[str] = mapped_column(String(16))
    source_ref: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    received_on: Mapped[dt.date] = mapped_column(Date)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("partners_partner.id"),
                                                    nullable=True, index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_item.id"), nullable=True,
                                                index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                               nullable=True, index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                                nullable=True, index=True)
    contact: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text)
    patient_involved: Mapped[bool] = mapped_column(default=False)
    injury: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(12), default="open")
    opened_by: Mapped[str] = mapped_column(String(100))
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
