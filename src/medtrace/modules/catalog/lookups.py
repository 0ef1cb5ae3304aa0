"""Cheap look-ups other modules use in bulk (trace answers, imports): ids to codes and back."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from medtrace.modules.catalog.models import Item
from medtrace.platform.db.uow import UnitOfWork


def item_refs(uow: UnitOfWork, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """``{item id: (code, kind)}`` for the given ids (unknown ids are left out)."""
    wanted = sorted({i for i in ids if i is not None})
    found: dict[int, tuple[str, str]] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start:start + 900]
        for row in uow.session.execute(
                select(Item.id, Item.code, Item.kind).where(Item.id.in_(chunk))):
            found[row.id] = (row.code, row.kind)
    return found


def item_ids_by_code(uow: UnitOfWork) -> dict[str, int]:
    """Every item's id by its code (the catalog is small next to the things it describes)."""
    return {code: item_id for item_id, code in uow.session.execute(select(Item.id, Item.code))}
