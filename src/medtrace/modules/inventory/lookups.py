"""Small reads the inventory pages need besides ``queries``: what a person typed or scanned
(an item by code, GTIN or UDI; a lot or serial within the item; a location by its code, also
as a barcode), the choices of the forms, one move, and the codes of the things moves name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, traceability
from medtrace.modules.inventory.errors import LocationNotFound, MoveInvalid
from medtrace.modules.inventory.models import Location, StockMove
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import NotFound

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
