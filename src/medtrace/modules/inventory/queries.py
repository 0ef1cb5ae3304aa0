"""The read side of inventory: stock on hand, move history, FEFO picking suggestions,
reconciliation of the balances against the ledger, alerts."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, not_, select

from medtrace.modules import catalog, traceability
from medtrace.modules.inventory import rules
from medtrace.modules.inventory.errors import LocationNotFound, MoveInvalid
from medtrace.modules.inventory.models import Balance, Location, StockMove
from medtrace.modules.inventory.service import is_internal, stock_status_of
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import NotFound
from medtrace.platform.i18n import N_
from medtrace.platform.web.charts import day_chart
from medtrace.platform.web.dashboard import Figure


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
    unit_id: int | None = None
    expiring_within_days: int | None = None
    include_zero: bool = False
    issuable: bool | None = None  # True: only stock that may be issued; False: only the rest


def effective_statuses(uow: UnitOfWork) -> dict[int, str | None]:
    """Every location's stock status, inherited from the nearest ancestor that sets one (one
    query over the locations)."""
    rows = {row.id: (row.parent_id, row.stock_status) for row in uow.session.execute(
        select(Location.id, Location.parent_id, Location.stock_status))}
    found: dict[int, str | None] = {}

    def status(location_id: int) -> str | None:
        chain = []
        current: int | None = location_id
        while current is not None and current not in found:
            parent, own = rows[current]
            if own:
                found[current] = own
                break
            chain.append(current)
            current = parent
        inherited = found.get(current) if current is not None else None
        for walked in chain:
            found[walked] = inherited
        return found[location_id]

    for location_id in rows:
        status(location_id)
    return found


def issuable_clause(uow: UnitOfWork, today: dt.date) -> Any:
    """SQL over ``Balance``: the stock may be issued or shipped: the lot or unit passes
    ``traceability.lot_issuable_clause`` and the location's (inherited) status is issuable
    (``rules.ISSUABLE_STOCK_STATUSES``). ``rules.not_issuable_reason`` says why a row fails."""
    available = [location_id for location_id, status in effective_statuses(uow).items()
                 if status in rules.ISSUABLE_STOCK_STATUSES]
    return and_(traceability.lot_issuable_clause(Balance.thing_key, today),
                Balance.location_id.in_(available))


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
    if wanted.unit_id is not None:
        query = query.where(Balance.unit_id == wanted.unit_id)
    if wanted.issuable is not None:
        clause = issuable_clause(uow, uow.today())
        query = query.where(clause if wanted.issuable else not_(clause))
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
    issuable, _ = balances(uow, BalanceFilter(location=within, item_id=item_id, issuable=True),
                           limit=100000)
    held, _ = balances(uow, BalanceFilter(location=within, item_id=item_id, issuable=False),
                       limit=100000)
    candidates = []
    skipped = [{**row, "why": row["not_issuable"]} for row in held]
    for row in issuable:
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



# -------------------- formerly lookups.py --------------------
# Small reads the inventory pages need besides ``queries``: what a person typed or scanned
# (an item by code, GTIN or UDI; a lot or serial within the item; a location by its code, also
# as a barcode), the choices of the forms, one move, and the codes of the things moves name.

#: near expiry when an item sets no minimum remaining shelf life
NEAR_EXPIRY_DAYS = 90
#: an AIM symbology identifier a scanner may put in front of what it read (]C0, ]d2, ]Q3...)
_SYMBOLOGY = re.compile(r"^\][A-Za-z][0-9A-Za-z]")


def _refuse(field_name: str, message: str, error: type[MoveInvalid] | None = None) -> Any:
    cls = error or MoveInvalid
    return cls(f"{field_name}: {message}", errors=[{"field": field_name, "message": message}])


@dataclass
class ScannedItem:
    """An item named by its code, a GTIN or a whole UDI (which may also carry lot, serial,
    expiry)."""

    item: Any
    scan: dict[str, Any] = field(default_factory=dict)


def find_item(uow: UnitOfWork, text: str, field_name: str = "item") -> ScannedItem:
    text = (text or "").strip()
    if not text:
        raise _refuse(field_name, "required")
    item = catalog.get_item_by_code(uow, text)
    if item is not None:
        return ScannedItem(item)
    by_gtin = catalog.find_by_gtin(uow, text) if text.isdigit() else None
    if by_gtin is not None:
        return ScannedItem(by_gtin[0])
    parsed = catalog.resolve_udi(uow, text)
    if parsed.get("item"):
        return ScannedItem(catalog.get_item_or_raise(uow, parsed["item"]["id"]), parsed)
    raise catalog.ItemNotFound(f"no item {text}", errors=[
        {"field": field_name, "message": "no such item"}])


def find_lot(uow: UnitOfWork, item_id: int, number: str) -> Any:
    found = traceability.find(uow, "lot", number.strip(), item_id)
    if found is None:
        raise _refuse("lot", "no such lot")
    return found


def find_unit(uow: UnitOfWork, item_id: int, serial: str) -> Any:
    found = traceability.find(uow, "unit", serial.strip(), item_id)
    if found is None:
        raise _refuse("serial", "no such serial")
    return found


def location_code(text: str) -> str:
    """What a location field holds, typed or scanned (a symbology identifier dropped)."""
    return _SYMBOLOGY.sub("", (text or "").strip().strip("\x1d")).strip()


def find_location(uow: UnitOfWork, text: str, field_name: str) -> Location:
    code = location_code(text)
    if not code:
        raise _refuse(field_name, "required")
    for candidate in dict.fromkeys((code, code.upper())):
        found = uow.session.scalars(select(Location).where(Location.code == candidate)).first()
        if found is not None:
            return found
    raise LocationNotFound(f"no location {code}", errors=[
        {"field": field_name, "message": "no such location"}])


def adjustment_location(uow: UnitOfWork) -> Location:
    """The virtual location adjustments come from and go to."""
    found = uow.session.scalars(select(Location).where(
        Location.kind == "virtual", Location.role == "adjustment", Location.active.is_(True))
        .order_by(Location.id)).first()
    if found is None:
        raise _refuse("location", "no adjustment location")
    return found


def location_choices(uow: UnitOfWork) -> list[Location]:
    """Active locations that hold stock, and sites, in code order (for lists and datalists)."""
    return list(uow.session.scalars(select(Location).where(
        Location.active.is_(True), Location.kind != "virtual").order_by(Location.code)))


def near_expiry_floors(uow: UnitOfWork, item_ids: set[int]) -> dict[int, int]:
    """Days of shelf life under which an item's stock is near expiry: its minimum remaining
    shelf life, else ``NEAR_EXPIRY_DAYS``."""
    floors = {}
    for item_id in item_ids:
        item = catalog.get_item(uow, item_id)
        days = item.min_remaining_shelf_life_days if item is not None else None
        floors[item_id] = days if days is not None else NEAR_EXPIRY_DAYS
    return floors


def expiry_class(row: dict[str, Any], floors: dict[int, int]) -> str:
    """``expired``, ``near-expiry`` or ``""`` for a stock row of ``queries.balances``."""
    days = row.get("days_left")
    if days is None:
        return ""
    if days < 0:
        return "expired"
    return "near-expiry" if days < floors.get(row["item_id"], NEAR_EXPIRY_DAYS) else ""


def move_refs(uow: UnitOfWork, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Codes of the items, lots and units that moves name, and which moves were reversed."""
    items = catalog.item_refs(uow, {r["item_id"] for r in rows})
    things = {}
    for thing_id in {r[k] for r in rows for k in ("lot_id", "unit_id") if r.get(k)}:
        found = traceability.get_object(uow, thing_id)
        if found is not None:
            things[thing_id] = found.code
    ids = [r["id"] for r in rows]
    reversed_ids = set(uow.session.scalars(select(StockMove.reverses_id).where(
        StockMove.reverses_id.in_(ids)))) if ids else set()
    return {"items": {k: v[0] for k, v in items.items()}, "things": things,
            "reversed": reversed_ids}


def get_move(uow: UnitOfWork, move_id: int) -> dict[str, Any]:
    """One move as ``queries.moves`` describes it, with its codes and whether it was
    reversed."""
    move = uow.session.get(StockMove, move_id)
    if move is None:
        raise NotFound(f"no stock move {move_id}")
    codes = {loc.id: loc.code for loc in uow.session.scalars(select(Location).where(
        Location.id.in_([move.from_location_id, move.to_location_id])))}
    row = {"id": move.id, "at": move.at.isoformat(), "item_id": move.item_id,
           "lot_id": move.lot_id, "unit_id": move.unit_id, "quantity": str(move.quantity),
           "entered": f"{move.entered_quantity} {move.entered_uom}",
           "from": codes.get(move.from_location_id), "to": codes.get(move.to_location_id),
           "purpose": move.purpose, "reason_code": move.reason_code, "note": move.note,
           "doc": move.doc, "actor": move.actor, "reverses_id": move.reverses_id}
    refs = move_refs(uow, [row])
    return {**row, "item": refs["items"].get(move.item_id),
            "lot": refs["things"].get(move.lot_id), "serial": refs["things"].get(move.unit_id),
            "reversed": move.id in refs["reversed"],
            "reversible": move.id not in refs["reversed"] and move.purpose != "reversal"}


# --- the home dashboard ------------------------------------------------------------------------
MOVE_CHART_DAYS = 14


def moves_per_day(uow: UnitOfWork, days: int) -> dict[dt.date, int]:
    """Stock moves (reversals included) per plant-local day, over the ``days`` days ending
    today. Only the times are read and counted here: the days are the plant's, which SQL on
    two databases cannot cut the same way."""
    zone = uow.timezone
    first = uow.today() - dt.timedelta(days=days - 1)
    since = dt.datetime.combine(first, dt.time(), tzinfo=zone).astimezone(dt.UTC)
    counted: dict[dt.date, int] = {}
    for at in uow.session.scalars(select(StockMove.at).where(StockMove.at >= since)):
        day = at.astimezone(zone).date()
        counted[day] = counted.get(day, 0) + 1
    return counted


def move_figures(uow: UnitOfWork) -> list[Figure]:
    today = uow.today()
    counted = moves_per_day(uow, MOVE_CHART_DAYS)
    return [
        Figure(N_("Stock moves today"), counted.get(today, 0), "number", "/inventory/moves"),
        Figure(N_("Stock moves per day, last %(days)s days"),
               day_chart(N_("Stock moves"), today, MOVE_CHART_DAYS, counted), "chart",
               params={"days": MOVE_CHART_DAYS}),
    ]


def locations_with_status(uow: UnitOfWork, status: str) -> list[Location]:
    """Active stock-holding locations whose stock status (own or inherited) is ``status``, in
    code order: where receipts wait in quarantine, where rejected goods are."""
    statuses = effective_statuses(uow)
    rows = uow.session.scalars(select(Location).where(
        Location.active.is_(True), Location.kind.in_(rules.HOLDING_KINDS))
        .order_by(Location.code))
    return [row for row in rows if statuses.get(row.id) == status]


def virtual_location(uow: UnitOfWork, role: str) -> Location:
    """The first active virtual location of a role (``supplier``, ``customer``...)."""
    found = uow.session.scalars(select(Location).where(
        Location.kind == "virtual", Location.role == role, Location.active.is_(True))
        .order_by(Location.id)).first()
    if found is None:
        raise LocationNotFound(f"no virtual {role} location")
    return found


def find_location_with_status(uow: UnitOfWork, *, status: str, near: int | str) -> str | None:
    """The code of the first active stock-holding location (by code) whose inherited stock
    status is ``status``, in the same warehouse as the location ``near`` (the nearest
    ancestor of kind warehouse, else its topmost ancestor). Quality uses it to find where
    released goods (``available``) and rejected goods (``rejected``) go."""
    from medtrace.modules.inventory.service import get_location_or_raise

    start = get_location_or_raise(uow, near)
    by_id = {loc.id: loc for loc in uow.session.scalars(
        select(Location).where(Location.active.is_(True)))}
    by_id.setdefault(start.id, start)

    def chain(location: Location) -> list[Location]:
        found = [location]
        while found[-1].parent_id and found[-1].parent_id in by_id and len(found) < 50:
            found.append(by_id[found[-1].parent_id])
        return found

    ancestors = chain(start)
    root = next((loc for loc in ancestors if loc.kind == "warehouse"), ancestors[-1])
    for location in sorted(by_id.values(), key=lambda loc: loc.code):
        if location.id == start.id or location.kind not in rules.HOLDING_KINDS:
            continue
        line = chain(location)
        if root not in line:
            continue
        inherited = next((loc.stock_status for loc in line if loc.stock_status), None)
        if inherited == status:
            return location.code
    return None
