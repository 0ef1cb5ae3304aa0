"""Quality: inspection plans per item, the switching state per supplier and item, inspections
with their frozen sampling plans and results, nonconformances."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from medtrace.platform.audit import Audited
from medtrace.platform.db.base import Base, utcnow
from medtrace.platform.esign import AUTHOR, SignaturePolicy
from medtrace.platform.i18n import N_

#: the audit trail's labels of quality's fields (beside the platform's COMMON_FIELDS)
FIELD_LABELS: dict[str, str] = {
    "plan_id": N_("Inspection plan"), "version": N_("Version"),
    "lower": N_("Lower limit"), "upper": N_("Upper limit"), "unit": N_("Unit"),
    "aql": N_("AQL"), "inspection_level": N_("Inspection level"), "critical": N_("Critical"),
    "supplier_id": N_("Supplier"), "severity": N_("Severity"),
    "score": N_("Switching score"), "recent": N_("Recent lots"),
    "accepted_run": N_("Consecutive lots accepted"),
    "rejected_on_tightened": N_("Lots not accepted on tightened inspection"),
    "discontinued": N_("Discontinued"),
    "reduced_approved": N_("Reduced inspection approved"),
    "production_steady": N_("Production steady"), "history": N_("History"),
    "number": N_("Number"), "lot_code": N_("Lot"), "unit_count": N_("Serial units"),
    "lot_size": N_("Lot size"), "location_code": N_("Location"),
    "source_document": N_("Source document"), "purchase_order": N_("Purchase order"),
    "received_by": N_("Received by"), "plan_version": N_("Plan version"),
    "supplier_discontinued": N_("Supplier discontinued"), "verdict": N_("Verdict"),
    "results_count": N_("Results entered"), "opened_at": N_("Opened"),
    "decided_at": N_("Decided"), "decided_by": N_("Decided by"),
    "nonconformance_id": N_("Nonconformance"), "inspection_id": N_("Inspection"),
    "code_letter": N_("Code letter"), "plan_letter": N_("Plan letter"),
    "sample_size": N_("Sample size"), "accept": N_("Accept (Ac)"), "reject": N_("Reject (Re)"),
    "inspect_all": N_("Every unit inspected"), "to_inspect": N_("Units to inspect"),
    "sample_plan_id": N_("Characteristic"), "sample_no": N_("Sample"),
    "passed": N_("Conforming"), "file_sha256": N_("File (SHA-256)"),
    "file_name": N_("File name"), "file_type": N_("File type"),
    "recorded_by": N_("Recorded by"), "recorded_at": N_("Recorded"), "opened_by": N_("Opened by"),
    "value": N_("Measured value"), "quantity": N_("Quantity"), "uom": N_("Unit"),
    "position": N_("Position"), "reason": N_("Reason"),
}


class InspectionPlan(Audited, Base):
    """The inspection plan of an item: its characteristics. Every change raises the version
    (and is in the audit trail); an inspection keeps a copy of the plan it was opened with."""

    __tablename__ = "quality_plan"
    __audit_label__ = N_("Inspection plan")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __audit_link__ = "/quality/plans/{item_id}"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    note: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Characteristic(Audited, Base):
    __tablename__ = "quality_characteristic"
    __audit_label__ = N_("Inspection characteristic")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __table_args__ = (UniqueConstraint("plan_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("quality_plan.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))  # visual, dimensional, functional, document
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    lower: Mapped[Decimal | None] = mapped_column(nullable=True)
    upper: Mapped[Decimal | None] = mapped_column(nullable=True)
    unit: Mapped[str | None] = mapped_column(String(10), nullable=True)
    aql: Mapped[str] = mapped_column(String(6))
    inspection_level: Mapped[str] = mapped_column(String(4))
    critical: Mapped[bool] = mapped_column(Boolean, default=False)


class SupplierItemState(Audited, Base):
    """Where one supplier's item stands in ISO 2859-1's switching rules."""

    __tablename__ = "quality_switching"
    __audit_label__ = N_("Switching state")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __table_args__ = (UniqueConstraint("supplier_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("partners_partner.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"), index=True)
    severity: Mapped[str] = mapped_column(String(10), default="normal")
    score: Mapped[int] = mapped_column(Integer, default=0)
    recent: Mapped[str] = mapped_column(String(5), default="")  # normal: "A"/"R" per lot
    accepted_run: Mapped[int] = mapped_column(Integer, default=0)
    rejected_on_tightened: Mapped[int] = mapped_column(Integer, default=0)
    discontinued: Mapped[bool] = mapped_column(Boolean, default=False)
    # the responsible authority's approval of reduced inspection (ISO 2859-1, 9.3.4 c)
    reduced_approved: Mapped[bool] = mapped_column(Boolean, default=True)
    production_steady: Mapped[bool] = mapped_column(Boolean, default=True)
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Inspection(Audited, Base):
    __tablename__ = "quality_inspection"
    __audit_label__ = N_("Inspection")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __audit_link__ = "/quality/inspections/{number}"
    __audit_ref__ = "number"
    __audit_ignore__ = ("unit_ids",)
    # the receiver signs nothing; a concession's two signatures come from two people
    __signatures__ = SignaturePolicy(
        must_differ=(("released", AUTHOR), ("rejected", AUTHOR), ("approved", AUTHOR),
                     ("released", "approved")),
        author_attr="received_by")
    # the decision fields change after the signatures: they do not invalidate them
    __esign_exclude__ = ("status", "verdict", "decided_at", "decided_by", "nonconformance_id",
                         "reason", "results_count", "unit_ids")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                               nullable=True, index=True)
    lot_code: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    unit_count: Mapped[int] = mapped_column(Integer, default=0)
    unit_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    quantity: Mapped[Decimal]
    uom: Mapped[str] = mapped_column(String(10))
    lot_size: Mapped[int] = mapped_column(Integer)
    location_code: Mapped[str] = mapped_column(String(40))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("partners_partner.id"),
                                                    nullable=True, index=True)
    source_document: Mapped[str] = mapped_column(String(64), default="")
    purchase_order: Mapped[str | None] = mapped_column(String(64), nullable=True)
    received_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    severity: Mapped[str] = mapped_column(String(10), default="normal")
    plan_version: Mapped[int] = mapped_column(Integer, default=0)  # 0: the default plan
    supplier_discontinued: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    verdict: Mapped[str | None] = mapped_column(String(12), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    results_count: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    nonconformance_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class SamplePlan(Audited, Base):
    """One characteristic of an inspection with the sampling plan computed when it opened."""

    __tablename__ = "quality_sample_plan"
    __audit_label__ = N_("Sampling plan of an inspection")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __table_args__ = (UniqueConstraint("inspection_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("quality_inspection.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    lower: Mapped[Decimal | None] = mapped_column(nullable=True)
    upper: Mapped[Decimal | None] = mapped_column(nullable=True)
    unit: Mapped[str | None] = mapped_column(String(10), nullable=True)
    aql: Mapped[str] = mapped_column(String(6))
    inspection_level: Mapped[str] = mapped_column(String(4))
    critical: Mapped[bool] = mapped_column(Boolean, default=False)
    severity: Mapped[str] = mapped_column(String(10))
    code_letter: Mapped[str] = mapped_column(String(1))
    plan_letter: Mapped[str] = mapped_column(String(1))
    sample_size: Mapped[int] = mapped_column(Integer)
    accept: Mapped[int] = mapped_column(Integer)
    reject: Mapped[int] = mapped_column(Integer)
    inspect_all: Mapped[bool] = mapped_column(Boolean, default=False)
    to_inspect: Mapped[int] = mapped_column(Integer)


class Result(Audited, Base):
    """One sample's result for one characteristic: pass/fail, or a measured value checked
    against the limits, or (document) the attached file."""

    __tablename__ = "quality_result"
    __audit_label__ = N_("Inspection result")
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS
    __table_args__ = (UniqueConstraint("sample_plan_id", "sample_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("quality_inspection.id"), index=True)
    sample_plan_id: Mapped[int] = mapped_column(ForeignKey("quality_sample_plan.id"))
    sample_no: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    value: Mapped[Decimal | None] = mapped_column(nullable=True)
    file_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    file_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    file_type: Mapped[str | None] = mapped_column(String(50), nullable=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Nonconformance(Audited, Base):
    __tablename__ = "quality_nonconformance"
    __audit_label__ = N_("Nonconformance")
    __audit_link__ = "/quality/nonconformances"
    __audit_ref__ = "number"
    __audit_fields__: ClassVar[dict[str, str]] = FIELD_LABELS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                               nullable=True, index=True)
    quantity: Mapped[Decimal]
    uom: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("quality_inspection.id"),
                                                      nullable=True)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("partners_partner.id"),
                                                    nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="open")
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    opened_by: Mapped[str] = mapped_column(String(100))
