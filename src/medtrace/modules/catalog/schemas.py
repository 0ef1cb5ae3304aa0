from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ConversionIn(BaseModel):
    uom: str = Field(min_length=1, max_length=10)
    factor: Decimal = Field(gt=0, lt=10**12, description="Base units in one of this unit (exact)")


class PackagingIn(BaseModel):
    level: int = Field(ge=0, le=9)
    name: str = Field(min_length=1, max_length=50)
    gtin: str = Field(min_length=8, max_length=14)
    quantity: Decimal = Field(gt=0, lt=10**9, description="Units of the level below (1 at level 0)")
    uom: str | None = Field(default=None, max_length=10)
    alt_agency: str | None = Field(default=None, max_length=8,
                                   description="HIBCC or ICCBBA, when the label carries its DI")
    alt_di: str | None = Field(default=None, max_length=40,
                               description="HIBCC: LIC + product number + unit of measure digit; "
                                           "ICCBBA: ISBT 128 product code (=/...)")


class ItemWrite(BaseModel):
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    base_uom: str = Field(default="EA", min_length=1, max_length=10)
    category: str | None = Field(default=None, max_length=100)
    class_cn: str | None = Field(default=None, max_length=4)
    class_us: str | None = Field(default=None, max_length=4)
    class_eu: str | None = Field(default=None, max_length=4)
    tracking: str = Field(default="lot", max_length=12)
    kind: Literal["finished", "subassembly", "component"] = "finished"
    shelf_life_days: int | None = Field(default=None, ge=0, le=36500)
    min_remaining_shelf_life_days: int | None = Field(default=None, ge=0, le=36500)
    certificate_required: bool = Field(default=False, description="Every shipped lot gets a "
                                       "certificate of conformity (合格证)")
    storage_min_c: Decimal | None = Field(default=None, ge=-273, le=1000)
    storage_max_c: Decimal | None = Field(default=None, ge=-273, le=1000)
    registration_number: str | None = Field(default=None, max_length=100)
    registration_expiry: dt.date | None = None
    manufacturer_id: int | None = Field(default=None, ge=1, le=2**63 - 1)
    notes: str = Field(default="", max_length=4000)
    conversions: list[ConversionIn] = Field(default_factory=list, max_length=50)
    packaging: list[PackagingIn] = Field(default_factory=list, max_length=10)
    custom_fields: dict[str, Any] = Field(default_factory=dict, max_length=200)


class ItemCreate(ItemWrite):
    code: str = Field(min_length=1, max_length=40)


class ItemUpdate(ItemWrite):
    pass


class ConversionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    uom: str
    factor: Decimal


class PackagingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    level: int
    name: str
    gtin: str
    quantity: Decimal
    uom: str | None
    alt_agency: str | None = None
    alt_di: str | None = None


class ItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    name_zh: str
    name_en: str
    base_uom: str
    category: str | None
    class_cn: str | None
    class_us: str | None
    class_eu: str | None
    tracking: str
    kind: str
    shelf_life_days: int | None
    min_remaining_shelf_life_days: int | None
    certificate_required: bool = False
    storage_min_c: Decimal | None
    storage_max_c: Decimal | None
    registration_number: str | None
    registration_expiry: dt.date | None
    manufacturer_id: int | None
    status: str
    notes: str
    conversions: list[ConversionRead]
    packaging: list[PackagingRead]
    custom_fields: dict[str, Any] = Field(default_factory=dict)


class ItemPage(BaseModel):
    items: list[ItemRead]
    total: int
    limit: int
    offset: int


class StatusChange(BaseModel):
    status: str = Field(max_length=10)
    reason: str | None = Field(default=None, max_length=500)


class ScanIn(BaseModel):
    code: str = Field(max_length=4000, description="What the scanner sent (GS as \\u001d)")
