"""Partners: suppliers, customers and manufacturers; their qualification documents;
first-operation approvals (首营审核); the approved-supplier list."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from medtrace.platform.audit import Audited
from medtrace.platform.db.base import Base, utcnow
from medtrace.platform.esign import AUTHOR, SignaturePolicy
from medtrace.platform.i18n import N_


class Partner(Audited, Base):
    __tablename__ = "partners_partner"
    __audit_label__ = N_("Partner")
    __audit_link__ = "/partners/{id}"
    __audit_fields__: ClassVar[dict[str, str]] = {
        "is_supplier": N_("Supplier"),
        "is_customer": N_("Customer"),
        "is_manufacturer": N_("Manufacturer"),
        "customer_type": N_("Customer type"),
        "contact_name": N_("Contact"),
    }
    __audit_ref__ = "code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    is_supplier: Mapped[bool] = mapped_column(Boolean, default=False)
    is_customer: Mapped[bool] = mapped_column(Boolean, default=False)
    is_manufacturer: Mapped[bool] = mapped_column(Boolean, default=False)
    customer_type: Mapped[str | None] = mapped_column(String(20), nullable=True)
    country: Mapped[str] = mapped_column(String(2), default="CN")
    address: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(50), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    documents: Mapped[list[QualificationDocument]] = relationship(
        lazy="selectin", order_by="QualificationDocument.id", back_populates="partner"
    )


class QualificationDocument(Audited, Base):
    """A licence, filing, certificate or agreement of a partner, with its scope and validity;
    the attached file is stored with its SHA-256."""

    __tablename__ = "partners_document"
    __audit_label__ = N_("Qualification document")
    __audit_link__ = "/partners/{partner_id}"
    __audit_fields__: ClassVar[dict[str, str]] = {
        "doc_type": N_("Document type"),
        "number": N_("Number"),
        "authority": N_("Issuing authority"),
        "scope_classes": N_("Scope: classes"),
        "scope_categories": N_("Scope: categories"),
        "valid_from": N_("Valid from"),
        "valid_to": N_("Valid to"),
        "file_name": N_("File name"),
        "file_type": N_("File type"),
        "file_size": N_("File size"),
        "file_sha256": N_("File SHA-256"),
        "withdrawn": N_("Withdrawn"),
    }
    __audit_ref__ = "number"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners_partner.id"), index=True)
    doc_type: Mapped[str] = mapped_column(String(40))
    number: Mapped[str] = mapped_column(String(100))
    authority: Mapped[str] = mapped_column(String(200), default="")
    scope_classes: Mapped[list[str]] = mapped_column(JSON, default=list)
    scope_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    valid_from: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    valid_to: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # None: no end
    file_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    file_type: Mapped[str | None] = mapped_column(String(100), nullable=True)
    file_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    file_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    partner: Mapped[Partner] = relationship(back_populates="documents")


class FirstApproval(Audited, Base):
    """首营审核: a new supplier, customer or supplier–item pair, approved by QA's signature
    before it may be used."""

    __tablename__ = "partners_first_approval"
    __audit_label__ = N_("First-business approval")
    __audit_link__ = "/partners/{partner_id}"
    __audit_fields__: ClassVar[dict[str, str]] = {
        "reference": N_("Reference"),
        "requested_by_id": N_("Requested by"),
        "requested_at": N_("Requested at"),
        "decided_at": N_("Decided at"),
    }
    __audit_ref__ = "reference"
    __audit_controlled__ = ("status", {"approved", "rejected"})
    __signatures__ = SignaturePolicy(required={"approved": 1}, must_differ=(("approved", AUTHOR),),
                                     author_attr="requested_by_id")
    __esign_exclude__ = ("status", "decided_at")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # supplier | customer | supplier_item
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners_partner.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_item.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    notes: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class ApprovedSupplier(Audited, Base):
    """The approved-supplier list: which partner may supply which item. Taking a supplier
    off the list (active -> False) needs a reason, recorded in the audit trail."""

    __tablename__ = "partners_approved_supplier"
    __audit_label__ = N_("Approved supplier")
    __audit_link__ = "/partners/approved-suppliers"
    __audit_fields__: ClassVar[dict[str, str]] = {
        "approval_id": N_("Approval"),
        "since": N_("Since"),
    }
    __table_args__ = (UniqueConstraint("item_id", "partner_id"),)
    __audit_controlled__ = ("active", {True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners_partner.id"))
    approval_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners_first_approval.id"), nullable=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    since: Mapped[dt.date] = mapped_column(Date)
