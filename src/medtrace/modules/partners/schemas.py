from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class PartnerWrite(BaseModel):
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    is_supplier: bool = False
    is_customer: bool = False
    is_manufacturer: bool = False
    customer_type: str | None = Field(default=None, max_length=20)
    country: str = Field(default="CN", min_length=2, max_length=2)
    address: str = Field(default="", max_length=500)
    contact_name: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=254)
    active: bool = True
    custom_fields: dict[str, Any] | None = Field(
        default=None, max_length=200,
        description="Custom field values by name; left out on a change: kept")


class PartnerCreate(PartnerWrite):
    code: str = Field(min_length=1, max_length=40)


class DocumentWrite(BaseModel):
    doc_type: str
    number: str = Field(min_length=1, max_length=100)
    authority: str = ""
    scope_classes: list[str] = Field(default_factory=list)
    scope_categories: list[str] = Field(default_factory=list)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class DocumentRead(DocumentWrite):
    model_config = ConfigDict(from_attributes=True)
    id: int
    file_name: str | None
    file_type: str | None
    file_size: int | None
    file_sha256: str | None
    withdrawn: bool


class PartnerRead(PartnerWrite):
    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    qualification: str = Field(default="missing",
                               description="qualified, expiring, expired or missing")
    documents: list[DocumentRead]
    custom_fields: dict[str, Any] = Field(  # type: ignore[assignment]
        default_factory=dict, max_length=200)


class PartnerPage(BaseModel):
    items: list[PartnerRead]
    total: int
    limit: int
    offset: int


class TradeReason(BaseModel):
    code: str
    message: str


class TradeDecisionRead(BaseModel):
    allowed: bool
    reasons: list[TradeReason]


class ApprovalRequest(BaseModel):
    kind: str = Field(max_length=20, description="supplier, customer or supplier_item")
    partner_id: int = Field(ge=1, le=2**63 - 1)
    item_id: int | None = Field(default=None, ge=1, le=2**63 - 1)
    notes: str = Field(default="", max_length=2000)


class ApprovalDecision(BaseModel):
    password: str = Field(min_length=1, max_length=256,
                          description="The signer's password (re-authentication)")
    comment: str | None = Field(default=None, max_length=1000)


class ApprovalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    reference: str
    kind: str
    partner_id: int
    item_id: int | None
    status: str
    notes: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None


class ApprovalPage(BaseModel):
    items: list[ApprovalRead]
    total: int
    limit: int
    offset: int


class ExpiringRead(BaseModel):
    partner: str
    partner_id: int
    document_id: int
    doc_type: str
    number: str
    valid_to: dt.date | None
    days_left: int | None


class ExpiringPage(BaseModel):
    items: list[ExpiringRead]
    total: int
    limit: int
    offset: int


class ApprovedSupplierWrite(BaseModel):
    item_id: int = Field(ge=1, le=2**63 - 1)
    partner_id: int = Field(ge=1, le=2**63 - 1)


class ApprovedSupplierRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    item_id: int
    item_code: str = ""
    partner_id: int
    partner_code: str = ""
    approval_id: int | None
    active: bool
    since: dt.date


class ApprovedSupplierPage(BaseModel):
    items: list[ApprovedSupplierRead]
    total: int
    limit: int
    offset: int
