"""Cheap look-ups other modules use in bulk (trace answers, imports): ids to codes and back.

``item_refs`` keeps a small per-process cache: an item's code never changes, and a change of
its kind is seen by this process at once (``forget_item``) and by other processes within
``CACHE_SECONDS``."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

from sqlalchemy import bindparam, select

from medtrace.modules.catalog.models import Item, PackagingLevel
from medtrace.platform.db.uow import UnitOfWork

CACHE_SECONDS = 5.0
_cache: dict[int, tuple[float, str, str]] = {}
_lock = threading.Lock()


def forget_item(item_id: int | None = None) -> None:
    """Drop cached references (one item, or all)."""
    with _lock:
        if item_id is None:
            _cache.clear()
        else:
            _cache.pop(item_id, None)


def item_refs(uow: UnitOfWork, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """``{item id: (code, kind)}`` for the given ids (unknown ids are left out)."""
    now = time.monotonic()
    found: dict[int, tuple[str, str]] = {}
    missing: list[int] = []
    for item_id in {i for i in ids if i is not None}:
        hit = _cache.get(item_id)
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            found[item_id] = (hit[1], hit[2])
        else:
            missing.append(item_id)
    if missing:
        missing.sort()
        query = select(Item.id, Item.code, Item.kind).where(
            Item.id.in_(bindparam("ids", expanding=True)))
        connection = uow.session.connection()
        for start in range(0, len(missing), 900):
            rows = connection.execute(query, {"ids": missing[start:start + 900]}).all()
            with _lock:
                for item_id, code, kind in rows:
                    found[item_id] = (code, kind)
                    if not uow.write:  # only what is committed is cached
                        _cache[item_id] = (now, code, kind)
    return found


def item_ids_by_code(uow: UnitOfWork) -> dict[str, int]:
    """Every item's id by its code (the catalog is small next to the things it describes)."""
    return {code: item_id for item_id, code in uow.session.execute(select(Item.id, Item.code))}


def gtins_by_item(uow: UnitOfWork, ids: Iterable[int]) -> dict[int, str]:
    """``{item id: GTIN of packaging level 0}`` (the unit of use) for the given ids; items
    without a GTIN are left out."""
    wanted = sorted({i for i in ids if i is not None})
    found: dict[int, str] = {}
    query = select(PackagingLevel.item_id, PackagingLevel.gtin).where(
        PackagingLevel.level == 0, PackagingLevel.item_id.in_(bindparam("ids", expanding=True)))
    connection = uow.session.connection()
    for start in range(0, len(wanted), 900):
        found.update(connection.execute(query, {"ids": wanted[start:start + 900]}).all())
    return found


def item_trackings(uow: UnitOfWork) -> dict[int, str]:
    """Every item's tracking (``none``, ``lot``, ``serial``) by id, for bulk loaders."""
    rows = uow.session.execute(select(Item.id, Item.tracking))
    return {item_id: tracking for item_id, tracking in rows}
