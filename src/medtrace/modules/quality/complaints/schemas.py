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
