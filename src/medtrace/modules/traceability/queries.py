"""The read side of traceability: find a thing from whatever was scanned or typed, trace it
backward (what it was made of, down to the supplier receipts) and forward (everything made
from it and where each finished unit is now), and its timeline. Answers come from this
module's own tables; item and partner codes come through their modules' public look-ups.

The JSON shapes built here are a published contract (docs/traceability.md): other systems read
them, so fields are only ever added."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Date, select, text

from medtrace.modules import catalog, partners
from medtrace.modules.traceability import rules
from medtrace.modules.traceability.errors import TraceCodeAmbiguous, TraceInvalid, TraceNotFound
from medtrace.modules.traceability.models import Event, EventObject, TraceObject
from medtrace.platform.db.uow import UnitOfWork

UDI_MARKERS = ("]", "(", "\x1d", "+", "=", "http://", "https://", "HTTP://", "HTTPS://")


# --- finding a thing --------------------------------------------------------------------------
def resolve(uow: UnitOfWork, code: str, *, item: str | None = None) -> TraceObject:
    """The lot, unit or container meant by ``code``: a raw UDI scan (GS1, HIBCC, ICCBBA, Digital
    Link), an SSCC, or a lot number / serial / SSCC as printed; ``item`` (an item code or GTIN)
    narrows a number that several items use."""
    raw = (code or "").strip("\r\n\t ")
    if not raw:
        raise TraceInvalid("give a code to trace", errors=[{"field": "code", "message": "empty"}])
    sscc = rules.normalize_sscc(raw)
    if sscc is not None:
        found = _one(uow, select(TraceObject).where(TraceObject.kind == "container",
                                                    TraceObject.code == sscc))
        if found is not None:
            return found
    if item:
        return _by_item(uow, item, raw)
    candidates = list(uow.session.scalars(
        select(TraceObject).where(TraceObject.code == raw).limit(3)))
    if len(candidates) == 1:
        return candidates[0]
    if candidates or raw.startswith(UDI_MARKERS) or (raw[:2].isdigit() and len(raw) > 16):
        parsed = catalog.resolve_udi(uow, raw)
        match = _from_udi(uow, parsed)
        if match is not None:
            return match
        if not candidates and parsed.get("errors") and not parsed.get("di"):
            raise TraceInvalid("the scan is not a UDI this system can read",
                               errors=[{"field": "code", "message": e.get("message", "")}
                                       for e in parsed["errors"]])
    if candidates:
        raise TraceCodeAmbiguous(f"{raw} is a number of several items; give the item")
    raise TraceNotFound(f"nothing recorded carries {raw}")


def _one(uow: UnitOfWork, query: Any) -> TraceObject | None:
    return uow.session.scalars(query.limit(1)).first()


def _from_udi(uow: UnitOfWork, parsed: dict[str, Any]) -> TraceObject | None:
    item = parsed.get("item")
    if not item:
        return None
    if parsed.get("serial"):
        found = _one(uow, select(TraceObject).where(
            TraceObject.kind == "unit", TraceObject.item_id == item["id"],
            TraceObject.code == parsed["serial"]))
        if found is not None:
            return found
    if parsed.get("lot"):
        return _one(uow, select(TraceObject).where(
            TraceObject.kind == "lot", TraceObject.item_id == item["id"],
            TraceObject.code == parsed["lot"]))
    return None


def _by_item(uow: UnitOfWork, item: str, number: str) -> TraceObject:
    found = catalog.get_item_by_code(uow, item.strip())
    if found is None:
        gtin = catalog.normalize_gtin(item)
        hit = catalog.find_by_gtin(uow, gtin) if gtin else None
        found = hit[0] if hit else None
    if found is None:
        raise TraceNotFound(f"no item {item}")
    rows = list(uow.session.scalars(select(TraceObject).where(
        TraceObject.item_id == found.id, TraceObject.code == number,
        TraceObject.kind.in_(("unit", "lot")))))
    if not rows:
        raise TraceNotFound(f"{found.code} has no lot or serial {number}")
    return sorted(rows, key=lambda r: r.kind != "unit")[0]  # a serial before a lot


# --- shared rendering ---------------------------------------------------------------------------
class Names:
    """Item and partner codes for the ids in an answer, fetched once per answer."""

    def __init__(self, uow: UnitOfWork, item_ids: Iterable[int | None],
                 partner_ids: Iterable[int | None]) -> None:
        self.items = catalog.item_refs(uow, [i for i in item_ids if i is not None])
        self.partners = partners.partner_codes(uow, partner_ids)

    def item(self, item_id: int | None) -> str | None:
        ref = self.items.get(item_id) if item_id is not None else None
        return ref[0] if ref else None

    def finished(self, item_id: int | None) -> bool:
        ref = self.items.get(item_id) if item_id is not None else None
        return ref is not None and ref[1] == "finished"

    def partner(self, partner_id: int | None) -> str | None:
        return self.partners.get(partner_id) if partner_id is not None else None


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def describe(uow: UnitOfWork, thing: TraceObject, names: Names | None = None) -> dict[str, Any]:
    """The JSON of one thing (the ``root`` of every trace answer)."""
    names = names or Names(uow, [thing.item_id], [thing.supplier_id, thing.customer_id,
                                                  thing.holder_id])
    data: dict[str, Any] = {"kind": thing.kind, "id": thing.id, "item": names.item(thing.item_id)}
    if thing.kind == "lot":
        data |= {"lot": thing.code, "status": thing.status, "state": thing.state,
                 "expiry": _iso(thing.expiry_date),
                 "manufacture_date": _iso(thing.manufacture_date),
                 "supplier": names.partner(thing.supplier_id), "supplier_lot": thing.supplier_lot,
                 "quantity": None if thing.quantity is None else str(thing.quantity),
                 "uom": thing.uom, "origin": thing.origin}
    elif thing.kind == "unit":
        lot = uow.session.get(TraceObject, thing.lot_id) if thing.lot_id else None
        data |= {"serial": thing.code, "lot": lot.code if lot else None,
                 "status": thing.state or rules.IN_STOCK, "quality_status": thing.status,
                 "expiry": _iso(thing.expiry_date)}
    else:
        data |= {"sscc": thing.code, "type": thing.container_type,
                 "status": thing.state or rules.IN_STOCK}
    data |= {"customer": names.partner(thing.customer_id),
             "holder": names.partner(thing.holder_id), "location": thing.location,
             "since": _iso(thing.state_at)}
    return data


# --- backward -----------------------------------------------------------------------------------
_BACKWARD_SQL = text("""
WITH RECURSIVE anc (id) AS (
    SELECT e.child_id FROM traceability_edge e WHERE e.parent_id = :root AND e.reversed = :no
    UNION
    SELECT e.child_id FROM anc JOIN traceability_edge e ON e.parent_id = anc.id AND e.reversed = :no
)
SELECT o.id, o.kind, o.item_id, o.code, o.lot_id, o.status, o.origin, o.supplier_id,
       o.supplier_lot, o.expiry_date, o.container_type
FROM anc JOIN traceability_object o ON o.id = anc.id
""").columns(expiry_date=Date)


def backward(uow: UnitOfWork, thing: TraceObject) -> dict[str, Any]:
    """Every ancestor lot and unit of ``thing`` (the root excluded) down to the supplier
    receipts, with the receipt and the incoming inspection result of each received lot."""
    rows = uow.session.execute(_BACKWARD_SQL, {"root": thing.id, "no": False}).all()
    lot_ids = [r.lot_id for r in rows if r.lot_id]
    lot_codes = _codes(uow, lot_ids)
    receipts = _receipts(uow, [r.id for r in rows if r.kind == "lot" and r.origin == "received"])
    supplier_ids = {r.supplier_id for r in rows if r.supplier_id}
    for receipt in receipts.values():
        supplier_ids.update(receipt.pop("_supplier_ids", ()))
    names = Names(uow, [thing.item_id, *(r.item_id for r in rows)],
                  [thing.supplier_id, thing.customer_id, thing.holder_id, *supplier_ids])
    lots, units, containers = [], [], []
    suppliers: set[str] = set()
    for r in rows:
        if r.kind == "lot":
            supplier = names.partner(r.supplier_id)
            receipt = receipts.get(r.id)
            if receipt is not None and receipt.get("supplier_id"):
                receipt["supplier"] = names.partner(receipt.pop("supplier_id"))
            if r.origin == "received" and supplier:
                suppliers.add(supplier)
            lots.append({"item": names.item(r.item_id), "lot": r.code, "id": r.id,
                         "status": r.status, "origin": r.origin, "supplier": supplier,
                         "supplier_lot": r.supplier_lot, "expiry": _iso(r.expiry_date),
                         "receipt": receipt})
        elif r.kind == "unit":
            units.append({"item": names.item(r.item_id), "serial": r.code, "id": r.id,
                          "lot": lot_codes.get(r.lot_id), "quality_status": r.status})
        else:
            containers.append({"sscc": r.code, "id": r.id, "type": r.container_type})
    lots.sort(key=lambda x: (x["item"] or "", x["lot"]))
    units.sort(key=lambda x: (x["item"] or "", x["serial"]))
    containers.sort(key=lambda x: x["sscc"])
    return {"root": describe(uow, thing, names), "lots": lots, "units": units,
            "containers": containers, "suppliers": sorted(suppliers)}


def _codes(uow: UnitOfWork, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start:start + 900]
        found.update(uow.session.execute(
            select(TraceObject.id, TraceObject.code).where(TraceObject.id.in_(chunk))).all())
    return found


def _receipts(uow: UnitOfWork, lot_ids: list[int]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    if not lot_ids:
        return found
    query = (select(EventObject.object_id, Event.step, Event.doc, Event.event_time,
                    Event.disposition, Event.extra, Event.sources, Event.biz_transactions,
                    EventObject.quantity, EventObject.uom)
             .join(Event, Event.id == EventObject.event_id)
             .where(EventObject.object_id.in_(lot_ids), Event.step.in_(("received", "inspected")))
             .order_by(Event.event_time, Event.id))
    for r in uow.session.execute(query):
        if r.step == "received" and r.object_id not in found:
            supplier_id = next((int(s["partner_id"]) for s in (r.sources or [])
                                if s.get("partner_id")), None)
            extra = r.extra or {}
            found[r.object_id] = {
                "doc": r.doc, "at": _iso(r.event_time),
                "supplier_id": supplier_id, "_supplier_ids": [supplier_id] if supplier_id else [],
                "quantity": None if r.quantity is None else str(r.quantity), "uom": r.uom,
                "documents": r.biz_transactions or [],
                "inspection": extra.get("inspection")}
        elif r.step == "inspected" and r.object_id in found:
            extra = r.extra or {}
            found[r.object_id]["inspection"] = extra.get("result") or r.disposition
    return found


# --- forward ------------------------------------------------------------------------------------
_FORWARD_SQL = {
    # SQLite probes the indexes step by step and joins at the end.
    "sqlite": text("""
WITH RECURSIVE des (id) AS (
    SELECT CAST(:root AS INTEGER)
    UNION
    SELECT e.parent_id FROM des JOIN traceability_edge e ON e.child_id = des.id AND e.reversed = :no
)
SELECT o.id, o.kind, o.item_id, o.code, o.lot_id, o.status, o.state, o.customer_id,
       o.holder_id, o.location, o.container_type, o.expiry_date
FROM des JOIN traceability_object o ON o.id = des.id
""").columns(expiry_date=Date),
    # PostgreSQL cannot see a CTE's size: carry the columns through the recursion so that every
    # step is an index probe instead of a hash join over whole tables at the end.
    "postgresql": text("""
WITH RECURSIVE des (id, kind, item_id, code, lot_id, status, state, customer_id, holder_id,
                    location, container_type, expiry_date) AS (
    SELECT o.id, o.kind, o.item_id, o.code, o.lot_id, o.status, o.state, o.customer_id,
           o.holder_id, o.location, o.container_type, o.expiry_date
    FROM traceability_object o WHERE o.id = :root
    UNION
    SELECT o.id, o.kind, o.item_id, o.code, o.lot_id, o.status, o.state, o.customer_id,
           o.holder_id, o.location, o.container_type, o.expiry_date
    FROM des JOIN traceability_edge e ON e.child_id = des.id AND e.reversed = :no
    JOIN traceability_object o ON o.id = e.parent_id
)
SELECT * FROM des
""").columns(expiry_date=Date),
}


def forward(uow: UnitOfWork, thing: TraceObject) -> dict[str, Any]:
    """The recall scope of ``thing``: every lot, unit and container made or packed from it,
    each finished unit with where it is now and who received it, and the totals."""
    dialect = uow.session.get_bind().dialect.name
    sql = _FORWARD_SQL["postgresql" if dialect == "postgresql" else "sqlite"]
    rows = [r for r in uow.session.execute(sql, {"root": thing.id, "no": False}).all()
            if r.id != thing.id]
    item_ids = {r.item_id for r in rows}
    item_ids.add(thing.item_id)
    partner_ids = {r.customer_id for r in rows} | {r.holder_id for r in rows}
    names = Names(uow, item_ids, [*partner_ids, thing.supplier_id, thing.customer_id,
                                  thing.holder_id])
    lot_codes = _codes(uow, {r.lot_id for r in rows if r.lot_id})
    lots, units, subassemblies, containers = [], [], [], []
    by_status: Counter[str] = Counter({s: 0 for s in rules.SCOPE_STATES})
    by_customer: Counter[str] = Counter()
    item_code, partner, finished = names.item, names.partner, names.finished
    for r in rows:
        if r.kind == "unit":
            status = r.state or rules.IN_STOCK
            customer = partner(r.customer_id)
            unit = {"item": item_code(r.item_id), "serial": r.code, "lot": lot_codes.get(r.lot_id),
                    "status": status, "quality_status": r.status, "customer": customer,
                    "holder": partner(r.holder_id), "location": r.location, "id": r.id}
            if finished(r.item_id):
                units.append(unit)
                by_status[status] += 1
                if customer:
                    by_customer[customer] += 1
            else:
                subassemblies.append(unit)
        elif r.kind == "lot":
            lots.append({"item": item_code(r.item_id), "lot": r.code, "id": r.id,
                         "status": r.status, "state": r.state, "expiry": _iso(r.expiry_date)})
        else:
            containers.append({"sscc": r.code, "id": r.id, "type": r.container_type,
                               "status": r.state or rules.IN_STOCK,
                               "customer": partner(r.customer_id)})
    units.sort(key=lambda u: (u["item"] or "", u["serial"]))
    subassemblies.sort(key=lambda u: (u["item"] or "", u["serial"]))
    lots.sort(key=lambda x: (x["item"] or "", x["lot"]))
    containers.sort(key=lambda c: c["sscc"])
    return {"root": describe(uow, thing, names), "lots": lots, "units": units,
            "subassemblies": subassemblies, "containers": containers,
            "totals": {"units": len(units), "by_customer": dict(sorted(by_customer.items())),
                       "by_status": dict(by_status), "lots": len(lots),
                       "subassemblies": len(subassemblies), "containers": len(containers)}}


# --- timeline -----------------------------------------------------------------------------------
_HOLDERS_SQL = text("""
WITH RECURSIVE box (id) AS (
    SELECT e.parent_id FROM traceability_edge e WHERE e.child_id = :root AND e.kind = 'packing'
    UNION
    SELECT e.parent_id FROM box JOIN traceability_edge e
        ON e.child_id = box.id AND e.kind = 'packing'
)
SELECT id FROM box
""")


def timeline(uow: UnitOfWork, thing: TraceObject, *, limit: int = 10000) -> dict[str, Any]:
    """Every event in the life of ``thing`` in time order, including the events of the
    containers it was packed in (shipping a pallet ships what is on it)."""
    boxes = list(uow.session.scalars(_HOLDERS_SQL, {"root": thing.id}))
    ids = [thing.id, *boxes]
    via = _codes(uow, boxes)
    events: list[dict[str, Any]] = []
    seen: set[int] = set()
    query = (select(Event, EventObject.object_id, EventObject.role, EventObject.quantity,
                    EventObject.uom)
             .join(Event, Event.id == EventObject.event_id)
             .where(EventObject.object_id.in_(ids))
             .order_by(Event.event_time, Event.id))
    for ev, object_id, role, quantity, uom in uow.session.execute(query):
        if ev.id in seen:
            continue
        seen.add(ev.id)
        local = ev.event_time.astimezone(_zone(ev.tz_offset or "+00:00"))
        events.append({
            "time": local.isoformat(), "utc": _iso(ev.event_time), "step": ev.step,
            "type": ev.type, "action": ev.action, "biz_step": ev.biz_step,
            "disposition": ev.disposition, "doc": ev.doc, "read_point": ev.read_point,
            "biz_location": ev.biz_location, "role": role,
            "quantity": None if quantity is None else str(quantity), "uom": uom,
            "via": via.get(object_id), "documents": ev.biz_transactions or [],
            "sources": ev.sources or [], "destinations": ev.destinations or [],
            "details": ev.extra or {}, "actor": ev.actor, "origin": ev.origin,
            "event_id": ev.event_uid})
        if len(events) >= limit:
            break
    return {"root": describe(uow, thing), "events": events}


def _zone(offset: str) -> dt.tzinfo:
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = offset[1:].split(":")
    return dt.timezone(sign * dt.timedelta(hours=int(hours), minutes=int(minutes)))
