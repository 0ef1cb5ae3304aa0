"""Count sheet and minimum-stock input schemas: one per write action."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field

from medtrace.modules.inventory.schemas import MAX_ID, MAX_QUANTITY


class SheetWrite(BaseModel):
    location: str = Field(min_length=1, max_length=40,
                          description="Location code: the subtree to count")
    item_ids: list[int] = Field(default_factory=list, max_length=5000,
                                description="Only these items (empty: every item)")
    note: str = Field(default="", max_length=1000)


class EntryWrite(BaseModel):
    quantity: Decimal = Field(ge=0, lt=MAX_QUANTITY,
                              description="Counted, in `uom` (default the base unit)")
    uom: str | None = Field(default=None, max_length=10)
    line_id: int | None = Field(default=None, ge=1, le=MAX_ID,
                                description="A line of the sheet, or give "
                                                          "location, item and lot or unit")
    location: str | None = Field(default=None, max_length=40, description="Location code")
    item_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    lot_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    unit_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class EntriesWrite(BaseModel):
    entries: list[EntryWrite] = Field(min_length=1, max_length=5000)


class DecisionWrite(BaseModel):
    reason: str = Field(min_length=1, max_length=500)
    adjustment_location: str | None = Field(
        default=None, max_length=40,
        description="Virtual adjustment location code (default: the first one)")


class MinStockWrite(BaseModel):
    item_id: int = Field(ge=1, le=MAX_ID)
    site: str = Field(min_length=1, max_length=40, description="Site (or top-level warehouse) code")
    quantity: Decimal = Field(ge=0, lt=MAX_QUANTITY)
    uom: str | None = Field(default=None, max_length=10)
