"""Events of the catalog module (see ``medtrace.platform.events`` and docs/events.md).

- ``ItemCreated``: a new item (in status draft), with its base unit and tracking.
- ``ItemStatusChanged``: an item was activated, made obsolete or reactivated; PLM and ERP
  integrations mirror what may be bought, made and sold from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from medtrace.platform.events import Event


@dataclass(frozen=True)
class ItemCreated(Event):
    type = "catalog.item.created"
    version = 1

    item_id: int
    code: str
    kind: str | None
    tracking: str
    base_uom: str


@dataclass(frozen=True)
class ItemStatusChanged(Event):
    type = "catalog.item.status_changed"
    version = 1

    item_id: int
    code: str
    old_status: str
    new_status: str


def item_created(item: Any) -> ItemCreated:
    return ItemCreated(item_id=item.id, code=item.code, kind=item.kind, tracking=item.tracking,
                       base_uom=item.base_uom)
