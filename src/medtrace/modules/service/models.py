"""Service: the installed base (where each serial unit is installed, accepted by the customer),
warranty terms and preventive-maintenance intervals per item, service orders with the parts
replaced on them, software and firmware versions per unit with their history, follow-up
visits (售后回访)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from medtrace.platform.audit import Audited
from medtrace.platform.db.base import Base, utcnow
from medtrace.platform.i18n import N_

FIELD_LABELS: dict[str, str] = {
    "number": N_("Number"), "unit_id": N_("Serial unit"), "item_id": N_("Item"),
    "customer_id": N_("Customer"), "site": N_("Site"), "department": N_("Department"),
    "address": N_("Address"), "installed_on": N_("Installed on"),
    "installer": N_("Installer"), "accepted_by": N_("Accepted by (customer)"),
    "accepted_on": N_("Accepted on"), "acceptance_file": N_("Signed acceptance form"),
    "acceptance_sha256": N_("Acceptance form (SHA-256)"), "status": N_("Status"),
    "removed_on": N_("Removed on"), "order_id": N_("Service order"),
    "months": N_("Warranty months"), "basis": N_("Warranty from"),
    "interval_months": N_("Interval (months)"), "type": N_("Type"),
    "technician_id": N_("Technician"), "technician": N_("Technician"),
    "scheduled_for": N_("Scheduled for"), "problem": N_("Problem reported"),
    "report": N_("Service report"), "minutes": N_("Time spent (minutes)"),
    "covered": N_("Under warranty"), "warranty_end": N_("Warranty ends"),
    "started_at": N_("Started"), "completed_at": N_("Completed"),
    "completed_by": N_("Completed by"), "ack_name": N_("Acknowledged by (customer)"),
    "ack_on": N_("Acknowledged on"), "signature_id": N_("Signature"),
    "closed_at": N_("Closed"), "parts_location_id": N_("Spare parts from"),
    "field_action": N_("Field action"), "installation_id": N_("Installation"),
    "removed_id": N_("Removed part"), "fitted_id": N_("Fitted part"),
    "removed_item_id": N_("Removed item"), "fitted_item_id": N_("Fitted item"),
    "quantity": N_("Quantity"), "fitted_quantity": N_("Fitted quantity"),
    "removed_to": N_("Removed part goes"), "return_location_id": N_("Returned to"),
    "parent_id": N_("Fitted into"), "removed_scan": N_("Removed part scan"),
    "fitted_scan": N_("Fitted part scan"), "at": N_("At"), "recorded_by": N_("Recorded by"),
    "kind": N_("Kind"), "version": N_("Version"), "previous": N_("Previous version"),
    "due_on": N_("Due on"), "contact": N_("Contact"), "outcome": N_("Outcome"),
    "notes": N_("Notes"), "complaint_number": N_("Complaint"), "done_at": N_("Done"),
    "done_by": N_("Done by"), "origin_order_id": N_("After service order"),
    "origin_installation_id": N_("After installation"), "created_by": N_("Created by"),
    "last_done_on": N_("Last preventive maintenance"), "cancel_reason": N_("Reason"),
    "acceptance_type": N_("Acceptance form (file type)"), "shipped_on": N_("Shipped on"),
    "description": N_("Description"),
}


class WarrantyTerm(Audited, Base):
    """The warranty of an item: months from installation or from shipment."""

    __tablename__ = "service_warranty_term"
    __audit_label__ = N_("Warranty terms")
    __audit_link__ = "/service/setup"
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"), unique=True)
    months: Mapped[int] = mapped_column(Integer)
    basis: Mapped[str] = mapped_column(String(12))


class MaintenancePlan(Audited, Base):
    """Preventive maintenance of an item: every ``interval_months`` from installation."""

    __tablename__ = "service_maintenance_plan"
    __audit_label__ = N_("Preventive maintenance plan")
    __audit_link__ = "/service/setup"
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"), unique=True)
    interval_months: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")


class Installation(Audited, Base):
    """A serial unit installed at a customer's site and accepted by the customer (a typed name
    and date, or a scanned signed form kept by its SHA-256). One active installation per
    unit; moving the unit ends it (``removed``) and starts another."""

    __tablename__ = "service_installation"
    __audit_label__ = N_("Installation")
    __audit_link__ = "/service/installed-base/{unit_id}"
    __audit_ref__ = "number"
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __table_args__ = (Index("ix_service_installation_unit", "unit_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("traceability_object.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("partners_partner.id"), index=True)
    site: Mapped[str] = mapped_column(String(100))
    department: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    installed_on: Mapped[dt.date] = mapped_column(Date)
    installer: Mapped[str] = mapped_column(String(100))
    accepted_by: Mapped[str] = mapped_column(String(100))
    accepted_on: Mapped[dt.date] = mapped_column(Date)
    acceptance_file: Mapped[str | None] = mapped_column(String(200), nullable=True)
    acceptance_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    acceptance_type: Mapped[str | None] = mapped_column(String(100), nullable=True)
    shipped_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    order_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="active")
    removed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ServiceOrder(Audited, Base):
    """One service job on one serial unit: installation, preventive maintenance, corrective
    repair or a field safety corrective action. Warranty cover is decided when it is opened
    and kept (``covered``, ``warranty_end``)."""

    __tablename__ = "service_order"
    __audit_label__ = N_("Service order")
    __audit_link__ = "/service/orders/{number}"
    __audit_ref__ = "number"
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __table_args__ = (Index("ix_service_order_unit", "unit_id", "status"),
                      Index("ix_service_order_status", "status", "scheduled_for"))
    # the technician signs the report; closing and cancelling do not change what was signed
    __esign_exclude__ = ("status", "signature_id", "closed_at", "cancel_reason")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    type: Mapped[str] = mapped_column(String(14))
    status: Mapped[str] = mapped_column(String(16), default="open")
    unit_id: Mapped[int] = mapped_column(ForeignKey("traceability_object.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("partners_partner.id"),
                                                    nullable=True, index=True)
    installation_id: Mapped[int | None] = mapped_column(ForeignKey("service_installation.id"),
                                                        nullable=True)
    problem: Mapped[str] = mapped_column(Text, default="")
    technician_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    technician: Mapped[str | None] = mapped_column(String(100), nullable=True)
    scheduled_for: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    parts_location_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    field_action: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    covered: Mapped[str] = mapped_column(String(10))
    warranty_end: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    report: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    completed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    completed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    ack_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    ack_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    signature_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    cancel_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Replacement(Audited, Base):
    """A part replaced on a service order: the removed and the fitted lot or unit as scanned,
    where in the unit it sat, how much, where the removed part went."""

    __tablename__ = "service_replacement"
    __audit_label__ = N_("Part replacement")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("service_order.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("traceability_object.id"), index=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("traceability_object.id"))
    removed_id: Mapped[int] = mapped_column(ForeignKey("traceability_object.id"), index=True)
    removed_item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"))
    fitted_id: Mapped[int] = mapped_column(ForeignKey("traceability_object.id"), index=True)
    fitted_item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"))
    quantity: Mapped[Decimal | None] = mapped_column(nullable=True)
    fitted_quantity: Mapped[Decimal | None] = mapped_column(nullable=True)
    removed_to: Mapped[str] = mapped_column(String(12))
    return_location_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    parts_location_id: Mapped[int] = mapped_column(Integer)
    removed_scan: Mapped[str] = mapped_column(String(400))
    fitted_scan: Mapped[str] = mapped_column(String(400))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(100))


class UnitVersion(Audited, Base):
    """A software or firmware version a unit runs from ``at`` on (the latest per kind is the
    current one; the rows are its history), recorded at the factory, at installation or on a
    service order."""

    __tablename__ = "service_unit_version"
    __audit_label__ = N_("Software or firmware version")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __table_args__ = (Index("ix_service_unit_version_unit", "unit_id", "kind", "at"),
                      Index("ix_service_unit_version_version", "kind", "version"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("traceability_object.id"))
    kind: Mapped[str] = mapped_column(String(10))
    version: Mapped[str] = mapped_column(String(40))
    previous: Mapped[str | None] = mapped_column(String(40), nullable=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("service_order.id"), nullable=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(100))


class FollowUpVisit(Audited, Base):
    """A follow-up visit or call (售后回访) after an installation or a repair: its outcome, and
    the complaint it raised in quality (``complaint_number``)."""

    __tablename__ = "service_visit"
    __audit_label__ = N_("Follow-up visit")
    __audit_link__ = "/service/visits/{number}"
    __audit_ref__ = "number"
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __table_args__ = (Index("ix_service_visit_status", "status", "due_on"),
                      UniqueConstraint("origin_order_id"),
                      UniqueConstraint("origin_installation_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("traceability_object.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("partners_partner.id"),
                                                    nullable=True, index=True)
    origin_order_id: Mapped[int | None] = mapped_column(ForeignKey("service_order.id"),
                                                        nullable=True)
    origin_installation_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_installation.id"), nullable=True)
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="scheduled")
    contact: Mapped[str] = mapped_column(String(100), default="")
    outcome: Mapped[str | None] = mapped_column(String(12), nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    complaint_number: Mapped[str | None] = mapped_column(String(20), nullable=True)
    done_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    done_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
