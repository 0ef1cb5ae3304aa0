"""Input of a complaint."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

ComplaintSource = Literal["service_visit", "customer", "sales", "field", "other"]


class ComplaintCreate(BaseModel):
    """A complaint about a device: by its lot or serial (a raw UDI scan or the number as
    printed), or by item alone when the customer cannot say which."""

    source: ComplaintSource = "customer"
    source_ref: str | None = Field(default=None, max_length=40,
                                   description="The record it came from (a visit's number)")
    received_on: dt.date | None = Field(default=None, description="Default: today")
    customer: str | None = Field(default=None, max_length=40, description="Partner code")
    scan: str | None = Field(default=None, max_length=400,
                             description="The device's UDI scan, lot number or serial")
    item: str | None = Field(default=None, max_length=40, description="Item code or GTIN")
    contact: str = Field(default="", max_length=100, description="Who reported it")
    description: str = Field(min_length=1, max_length=8000)
    patient_involved: bool = False
    injury: bool = False


class ComplaintRead(BaseModel):
    """A complaint as listed: the device by its codes."""

    number: str
    source: str = Field(description="service_visit, customer, sales, field or other")
    source_ref: str | None = Field(description="The record it came from (a visit's number)")
    received_on: dt.date
    customer: str | None = Field(description="Partner code")
    item: str | None = Field(description="Item code")
    lot: str | None
    serial: str | None
    contact: str
    description: str
    patient_involved: bool
    injury: bool
    status: str
    opened_by: str
    opened_at: dt.datetime


class ComplaintDetail(ComplaintRead):
    """One complaint, with the names of its customer and item and the page of its source."""

    customer_name_zh: str | None = None
    customer_name_en: str | None = None
    item_name_zh: str | None = None
    item_name_en: str | None = None
    source_link: str | None = Field(default=None,
                                    description="The page of the record it came from")


class ComplaintPage(BaseModel):
    items: list[ComplaintRead]
    total: int
    limit: int
    offset: int
