"""Electronic signatures (21 CFR Part 11 §11.50, 11.70, 11.100, 11.200, 11.300)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from medtrace.platform.audit import Audited
from medtrace.platform.db.base import Base, utcnow
from medtrace.platform.i18n import N_


class SignatureMeaning(Audited, Base):
    """The configurable list of what a signature means (authored, reviewed, approved...)."""

    __tablename__ = "esign_meaning"
    __audit_label__ = N_("Signature meaning")
    __table_args__ = {"info": {"reference_data": True}}  # noqa: RUF012 - seeded by migration
    __audit_ref__ = "code"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label_zh: Mapped[str] = mapped_column(String(100))
    label_en: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Signature(Base):
    """One signature, bound to its record by the SHA-256 of the record's canonical content.
    Append-only: database triggers refuse UPDATE and DELETE."""

    __tablename__ = "esign_signature"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(100), index=True)
    entity_id: Mapped[str] = mapped_column(String(100), index=True)
    entity_ref: Mapped[str | None] = mapped_column(String(200), nullable=True)
    meaning: Mapped[str] = mapped_column(ForeignKey("esign_meaning.code"))
    signer_id: Mapped[int] = mapped_column(ForeignKey("auth_user.id"))
    signer_username: Mapped[str] = mapped_column(String(64))
    printed_name: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
