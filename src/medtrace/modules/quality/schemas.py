"""Quality input schemas (one per write action) and read shapes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from medtrace.modules.quality.rules import CharacteristicKind

MAX_ID = 2**63 - 1
MAX_QUANTITY = Decimal(10) ** 18
Level = Literal["S-1", "S-2", "S-3", "S-4", "I", "II", "III"]
SeverityName = Literal["normal", "tightened", "reduced"]


class SignatureIn(BaseModel):
    """An electronic signature: the signed-in user re-authenticates with the password."""

    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=256)
    meaning: str = Field(min_length=1, max_length=40,
                         description="released (release), rejected (rejection); a concession's "
                                     "second signature: approved")


class ResultIn(BaseModel):
    characteristic: int = Field(ge=1, le=50, description="The characteristic's position")
    sample: int = Field(ge=1, le=10**7, description="The sample's number, from 1")
    passed: bool | None = Field(default=None, description="Visual, functional, document")
    value: Decimal | None = Field(default=None, gt=-MAX_QUANTITY, lt=MAX_QUANTITY,
                                  description="Dimensional: the measured value")
    note: str = Field(default="", max_length=200)


class ResultsEntry(BaseModel):
    results: list[ResultIn] = Field(min_length=1, max_length=20000)


class DecisionIn(BaseModel):
    signature: SignatureIn
    to_location: str | None = Field(default=None, min_length=1, max_length=40,
                                    description="Where the goods go (default: see docs)")
    comment: str = Field(default="", max_length=500)


class ConcessionIn(BaseModel):
    signature: SignatureIn
    reason: str = Field(min_length=1, max_length=1000,
                        description="Why the nonconforming goods may be used (让步接收)")
    to_location: str | None = Field(default=None, min_length=1, max_length=40)


class CharacteristicWrite(BaseModel):
    kind: CharacteristicKind
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=100)
    lower: Decimal | None = Field(default=None, gt=-MAX_QUANTITY, lt=MAX_QUANTITY)
    upper: Decimal | None = Field(default=None, gt=-MAX_QUANTITY, lt=MAX_QUANTITY)
    unit: str | None = Field(default=None, min_length=1, max_length=10)
    aql: str = Field(min_length=1, max_length=6, description="One of ISO 2859-1's AQLs")
    inspection_level: Level = "II"
    critical: bool = False


class PlanWrite(BaseModel):
    characteristics: list[CharacteristicWrite] = Field(min_length=1, max_length=50)
    note: str = Field(default="", max_length=500)


class SwitchingUpdate(BaseModel):
    reduced_approved: bool | None = None
    production_steady: bool | None = None
    resume: bool = Field(default=False, description="Resume discontinued inspection")
    reason: str = Field(min_length=1, max_length=500)


# --- reads ---------------------------------------------------------------------------------------
class SamplingPlanRead(BaseModel):
    code_letter: str
    sample_size: int
    accept: int
    reject: int
    plan_letter: str | None = Field(default=None, description="Where the arrows led")
    inspect_all: bool | None = Field(default=None,
                                     description="The sample reaches the lot: inspect 100 %")


class CharacteristicRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    position: int
    kind: str
    name_zh: str
    name_en: str
    lower: Decimal | None
    upper: Decimal | None
    unit: str | None
    aql: str
    inspection_level: str
    critical: bool


class PlanRead(BaseModel):
    item_id: int
    item_code: str
    version: int  # 0: no plan, the default one applies
    note: str
    characteristics: list[CharacteristicRead]


class SamplePlanRead(CharacteristicRead):
    severity: str
    code_letter: str
    plan_letter: str
    sample_size: int
    accept: int
    reject: int
    inspect_all: bool
    to_inspect: int
    entered: int = 0
    nonconforming: int = 0
    verdict: str | None = None


class InspectionRead(BaseModel):
    number: str
    item_id: int
    item_code: str
    lot_id: int | None
    lot: str | None
    unit_count: int
    quantity: Decimal
    uom: str
    lot_size: int
    location_code: str
    supplier_id: int | None
    source_document: str
    purchase_order: str | None
    received_by: int | None
    severity: str
    status: str
    verdict: str | None
    reason: str | None
    opened_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None
    nonconformance: str | None
    supplier_discontinued: bool
    characteristics: list[SamplePlanRead] = Field(default_factory=list)


class InspectionPage(BaseModel):
    items: list[InspectionRead]
    total: int
    limit: int
    offset: int


class NonconformanceRead(BaseModel):
    number: str
    item_id: int
    item_code: str
    lot_id: int | None
    lot: str | None
    quantity: Decimal
    uom: str
    description: str
    inspection: str | None
    status: str
    opened_at: dt.datetime


class NonconformancePage(BaseModel):
    items: list[NonconformanceRead]
    total: int
    limit: int
    offset: int


class ItemSwitchingRead(BaseModel):
    item_id: int
    item_code: str
    severity: str
    score: int
    discontinued: bool
    reduced_approved: bool


class SupplierQualityRead(BaseModel):
    partner_id: int
    since: dt.datetime
    until: dt.datetime
    lots: int
    rejected: int
    rejection_rate: float | None
    items: list[ItemSwitchingRead]


class SwitchingRead(BaseModel):
    supplier_id: int
    item_id: int
    item_code: str
    severity: str
    score: int
    discontinued: bool
    reduced_approved: bool
    production_steady: bool
    history: list[dict[str, Any]]
