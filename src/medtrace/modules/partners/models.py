"""Partners: suppliers, customers and manufacturers; their qualification documents;
first-operation approvals (首营审核); the approved-supplier list."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from medtrace.platform.audit import Audited
from medtrace.platform.db.base import Base, utcnow
from medtrace.platform.esign import AUTHOR, SignaturePolicy


class Partner(Audited, Base):
    __tablename__ = "partners_partner"
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
