"""Events of the traceability module (see ``medtrace.platform.events``).

- ``LotStatusChanged``: a lot or serial unit moved to another quality status (released, on
  hold, rejected, recalled...), with the reason given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from medtrace.platform.events import Event


@dataclass(frozen=True)
class LotStatusChanged(Event):
    type = "traceability.lot.status_changed"
    version = 1

    object_id: int
    kind: str  # lot or unit
    item_id: int | None
    code: str
    old_status: str | None
    new_status: str
    reason: str


def lot_status_changed(thing: Any, old_status: str | None, reason: str) -> LotStatusChanged:
    """The event of a status change (``service.change_status`` publishes it)."""
    return LotStatusChanged(object_id=thing.id, kind=thing.kind, item_id=thing.item_id,
                            code=thing.code, old_status=old_status, new_status=thing.status,
                            reason=reason)
