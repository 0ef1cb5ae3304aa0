"""Allocation (FEFO over issuable stock, with the customer's shelf-life minimum) and picking
by scan against it. Stock that fails a rule is never allocated silently: the order line keeps
why it is short. Allocated and picked stock stays where it is until the shipment moves it;
what another order may allocate or pick excludes both."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, inventory
from medtrace.modules.sales import rules
from medtrace.modules.sales.errors import OrderStateConflict, ScanRefused
from medtrace.modules.sales.models import Allocation, OrderLine, Pick, SalesOrder
from medtrace.modules.sales.permissions import PICK
from medtrace.modules.sales.schemas import PickIn
from medtrace.modules.sales.service.common import (
    base_quantity,
    ensure_may,
    get_order_or_raise,
    lock_allocations,
    open_picked,
    order_lines,
    problem,
    read_scan,
    shelf_life_floor,
)
from medtrace.platform.actor import Actor
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_

_FAR = dt.date.max


def _key(location_id: int, thing_key: int) -> tuple[int, int]:
    return (location_id, thing_key)


def committed(uow: UnitOfWork, item_id: int, *, besides_line: int | None = None,
              thing: Any = None) -> dict[tuple[int, int], Decimal]:
    """Stock of an item set aside at each (location, lot or unit): other lines' allocations and
    every open pick (picked goods stay in their location until shipped); of one lot or unit
    only, when ``thing`` says which."""
    found: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    allocations = select(Allocation).where(Allocation.item_id == item_id)
    picks = select(Pick).where(Pick.item_id == item_id, Pick.status == rules.PickStatus.OPEN)
    if besides_line is not None:
        allocations = allocations.where(Allocation.order_line_id != besides_line)
    if thing is not None and thing.kind == "unit":
        allocations = allocations.where(Allocation.unit_id == thing.id)
        picks = picks.where(Pick.unit_id == thing.id)
    elif thing is not None:
        allocations = allocations.where(Allocation.lot_id == thing.id,
                                        Allocation.unit_id.is_(None))
        picks = picks.where(Pick.lot_id == thing.id, Pick.unit_id.is_(None))
    for row in uow.session.scalars(allocations):
        found[_key(row.location_id, row.unit_id or row.lot_id or 0)] += row.base_quantity
    for pick in uow.session.scalars(picks):
        found[_key(pick.location_id, pick.unit_id or pick.lot_id or 0)] += pick.base_quantity
    return found


def _thing_key(row: dict[str, Any]) -> int:
    return row["unit_id"] or row["lot_id"] or 0


def _fefo(row: dict[str, Any]) -> tuple[Any, ...]:
    expiry = dt.date.fromisoformat(row["expiry"]) if row["expiry"] else _FAR
    return (expiry, row["lot"] or "", row["serial"] or "", row["location"])


def allocate_line(uow: UnitOfWork, order: SalesOrder, line: OrderLine) -> list[Allocation]:
    """Replace the line's allocations with FEFO picks of issuable stock that keeps at least the
    customer's minimum shelf life, and record why it falls short."""
    for row in uow.session.scalars(select(Allocation).where(
            Allocation.order_line_id == line.id)):
        uow.session.delete(row)
    uow.session.flush()
    item = catalog.get_item_or_raise(uow, line.item_id)
    need = line.base_quantity - line.shipped_base_quantity - open_picked(uow, line.id)
    floor = shelf_life_floor(uow, order.customer_id, item)
    taken = committed(uow, item.id, besides_line=line.id)
    issuable, _ = inventory.balances(uow, inventory.BalanceFilter(item_id=item.id,
                                                                  issuable=True), limit=10**6)
    held, _ = inventory.balances(uow, inventory.BalanceFilter(item_id=item.id,
                                                              issuable=False), limit=10**6)
    short: dict[str, Decimal] = defaultdict(Decimal)
    for row in held:
        short[rules.short_reason(row["not_issuable"])] += Decimal(row["quantity"])
    candidates = []
    for row in sorted(issuable, key=_fefo):
        held_here = Decimal(row["quantity"])
        claimed = min(taken.get(_key(row["location_id"], _thing_key(row)), Decimal(0)),
                      held_here)
        if claimed > 0:
            short["allocated"] += claimed
        free = held_here - claimed
        if free <= 0:
            continue
        if floor is not None and row["days_left"] is not None and row["days_left"] < floor:
            short["shelf_life"] += free
            continue
        candidates.append((row, free))
    made = []
    left = need
    for row, free in candidates:
        if left <= 0:
            break
        take = min(left, free)
        made.append(Allocation(order_line_id=line.id, item_id=item.id, lot_id=row["lot_id"],
                               unit_id=row["unit_id"], location_id=row["location_id"],
                               base_quantity=take))
        left -= take
    uow.session.add_all(made)
    line.shortage = [] if left <= 0 else [
        {"missing": str(left), "min_remaining_days": floor}
        | {"reasons": [{"reason": code, "quantity": str(q)} for code, q in sorted(short.items())]
           or [{"reason": "no_stock", "quantity": "0"}]}]
    uow.session.flush()
    return made


def allocate_order(uow: UnitOfWork, *, ref: str, actor: Actor) -> SalesOrder:
    """Allocate every line that still needs goods (FEFO; see ``allocate_line``)."""
    ensure_may(actor, PICK)
    order = get_order_or_raise(uow, ref)
    if not rules.OrderStatus(order.status).fulfillable:
        raise OrderStateConflict(f"{order.number} is {order.status}: nothing to allocate")
    lock_allocations(uow)
    for line in order_lines(uow, order.id):
        allocate_line(uow, order, line)
    return order


def allocations(uow: UnitOfWork, order_id: int) -> list[Allocation]:
    line_ids = [line.id for line in order_lines(uow, order_id)]
    return list(uow.session.scalars(select(Allocation).where(
        Allocation.order_line_id.in_(line_ids)).order_by(Allocation.order_line_id,
                                                        Allocation.id)))


# --- picking --------------------------------------------------------------------------------------
def _line_for(uow: UnitOfWork, order: SalesOrder, item: Any, field: str) -> OrderLine:
    """The first line of the item that still needs goods."""
    lines = [line for line in order_lines(uow, order.id) if line.item_id == item.id]
    if not lines:
        raise ScanRefused(f"{item.code} is not on {order.number}",
                          errors=[problem(field, N_("this item is not on the order"))])
    for line in lines:
        if line.base_quantity - line.shipped_base_quantity - open_picked(uow, line.id) > 0:
            return line
    raise ScanRefused(f"{item.code} is picked in full",
                      errors=[problem(field, N_("the order needs no more of this item"))])


def _stock_rows(uow: UnitOfWork, item_id: int, thing: Any) -> list[dict[str, Any]]:
    if thing.kind == "unit":
        wanted = inventory.BalanceFilter(item_id=item_id, unit_id=thing.id)
    else:
        wanted = inventory.BalanceFilter(item_id=item_id, lot_id=thing.id)
    rows, _ = inventory.balances(uow, wanted, limit=10**6)
    if thing.kind == "lot":
        rows = [r for r in rows if r["unit_id"] is None]
    return [r for r in rows if r["location_id"] is not None]


def _place(uow: UnitOfWork, line: OrderLine, thing: Any, rows: list[dict[str, Any]],
           location: str | None, field: str, wanted: Decimal | None) -> dict[str, Any]:
    """The stock row the goods are picked from: the location scanned or given, else the one
    allocated, else the only one holding them, else the first holding enough of them."""
    if location:
        wanted = inventory.get_location_or_raise(uow, location.strip())
        rows = [r for r in rows if r["location_id"] == wanted.id]
        if not rows:
            raise ScanRefused(f"{thing.code} is not at {wanted.code}",
                              errors=[problem("location", N_("not in stock at this location"))])
        return rows[0]
    if not rows:
        raise ScanRefused(f"{thing.code} is not in stock",
                          errors=[problem(field, N_("not in stock"))])
    allocated = {a.location_id for a in uow.session.scalars(select(Allocation).where(
        Allocation.order_line_id == line.id,
        (Allocation.unit_id == thing.id) if thing.kind == "unit"
        else (Allocation.lot_id == thing.id) & Allocation.unit_id.is_(None)))}
    for row in rows:
        if row["location_id"] in allocated:
            return row
    issuable = [r for r in rows if r["issuable"]]
    if len(issuable) == 1 or len(rows) == 1:
        return (issuable or rows)[0]
    if wanted is not None:  # the first place (by code) with enough free of it
        taken = committed(uow, line.item_id, besides_line=line.id, thing=thing)
        for row in sorted(issuable, key=lambda r: r["location"]):
            free = Decimal(row["quantity"]) - taken.get(
                _key(row["location_id"], _thing_key(row)), Decimal(0))
            if free >= wanted:
                return row
    raise ScanRefused(f"{thing.code} is in several locations: say which",
                      errors=[problem("location", N_("in several locations: scan the "
                                                     "location"))])


def _check_rules(uow: UnitOfWork, order: SalesOrder, item: Any, row: dict[str, Any],
                 field: str) -> None:
    if not row["issuable"]:
        reason = rules.short_reason(row["not_issuable"])
        raise ScanRefused(f"not issuable: {row['not_issuable']}",
                          errors=[problem(field, rules.SHORT_REASONS[reason], reason=reason)])
    floor = shelf_life_floor(uow, order.customer_id, item)
    if floor is not None and row["days_left"] is not None and row["days_left"] < floor:
        raise ScanRefused(f"{row['days_left']} days left, the customer accepts {floor}",
                          errors=[problem(field, N_("less shelf life left than the customer "
                                                    "accepts"), reason="shelf_life",
                                          days_left=row["days_left"], minimum=floor)])


def pick_scan(uow: UnitOfWork, *, ref: str, data: PickIn, actor: Actor,
              field: str = "scan") -> Pick:
    """Pick one scan for the order: the item must be on it and still needed; the lot or unit
    must be issuable with the customer's shelf life and free (not allocated to another order
    nor picked); a lot or unit other than the one allocated is taken when it passes the same
    rules, and the line's allocation then shrinks by what was picked."""
    ensure_may(actor, PICK)
    order = get_order_or_raise(uow, ref)
    if not rules.OrderStatus(order.status).fulfillable:
        raise OrderStateConflict(f"{order.number} is {order.status}: nothing to pick")
    lock_allocations(uow)
    return pick_for(uow, order, data, actor, field)


def pick_for(uow: UnitOfWork, order: SalesOrder, data: PickIn, actor: Actor, field: str
             ) -> Pick:
    """``pick_scan`` for an order already checked and locked (a shipment scanning what was not
    picked before picks it here, by the same rules)."""
    scanned = read_scan(uow, data.scan, field)
    thing, item = scanned.thing, scanned.item
    if thing.kind == "container" or item is None:
        raise ScanRefused("scan the lot or serial unit, not a package",
                          errors=[problem(field, N_("a package: scan a lot or serial unit"))])
    if thing.kind == "lot" and catalog.tracks_serial(item.tracking):
        raise ScanRefused(f"{item.code} is serialized: scan each unit",
                          errors=[problem(field, N_("a serialized item: scan each unit"))])
    line = _line_for(uow, order, item, field)
    given = Decimal(1) if thing.kind == "unit" else (
        base_quantity(item, data.quantity, data.uom, "quantity") if data.quantity is not None
        else scanned.pack_quantity)
    row = _place(uow, line, thing, _stock_rows(uow, item.id, thing), data.location, field,
                 given)
    _check_rules(uow, order, item, row, field)
    needed = line.base_quantity - line.shipped_base_quantity - open_picked(uow, line.id)
    free = Decimal(row["quantity"]) - committed(uow, item.id, besides_line=line.id,
                                                thing=thing).get(
        _key(row["location_id"], _thing_key(row)), Decimal(0))
    quantity = given if given is not None else \
        min(needed, free, _allocated_here(uow, line, row) or needed)
    if quantity <= 0 or quantity > free:
        raise ScanRefused(f"{free} free here, {quantity} asked",
                          errors=[problem("quantity", N_("more than is free at this location"),
                                          available=str(max(free, Decimal(0))))])
    if quantity > needed:
        raise ScanRefused(f"the line needs {needed}, {quantity} scanned",
                          errors=[problem("quantity", N_("more than the order still needs"),
                                          needed=str(needed))])
    _shrink_allocation(uow, line, row, quantity)
    pick = Pick(order_id=order.id, order_line_id=line.id, item_id=item.id,
                lot_id=row["lot_id"], unit_id=row["unit_id"], location_id=row["location_id"],
                base_quantity=quantity, scan=data.scan[:400], status=rules.PickStatus.OPEN,
                picked_at=uow.now(), picked_by=actor.name[:80])
    uow.session.add(pick)
    uow.session.flush()
    return pick


def _allocated_here(uow: UnitOfWork, line: OrderLine, row: dict[str, Any]) -> Decimal:
    total = Decimal(0)
    for allocation in _line_allocations(uow, line):
        if allocation.location_id == row["location_id"] and \
                (allocation.unit_id or allocation.lot_id) == _thing_key(row):
            total += allocation.base_quantity
    return total


def _line_allocations(uow: UnitOfWork, line: OrderLine) -> list[Allocation]:
    return list(uow.session.scalars(select(Allocation).where(
        Allocation.order_line_id == line.id).order_by(Allocation.id)))


def _shrink_allocation(uow: UnitOfWork, line: OrderLine, row: dict[str, Any],
                       quantity: Decimal) -> None:
    """What was picked comes off the line's allocation: the same lot and place first, then the
    allocations that expire last (a different lot was scanned)."""
    mine = select(Allocation).where(Allocation.order_line_id == line.id)
    same = list(uow.session.scalars(mine.where(
        Allocation.location_id == row["location_id"],
        (Allocation.unit_id == row["unit_id"]) if row["unit_id"] is not None
        else (Allocation.lot_id == row["lot_id"]) & Allocation.unit_id.is_(None))))
    covered = sum((a.base_quantity for a in same), Decimal(0))
    others = [] if covered >= quantity else [
        a for a in uow.session.scalars(mine.order_by(Allocation.id.desc())) if a not in same]
    left = quantity
    for allocation in same + others:
        if left <= 0:
            break
        take = min(left, allocation.base_quantity)
        left -= take
        if take >= allocation.base_quantity:
            uow.session.delete(allocation)
        else:
            allocation.base_quantity -= take
    uow.session.flush()


def put_back(uow: UnitOfWork, *, ref: str, pick_id: int, actor: Actor) -> Pick:
    """Undo an open pick that is not packed (the goods go back on the shelf)."""
    ensure_may(actor, PICK)
    order = get_order_or_raise(uow, ref)
    pick = uow.session.get(Pick, pick_id)
    if pick is None or pick.order_id != order.id or pick.status != rules.PickStatus.OPEN:
        raise ScanRefused("no open pick of this order",
                          errors=[problem("pick", N_("no open pick of this order"))])
    if pick.package_id is not None:
        raise ScanRefused("the pick is packed: unpack its case first",
                          errors=[problem("pick", N_("packed: unpack its case first"))])
    pick.status = rules.PickStatus.CANCELLED
    uow.session.flush()
    return pick


def open_picks(uow: UnitOfWork, order_id: int) -> list[Pick]:
    return list(uow.session.scalars(select(Pick).where(
        Pick.order_id == order_id, Pick.status == rules.PickStatus.OPEN).order_by(Pick.id)))
