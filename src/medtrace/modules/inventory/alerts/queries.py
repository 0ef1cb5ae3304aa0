"""Stock alerts: lots and units expiring within N days (or expired) with where they are, usable
stock below the minimum set per item and site, and stock kept where the temperature zone does
not fit the item's storage range. Also the minimum stock levels themselves.

- **Expiring**: every positive balance whose lot or unit expires within ``days`` days of today
  (plant-local date; already expired ones included, ``days_left`` negative), grouped by item
  and lot (or serial unit), each with its locations and quantities.
- **Below minimum**: for each minimum (item, site) the site's *usable* stock (issuable: a
  released, unexpired lot in an available-stock area) against the minimum; on-hand stock in
  quarantine or on hold is shown but does not count.
- **Temperature**: stock of an item with a storage range (``storage_min_c`` /
  ``storage_max_c``) at a location whose temperature zone (its own or its nearest ancestor's,
  see ``zones``) does not lie within that range, has no zone, or has a zone that cannot be read.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog
from medtrace.modules.inventory import queries, rules, service
from medtrace.modules.inventory import rules as zones
from medtrace.modules.inventory.counts.errors import MinStockInvalid
from medtrace.modules.inventory.counts.models import MinStock
from medtrace.modules.inventory.models import Balance, Location
from medtrace.platform.db.base import to_quantity
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import NotFound
from medtrace.platform.i18n import N_
from medtrace.platform.web.dashboard import Figure, count

DEFAULT_DAYS = 90
EVERYTHING = 10**9


def _problem(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


# --- minimum stock levels ----------------------------------------------------------------------
def is_site(location: Location) -> bool:
    """Minimums are kept per site, or per warehouse that belongs to no site."""
    return location.kind == "site" or (location.kind == "warehouse" and location.parent_id is None)


def set_min_stock(uow: UnitOfWork, *, item_id: int, site: int | str, quantity: Decimal,
                  uom: str | None = None) -> MinStock:
    """Set (or change) the minimum of an item at a site, in ``uom`` (default the base unit)."""
    item = catalog.get_item_or_raise(uow, item_id)
    place = service.get_location_or_raise(uow, site)
    if not is_site(place):
        raise MinStockInvalid(f"{place.code} is not a site",
                              errors=[_problem("site", "a site or a top-level warehouse")])
    try:
        entered = to_quantity(quantity)
    except (ValueError, TypeError):
        raise MinStockInvalid("the quantity is not exact",
                              errors=[_problem("quantity", "not exact")]) from None
    if entered < 0:
        raise MinStockInvalid("the quantity is negative", errors=[_problem("quantity", ">= 0")])
    base = catalog.to_base_quantity(uow, item.id, entered, (uom or item.base_uom).upper())
    why = rules.whole_or_exact(base, item.base_uom)
    if why:
        raise MinStockInvalid(why, errors=[_problem("quantity", why)])
    row = uow.session.scalars(select(MinStock).where(
        MinStock.item_id == item.id, MinStock.site_id == place.id)).first()
    if row is None:
        row = MinStock(item_id=item.id, site_id=place.id, min_quantity=base,
                       updated_at=uow.now())
        uow.session.add(row)
    elif row.min_quantity != base:
        row.min_quantity, row.updated_at = base, uow.now()
    uow.session.flush()
    return row


def remove_min_stock(uow: UnitOfWork, min_stock_id: int) -> None:
    row = uow.session.get(MinStock, min_stock_id)
    if row is None:
        raise NotFound(f"no minimum stock level {min_stock_id}")
    uow.session.delete(row)
    uow.session.flush()


def list_min_stock(uow: UnitOfWork) -> list[dict[str, Any]]:
    places = _locations(uow)
    out = []
    for row in uow.session.scalars(select(MinStock).order_by(MinStock.site_id,
                                                             MinStock.item_id)):
        item = catalog.get_item_or_raise(uow, row.item_id)
        out.append({"id": row.id, "item": item.code, "item_id": item.id,
                    "site": places[row.site_id].code, "site_id": row.site_id,
                    "min_quantity": str(row.min_quantity), "uom": item.base_uom})
    return out


# --- alerts ------------------------------------------------------------------------------------
def _locations(uow: UnitOfWork) -> dict[int, Location]:
    return {row.id: row for row in uow.session.scalars(select(Location))}


def expiring(uow: UnitOfWork, *, days: int = DEFAULT_DAYS) -> list[dict[str, Any]]:
    """Lots and units expiring within ``days`` days (or expired), with their locations."""
    rows, _ = queries.balances(uow, queries.BalanceFilter(expiring_within_days=days),
                               limit=EVERYTHING)
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        key = (row["item_id"], row["lot_id"], row["unit_id"])
        group = groups.get(key)
        if group is None:
            group = groups[key] = {
                "item": row["item"], "item_id": row["item_id"], "lot": row["lot"],
                "lot_id": row["lot_id"], "serial": row["serial"], "unit_id": row["unit_id"],
                "expiry": row["expiry"], "days_left": row["days_left"],
                "expired": row["days_left"] < 0, "quantity": Decimal(0), "uom": row["uom"],
                "locations": []}
        group["quantity"] += Decimal(row["quantity"])
        group["locations"].append({"location": row["location"],
                                   "location_id": row["location_id"],
                                   "quantity": row["quantity"], "issuable": row["issuable"]})
    out = sorted(groups.values(), key=lambda g: (g["expiry"], g["item"], g["lot"] or "",
                                                 g["serial"] or ""))
    for group in out:
        group["quantity"] = str(group["quantity"])
    return out


def below_minimum(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Minimums that the site's usable stock does not reach."""
    out = []
    for row in uow.session.scalars(select(MinStock).order_by(MinStock.site_id,
                                                             MinStock.item_id)):
        site = uow.session.get(Location, row.site_id)
        assert site is not None
        item = catalog.get_item_or_raise(uow, row.item_id)
        found, _ = queries.balances(uow, queries.BalanceFilter(location=site, item_id=item.id),
                                    limit=EVERYTHING)
        usable_rows, _ = queries.balances(uow, queries.BalanceFilter(
            location=site, item_id=item.id, issuable=True), limit=EVERYTHING)
        on_hand = sum((Decimal(b["quantity"]) for b in found), Decimal(0))
        usable = sum((Decimal(b["quantity"]) for b in usable_rows), Decimal(0))
        if usable < row.min_quantity:
            out.append({"item": item.code, "item_id": item.id, "site": site.code,
                        "site_id": site.id, "minimum": str(row.min_quantity),
                        "on_hand": str(on_hand), "usable": str(usable),
                        "short": str(row.min_quantity - usable), "uom": item.base_uom})
    return out


def zone_of(location: Location, places: dict[int, Location]) -> str | None:
    """The location's temperature zone, inherited from the nearest ancestor that sets one."""
    current: Location | None = location
    while current is not None:
        if current.temperature_zone:
            return current.temperature_zone
        current = places.get(current.parent_id) if current.parent_id else None
    return None


def temperature_mismatches(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Stock (by location and item) kept outside its item's storage range."""
    places = _locations(uow)
    balances = list(uow.session.scalars(select(Balance).where(Balance.quantity > 0)
                                        .order_by(Balance.location_id, Balance.item_id)))
    items = {}
    for item_id in sorted({b.item_id for b in balances}):
        item = catalog.get_item_or_raise(uow, item_id)
        if item.storage_min_c is not None or item.storage_max_c is not None:
            items[item_id] = item
    totals: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for balance in balances:
        if balance.item_id in items:
            totals[(balance.location_id, balance.item_id)] += balance.quantity
    out = []
    for (location_id, item_id), quantity in totals.items():
        item, place = items[item_id], places[location_id]
        text = zone_of(place, places)
        zone = zones.parse_zone(text)
        if text is None:
            problem = "no_zone"
        elif zone is None:
            problem = "zone_unreadable"
        elif not zones.storage_fits(zone, item.storage_min_c, item.storage_max_c):
            problem = "outside"
        else:
            continue
        out.append({"location": place.code, "location_id": place.id, "zone": text,
                    "item": item.code, "item_id": item.id,
                    "storage_min_c": _text(item.storage_min_c),
                    "storage_max_c": _text(item.storage_max_c), "problem": problem,
                    "quantity": str(quantity), "uom": item.base_uom})
    return out


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def alerts(uow: UnitOfWork, *, days: int = DEFAULT_DAYS) -> dict[str, Any]:
    """Every alert of the three kinds, as of today (plant-local)."""
    found = {"expiring": expiring(uow, days=days), "below_minimum": below_minimum(uow),
             "temperature": temperature_mismatches(uow)}
    return {"as_of": uow.today().isoformat(), "days": days, **found,
            "counts": {kind: len(rows) for kind, rows in found.items()}}


def alert_figures(uow: UnitOfWork) -> list[Figure]:
    """The home dashboard's stock alerts: the counts of the lists above, as of today."""
    groups = expiring(uow, days=DEFAULT_DAYS)
    expired = sum(1 for group in groups if group["expired"])
    stock = f"/inventory/stock?days={DEFAULT_DAYS}"
    return [
        count(N_("Lots and units expiring within %(days)s days"), len(groups) - expired,
              stock, days=DEFAULT_DAYS),
        count(N_("Expired lots and units in stock"), expired, stock),
        count(N_("Items below minimum stock"), len(below_minimum(uow))),
        count(N_("Stock outside its storage temperature"), len(temperature_mismatches(uow))),
    ]
