"""Production: work centres and equipment with their calibration and maintenance records, BOM
versions with their routing (operations and in-process checks) under change control, work
orders, their allocations, material issues, outputs, operation records, check results and
labels. Every table is audited, but the per-unit rows of a serialized output (the work order
and the journal's ``produced`` event name them)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import (
    Boolean,
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

#: the labels of production's fields in the audit trail (``__audit_fields__``)
FIELD_LABELS: dict[str, str] = {
    "number": N_("Number"),
    "version": N_("Version"),
    "change_reason": N_("Reason for change"),
    "effective_from": N_("Effective from"),
    "based_on_id": N_("Based on version"),
    "bom_id": N_("BOM version"),
    "line_no": N_("Line"),
    "critical": N_("Critical (must be scanned)"),
    "tracking": N_("Tracking"),
    "priority": N_("Priority"),
    "sequence": N_("Sequence"),
    "work_center_id": N_("Work centre"),
    "equipment_id": N_("Equipment"),
    "instructions": N_("Instructions"),
    "signature": N_("Signature"),
    "operation_id": N_("Operation"),
    "characteristic": N_("Characteristic"),
    "lower": N_("Lower limit"),
    "upper": N_("Upper limit"),
    "unit": N_("Unit"),
    "sample_size": N_("Sample size"),
    "calibration_due": N_("Calibration due"),
    "maintenance_due": N_("Maintenance due"),
    "line_location_id": N_("Line location"),
    "work_order_id": N_("Work order"),
    "bom_line_id": N_("BOM line"),
    "base_quantity": N_("Quantity (base unit)"),
    "output_lot_id": N_("Output lot"),
    "output_unit_id": N_("Output serial unit"),
    "planned_start": N_("Planned start"),
    "released_at": N_("Released at"),
    "completed_at": N_("Completed at"),
    "closed_at": N_("Closed at"),
    "scan": N_("Scanned code"),
    "substitute": N_("Substitute"),
    "returns_id": N_("Returns issue"),
    "stock_move_id": N_("Stock move"),
    "value": N_("Value"),
    "passed": N_("Passed"),
    "disposition": N_("Disposition"),
    "disposition_reason": N_("Reason for the disposition"),
    "performed_on": N_("Performed on"),
    "next_due": N_("Next due"),
    "result": N_("Result"),
    "operator": N_("Operator"),
    "udi": N_("Printed UDI"),
    "copies": N_("Copies"),
    "actor_id": N_("Performed by (user id)"),
    "approved_by": N_("Approved by"),
    "calibration_interval_days": N_("Calibration interval (days)"),
    "certificate": N_("Certificate"),
    "check_id": N_("In-process check"),
    "created_by_id": N_("Created by (user id)"),
    "disposition_at": N_("Decided at"),
    "disposition_by": N_("Decided by"),
    "edge_id": N_("Genealogy link"),
    "factor": N_("Substitute factor"),
    "finished_at": N_("Finished at"),
    "line_id": N_("BOM line"),
    "maintenance_interval_days": N_("Maintenance interval (days)"),
    "object_id": N_("Lot or serial unit"),
    "operator_id": N_("Operator (user id)"),
    "printed_by": N_("Printed by"),
    "produced_quantity": N_("Produced quantity (base unit)"),
    "record_id": N_("Operation record"),
    "recorded_by": N_("Recorded by"),
    "scrapped_quantity": N_("Scrapped quantity (base unit)"),
    "started_at": N_("Started at"),
    "submitted_at": N_("Submitted at"),
    "substitute_id": N_("BOM substitute"),
}


class _Audited(Audited):
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS


class WorkCenter(_Audited, Base):
    """A place where operations are done (an assembly line, a test bench), with the location
    its line-side stock is issued from."""

    __tablename__ = "production_work_center"
    __audit_label__ = N_("Work centre")
    __audit_ref__ = "code"
    __audit_link__ = "/production/equipment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    line_location_id: Mapped[int | None] = mapped_column(ForeignKey("inventory_location.id"),
                                                         nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Equipment(_Audited, Base):
    __tablename__ = "production_equipment"
    __audit_label__ = N_("Equipment")
    __audit_ref__ = "code"
    __audit_link__ = "/production/equipment/{code}"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    work_center_id: Mapped[int | None] = mapped_column(ForeignKey("production_work_center.id"),
                                                       nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="available")
    calibration_interval_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    calibration_due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    maintenance_interval_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    maintenance_due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class EquipmentRecord(_Audited, Base):
    """A calibration, maintenance, repair or status change of equipment (append-only)."""

    __tablename__ = "production_equipment_record"
    __audit_label__ = N_("Equipment record")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    equipment_id: Mapped[int] = mapped_column(ForeignKey("production_equipment.id"),
                                              index=True)
    kind: Mapped[str] = mapped_column(String(16))
    result: Mapped[str] = mapped_column(String(16))
    performed_on: Mapped[dt.date] = mapped_column(Date)
    next_due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(16))  # the equipment's status afterwards
    certificate: Mapped[str] = mapped_column(String(80), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Bom(_Audited, Base):
    """One version of an item's bill of materials and routing. Released through the
    engineering change workflow; a released version never changes."""

    __tablename__ = "production_bom"
    __audit_label__ = N_("BOM version")
    __audit_ref__ = "number"
    __audit_link__ = "/production/boms/{id}"
    __audit_controlled__ = ("status", {"released"})
    __table_args__ = (UniqueConstraint("item_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)  # IP-200/B
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"), index=True)
    version: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12), default="draft")
    change_reason: Mapped[str] = mapped_column(Text, default="")
    effective_from: Mapped[dt.date] = mapped_column(Date)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("production_bom.id"),
                                                    nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    released_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class BomLine(_Audited, Base):
    __tablename__ = "production_bom_line"
    __audit_label__ = N_("BOM line")
    __table_args__ = (CheckConstraint("quantity > 0", name="positive_quantity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bom_id: Mapped[int] = mapped_column(ForeignKey("production_bom.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"))
    quantity: Mapped[Decimal] = mapped_column()  # per unit of the parent, in ``uom``
    uom: Mapped[str] = mapped_column(String(10))
    base_quantity: Mapped[Decimal] = mapped_column()  # per unit, in the component's base unit
    tracking: Mapped[str] = mapped_column(String(12))  # the component's tracking when released
    critical: Mapped[bool] = mapped_column(Boolean, default=True)


class BomSubstitute(_Audited, Base):
    """An alternative component a BOM line allows (lower priority number first). A work order
    uses it only once it is approved for that work order."""

    __tablename__ = "production_bom_substitute"
    __audit_label__ = N_("BOM substitute")
    __table_args__ = (UniqueConstraint("line_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("production_bom_line.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"))
    priority: Mapped[int] = mapped_column(Integer, default=1)
    factor: Mapped[Decimal] = mapped_column(default=Decimal(1))  # its quantity per line quantity


class Operation(_Audited, Base):
    __tablename__ = "production_operation"
    __audit_label__ = N_("Routing operation")
    __table_args__ = (UniqueConstraint("bom_id", "sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bom_id: Mapped[int] = mapped_column(ForeignKey("production_bom.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    work_center_id: Mapped[int] = mapped_column(ForeignKey("production_work_center.id"))
    equipment_id: Mapped[int | None] = mapped_column(ForeignKey("production_equipment.id"),
                                                     nullable=True)
    instructions: Mapped[str] = mapped_column(Text, default="")
    signature: Mapped[str] = mapped_column(String(10), default="none")


class Check(_Audited, Base):
    """An in-process check an operation requires: a characteristic, its limits, its sample
    (results per work order; 0: every unit)."""

    __tablename__ = "production_check"
    __audit_label__ = N_("In-process check")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("production_operation.id"), index=True)
    characteristic: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10), default="numeric")
    lower: Mapped[Decimal | None] = mapped_column(nullable=True)
    upper: Mapped[Decimal | None] = mapped_column(nullable=True)
    unit: Mapped[str] = mapped_column(String(20), default="")
    sample_size: Mapped[int] = mapped_column(Integer, default=1)


class WorkOrder(_Audited, Base):
    __tablename__ = "production_work_order"
    __audit_label__ = N_("Work order")
    __audit_ref__ = "number"
    __audit_link__ = "/production/work-orders/{number}"
    __table_args__ = (CheckConstraint("quantity > 0", name="positive_quantity"),
                      Index("ix_production_work_order_status_seq", "status", "sequence"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"), index=True)
    bom_id: Mapped[int] = mapped_column(ForeignKey("production_bom.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column()
    uom: Mapped[str] = mapped_column(String(10))
    base_quantity: Mapped[Decimal] = mapped_column()
    produced_quantity: Mapped[Decimal] = mapped_column(default=Decimal(0))
    scrapped_quantity: Mapped[Decimal] = mapped_column(default=Decimal(0))
    status: Mapped[str] = mapped_column(String(12), default="planned")
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # the line's order of work
    line_location_id: Mapped[int | None] = mapped_column(ForeignKey("inventory_location.id"),
                                                         nullable=True)
    output_lot_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                                      nullable=True)
    planned_start: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    released_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    completed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class Allocation(_Audited, Base):
    """Stock reserved for a work order at its release, first expired first out."""

    __tablename__ = "production_allocation"
    __audit_label__ = N_("Allocation")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("production_work_order.id"),
                                               index=True)
    bom_line_id: Mapped[int] = mapped_column(ForeignKey("production_bom_line.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                               nullable=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                                nullable=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("inventory_location.id"))
    base_quantity: Mapped[Decimal] = mapped_column()


class SubstituteApproval(_Audited, Base):
    """A BOM substitute approved for one work order (a shortage), signed."""

    __tablename__ = "production_substitute_approval"
    __audit_label__ = N_("Substitute approval")
    __table_args__ = (UniqueConstraint("work_order_id", "substitute_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("production_work_order.id"),
                                               index=True)
    substitute_id: Mapped[int] = mapped_column(ForeignKey("production_bom_substitute.id"))
    reason: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[str] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Issue(_Audited, Base):
    """One scanned component issued to a work order (or, with ``returns_id``, returned from
    it: the reversing record)."""

    __tablename__ = "production_issue"
    __audit_label__ = N_("Material issue")
    __audit_link__ = "/production/work-orders/{work_order_id}"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("production_work_order.id"),
                                               index=True)
    bom_line_id: Mapped[int] = mapped_column(ForeignKey("production_bom_line.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                               nullable=True, index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                                nullable=True, index=True)
    quantity: Mapped[Decimal] = mapped_column()  # as entered, in ``uom``; negative: returned
    uom: Mapped[str] = mapped_column(String(10))
    base_quantity: Mapped[Decimal] = mapped_column()
    substitute: Mapped[bool] = mapped_column(Boolean, default=False)
    output_unit_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                                       nullable=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("inventory_location.id"))
    stock_move_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    edge_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    scan: Mapped[str] = mapped_column(String(400), default="")
    returns_id: Mapped[int | None] = mapped_column(ForeignKey("production_issue.id"),
                                                   nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(80))
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Output(Base):
    """A finished quantity of the work order's lot, or one finished serial unit, reported
    (not audited row by row: the work order's produced quantity and the journal's
    ``produced`` event record it)."""

    __tablename__ = "production_output"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("production_work_order.id"),
                                               index=True)
    lot_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    base_quantity: Mapped[Decimal] = mapped_column()
    location_id: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(80))
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class OperationRecord(_Audited, Base):
    """An operation done for a work order (or for one of its units): who, when, on which
    equipment and its calibration state then."""

    __tablename__ = "production_operation_record"
    __audit_label__ = N_("Operation record")
    __audit_link__ = "/production/work-orders/{work_order_id}"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("production_work_order.id"),
                                               index=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("production_operation.id"))
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    equipment_id: Mapped[int | None] = mapped_column(ForeignKey("production_equipment.id"),
                                                     nullable=True)
    calibration_due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    operator: Mapped[str] = mapped_column(String(80))
    operator_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class CheckResult(_Audited, Base):
    __tablename__ = "production_check_result"
    __audit_label__ = N_("Check result")
    __audit_link__ = "/production/work-orders/{work_order_id}"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("production_work_order.id"),
                                               index=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("production_check.id"))
    record_id: Mapped[int] = mapped_column(ForeignKey("production_operation_record.id"))
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    value: Mapped[str] = mapped_column(String(40))
    passed: Mapped[bool] = mapped_column(Boolean)
    disposition: Mapped[str | None] = mapped_column(String(12), nullable=True)
    disposition_reason: Mapped[str] = mapped_column(Text, default="")
    disposition_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    disposition_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Label(_Audited, Base):
    """A UDI label printed for an output lot or unit."""

    __tablename__ = "production_label"
    __audit_label__ = N_("Label")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("production_work_order.id"),
                                               index=True)
    object_id: Mapped[int] = mapped_column(Integer, index=True)
    udi: Mapped[str] = mapped_column(String(200))
    copies: Mapped[int] = mapped_column(Integer, default=1)
    printed_by: Mapped[str] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
