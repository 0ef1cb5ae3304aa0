"""Events of the quality module (see ``medtrace.platform.events`` and docs/events.md).

- ``InspectionOpened``: goods wait in quarantine for incoming inspection.
- ``InspectionDecided``: QA released, conditionally released or rejected inspected goods.
- ``NonconformanceOpened``: a rejection opened a nonconformance.
"""

from __future__ import annotations

from dataclasses import dataclass

from medtrace.platform.events import Event


@dataclass(frozen=True)
class InspectionOpened(Event):
    type = "quality.inspection.opened"
    version = 1

    inspection_id: int
    number: str
    item_id: int
    lot_id: int | None
    severity: str


@dataclass(frozen=True)
class InspectionDecided(Event):
    type = "quality.inspection.decided"
    version = 1

    inspection_id: int
    number: str
    verdict: str  # accepted | rejected | conditional
    status: str  # released | rejected | conditional


@dataclass(frozen=True)
class NonconformanceOpened(Event):
    type = "quality.nonconformance.opened"
    version = 1

    nonconformance_id: int
    number: str
    inspection_id: int | None
    item_id: int
    lot_id: int | None
