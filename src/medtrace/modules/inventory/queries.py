"""The read side of inventory: stock on hand, move history, FEFO picking suggestions,
reconciliation of the balances against the ledger, alerts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from medtrace.modules import catalog, traceability
from medtrace.modules.inventory import rules
from medtrace.modules.inventory.models import Balance, Location, StockMove
from medtrace.modules.inventory.service import is_internal, stock_status_of
from medtrace.platform.db.uow import UnitOfWork


def subtree_ids(uow: UnitOfWork, root: Location) -> list[int]:
    """The location and every location below it."""
    ids, frontier = [root.id], [root.id]
    while frontier:
        frontier = list(uow.session.scalars(select(Location.id).where(
            Location.parent_id.in_(frontier))))
        ids.extend(frontier)
    return ids


def location_tree(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Every location with its depth, in tree order (virtual locations last)."""
    rows = list(uow.session.scalars(select(Location).order_by(Location.code)))
    children: dict[int | None, list[Location]] = defaultdict(list)
    for row in rows:
        children[row.parent_id].append(row)
    out: list[dict[str, Any]] = []

    def walk(parent: int | None, depth: int) -> None:
        for row in sorted(children.get(parent, []), key=lambda r: (r.kind == "virtual", r.code)):
            out.append({"id": row.id, "code": row.code, "name_zh": row.name_zh,
                        "name_en": row.name_en, "kind": row.kind, "depth": depth,
                        "stock_status": row.stock_status,
                        "effective_status": stock_status_of(uow, row),
                        "temperature_zone": row.temperature_zone, "role": row.role,
                        "active": row.active})
            walk(row.id, depth + 1)

    walk(None, 0)
    return out


@dataclass
class BalanceFilter:
    location: Location | None = None
    item_id: int | None = None
    lot_id: int | None = None
    expiring_within_days: int | None = None
    include_zero: bool = False


def balances(uow: UnitOfWork, wanted: BalanceFilter, *, limit: int = 200, offset: int = 0
             ) -> tuple[list[dict[str, Any]], int]:
    """Stock on hand, with each lot's expiry and days left (near expiry highlighted by the
    caller)."""
    query = select(Balance)
    if not wanted.include_zero:
        query = query.where(Balance.quantity > 0)
    if wanted.location is not None:
        query = query.where(Balance.location_id.in_(subtree_ids(uow, wanted.location)))
    if wanted.item_id is not None:
        query = query.where(Balance.item_id == wanted.item_id)
    if wanted.lot_id is not None:
        query = query.where(Balance.lot_id == wanted.lot_id)
    rows = list(uow.session.scalars(query.order_by(Balance.item_id, Balance.location_id,
                                                   Balance.thing_key)))
    today = uow.today()
    out = []
    for row in rows:
        described = _describe(uow, row, today)
        days = described["days_left"]
        if wanted.expiring_within_days is not None and (days is None or
                                                        days > wanted.expiring_within_days):
            continue
        out.append(described)
    return out[offset:offset + limit], len(out)


def _describe(uow: UnitOfWork, row: Balance, today: dt.date) -> dict[str, Any]:
    location = uow.session.get(Location, row.location_id)
    item = catalog.get_item_or_raise(uow, row.item_id)
    lot = traceability.get_object(uow, row.lot_id) if row.lot_id else None
    unit = traceability.get_object(uow, row.unit_id) if row.unit_id else None
    expiry = (unit.expiry_date if unit else None) or (lot.expiry_date if lot else None)
    days = rules.remaining_days(expiry, today)
    status = stock_status_of(uow, location) if location else None
    reason = rules.not_issuable_reason(
        lot_status=(unit or lot).status if (unit or lot) else None, expiry=expiry,
        today=today, location_status=status)
    return {"location": location.code if location else None, "location_id": row.location_id,
            "item": item.code, "item_id": item.id, "lot": lot.code if lot else None,
            "lot_id": row.lot_id, "serial": unit.code if unit else None,
            "unit_id": row.unit_id, "quantity": str(row.quantity), "uom": item.base_uom,
            "expiry": expiry.isoformat() if expiry else None, "days_left": days,
            "lot_status": (unit or lot).status if (unit or lot) else None,
            "location_status": status, "issuable": reason is None, "not_issuable": reason,
            "temperature_zone": location.temperature_zone if location else None,
            "item_storage": [str(item.storage_min_c) if item.storage_min_c is not None else None,
                             str(item.storage_max_c) if item.storage_max_c is not None else None]}


def moves(uow: UnitOfWork, *, item_id: int | None = None, location: Location | None = None,
          thing_key: int | None = None, doc: str | None = None, limit: int = 100,
          offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    query = select(StockMove)
    if item_id is not None:
        query = query.where(StockMove.item_id == item_id)
    if location is not None:
        ids = subtree_ids(uow, location)
        query = query.where(StockMove.from_location_id.in_(ids)
                            | StockMove.to_location_id.in_(ids))
    if thing_key is not None:
        query = query.where(StockMove.thing_key == thing_key)
    if doc:
        query = query.where(StockMove.doc == doc)
    total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = uow.session.scalars(query.order_by(StockMove.at.desc(), StockMove.id.desc())
                               .limit(limit).offset(offset))
    codes = {loc.id: loc.code for loc in uow.session.scalars(select(Location))}
    return [{"id": m.id, "at": m.at.isoformat(), "item_id": m.item_id, "lot_id": m.lot_id,
             "unit_id": m.unit_id, "quantity": str(m.quantity),
             "entered": f"{m.entered_quantity} {m.entered_uom}",
             "from": codes.get(m.from_location_id), "to": codes.get(m.to_location_id),
             "purpose": m.purpose, "reason_code": m.reason_code, "note": m.note,
             "doc": m.doc, "actor": m.actor, "reverses_id": m.reverses_id} for m in rows], total


def fefo(uow: UnitOfWork, *, item_id: int, quantity: Decimal, within: Location | None = None,
         min_remaining_days: int | None = None) -> dict[str, Any]:
    """Where to pick ``quantity`` (base unit) first-expired-first-out: issuable stock only, with
    at least ``min_remaining_days`` of shelf life left (the customer's or the item's minimum)."""
    item = catalog.get_item_or_raise(uow, item_id)
    floor = min_remaining_days if min_remaining_days is not None else \
        item.min_remaining_shelf_life_days
    found, _ = balances(uow, BalanceFilter(location=within, item_id=item_id), limit=100000)
    candidates = []
    skipped = []
    for row in found:
        if not row["issuable"]:
            skipped.append({**row, "why": row["not_issuable"]})
            continue
        if floor is not None and row["days_left"] is not None and row["days_left"] < floor:
            skipped.append({**row, "why": f"less than {floor} days left"})
            continue
        candidates.append(row)
    candidates.sort(key=lambda r: rules.fefo_key(
        dt.date.fromisoformat(r["expiry"]) if r["expiry"] else None, r["lot"], r["location"]))
    picks, left = [], quantity
    for row in candidates:
        if left <= 0:
            break
        take = min(left, Decimal(row["quantity"]))
        picks.append({**row, "pick": str(take)})
        left -= take
    return {"item": item.code, "requested": str(quantity), "picks": picks,
            "short": str(left) if left > 0 else "0", "skipped": skipped}


def reconcile(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Recompute every internal balance from the ledger; each difference with the stored
    balance (an empty list: the balances never lied)."""
    internal = {loc.id for loc in uow.session.scalars(select(Location)) if is_internal(loc)}
    expected: dict[tuple[int, int, int], Decimal] = defaultdict(Decimal)
    query = select(StockMove.item_id, StockMove.thing_key, StockMove.from_location_id,
                   StockMove.to_location_id, StockMove.quantity)
    for item_id, thing_key, source, target, quantity in uow.session.execute(query):
        if source in internal:
            expected[(source, item_id, thing_key)] -= quantity
        if target in internal:
            expected[(target, item_id, thing_key)] += quantity
    stored = {(b.location_id, b.item_id, b.thing_key): b.quantity
              for b in uow.session.scalars(select(Balance))}
    differences = []
    for key in sorted(set(expected) | set(stored)):
        want, have = expected.get(key, Decimal(0)), stored.get(key, Decimal(0))
        if want != have:
            differences.append({"location_id": key[0], "item_id": key[1], "thing_key": key[2],
                                "ledger": str(want), "balance": str(have)})
    return differences
