"""Events of complaints."""

from __future__ import annotations

from dataclasses import dataclass

from medtrace.platform.events import Event


@dataclass(frozen=True)
class ComplaintReceived(Event):
    type = "quality.complaint.received"
    version = 1

    number: str
    source: str
    source_ref: str | None
    customer: str | None
    item: str | None
    lot: str | None
    serial: str | None
    patient_involved: bool
    injury: bool
