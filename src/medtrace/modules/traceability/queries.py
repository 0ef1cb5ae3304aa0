"""The read side of traceability: find a thing from whatever was scanned or typed, trace it
backward (what it was made of, down to the supplier receipts) and forward (everything made
from it and where each finished unit is now), and its timeline. Answers come from this
module's own tables; item and partner codes come through their modules' public look-ups.

The JSON shapes built here are a published contract (docs/traceability.md): other systems read
them, so fields are only ever added."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable
from operator import itemgetter
from typing import Any

from sqlalchemy import Date, bindparam, case, exists, func, or_, select, text
from sqlalchemy.orm import aliased

from medtrace.modules import catalog, partners
from medtrace.modules.traceability import rules
from medtrace.modules.traceability.errors import TraceCodeAmbiguous, TraceInvalid, TraceNotFound
from medtrace.modules.traceability.models import Event, EventObject, TraceObject
from medtrace.modules.traceability.parts import queries as parts
from medtrace.modules.traceability.whereabouts import queries as whereabouts
from medtrace.platform.db.base import Quantity, UTCDateTime
from medtrace.platform.db.uow import UnitOfWork

UDI_MARKERS = ("]", "(", "\x1d", "+", "=", "http://", "https://", "HTTP://", "HTTPS://")


# Does the child already descend from the parent (or is it)? Then linking them closes a cycle.
# Walks up from the parent: cheap, because only a parent that was a child before has ancestors
# to walk. The service and the bulk import
# run this one statement.
CYCLE_SQL = text("""
WITH RECURSIVE up (id) AS (
    SELECT CAST(:parent AS INTEGER)
    UNION
    SELECT e.parent_id FROM up JOIN traceability_edge e ON e.child_id = up.id AND e.reversed = :no
)
SELECT 1 FROM up WHERE id = :child LIMIT 1
""")


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


def describe(uow: UnitOfWork, thing: TraceObject, names: Names | None = None,
             lot_code: Any = None) -> dict[str, Any]:
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
        lot = lot_code
        if thing.lot_id and (lot is None or lot is _MISSING):
            lot = _codes(uow, [thing.lot_id]).get(thing.lot_id)
        data |= {"serial": thing.code, "lot": lot if lot is not _MISSING else None,
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
_BACKWARD_COLUMNS = ("o.id, o.kind, o.item_id, o.code, o.lot_id, o.status, o.origin, "
                     "o.supplier_id, o.supplier_lot, o.expiry_date, o.container_type, "
                     "o.quantity, o.uom, r.doc, r.event_time, CAST(r.extra AS TEXT), "
                     "CAST(r.sources AS TEXT), CAST(r.biz_transactions AS TEXT)")
# The columns (and each lot's receipt event) travel through the recursion so that every step is
# an index probe on both databases: PostgreSQL cannot see a CTE's size and would otherwise hash
# whole tables at the end.
_BACKWARD_SQL = text(f"""
WITH RECURSIVE anc (id, kind, item_id, code, lot_id, status, origin, supplier_id, supplier_lot,
                    expiry_date, container_type, quantity, uom, r_doc, r_time, r_extra,
                    r_sources, r_documents) AS (
    SELECT {_BACKWARD_COLUMNS}
    FROM traceability_edge e JOIN traceability_object o ON o.id = e.child_id
    LEFT JOIN traceability_event r ON r.id = o.origin_event_id
    WHERE e.parent_id = :root AND e.reversed = :no
    UNION
    SELECT {_BACKWARD_COLUMNS}
    FROM anc JOIN traceability_edge e ON e.parent_id = anc.id AND e.reversed = :no
    JOIN traceability_object o ON o.id = e.child_id
    LEFT JOIN traceability_event r ON r.id = o.origin_event_id
)
SELECT anc.*, (SELECT l.code FROM traceability_object l WHERE l.id = anc.lot_id) AS lot_code,
       (SELECT l.code FROM traceability_object l WHERE l.id = :root_lot) AS root_lot_code
FROM anc
""").columns(expiry_date=Date, quantity=Quantity(), r_time=UTCDateTime())  # noqa: S608


def backward(uow: UnitOfWork, thing: TraceObject) -> dict[str, Any]:
    """Every ancestor lot and unit of ``thing`` (the root excluded) down to the supplier
    receipts, with the receipt and the incoming inspection result of each received lot."""
    rows = uow.session.connection().execute(
        _BACKWARD_SQL, {"root": thing.id, "no": False, "root_lot": thing.lot_id or 0}).all()
    sources = {r.id: json.loads(r.r_sources) for r in rows if r.r_sources}
    receipt_parties = {int(s["partner_id"]) for found in sources.values() for s in found
                       if s.get("partner_id")}
    names = Names(uow, [thing.item_id, *(r.item_id for r in rows)],
                  [thing.supplier_id, thing.customer_id, thing.holder_id, *receipt_parties,
                   *(r.supplier_id for r in rows)])
    lots, units, containers = [], [], []
    replaced: list[dict[str, Any]] = []
    history = parts.history_only(uow, thing.id, [r.id for r in rows], upward=False)
    suppliers: set[str] = set()
    inspections = inspection_results(uow, [r.id for r in rows
                                           if r.kind == "lot" and r.origin == "received"])
    for r in rows:
        if r.kind == "lot":
            supplier = names.partner(r.supplier_id)
            receipt = None
            if r.r_doc is not None or r.r_time is not None:
                party = next((int(p["partner_id"]) for p in sources.get(r.id, [])
                              if p.get("partner_id")), None)
                documents = json.loads(r.r_documents) if r.r_documents else []
                receipt = {"document": _document(documents, "recadv") or r.r_doc,
                           "purchase_order": _document(documents, "po"),
                           "date": _local_date(uow, r.r_time),
                           "supplier": names.partner(party) if party else supplier,
                           "inspection": inspections.get(r.id, (json.loads(r.r_extra)
                                                                if r.r_extra else {}
                                                                ).get("inspection")),
                           "doc": r.r_doc, "at": _iso(r.r_time),
                           "quantity": None if r.quantity is None else str(r.quantity),
                           "uom": r.uom, "documents": documents}
            if r.origin == "received" and supplier:
                suppliers.add(supplier)
            entry = {"item": names.item(r.item_id), "lot": r.code, "id": r.id,
                     "status": r.status, "origin": r.origin, "supplier": supplier,
                     "supplier_lot": r.supplier_lot, "expiry": _iso(r.expiry_date),
                     "receipt": receipt}
            (lots if r.id not in history else replaced).append(entry)
        elif r.kind == "unit":
            entry = {"item": names.item(r.item_id), "serial": r.code, "id": r.id,
                     "lot": r.lot_code, "quality_status": r.status}
            (units if r.id not in history else replaced).append(entry)
        else:
            containers.append({"sscc": r.code, "id": r.id, "type": r.container_type})
    lots.sort(key=lambda x: (x["item"] or "", x["lot"]))
    units.sort(key=lambda x: (x["item"] or "", x["serial"]))
    containers.sort(key=lambda x: x["sscc"])
    root_lot = rows[0].root_lot_code if rows else None
    root = describe(uow, thing, names, lot_code=root_lot if rows else _MISSING)
    return {"root": whereabouts.with_quantities(uow, root, thing),
            "lots": lots, "units": units, "containers": containers,
            "suppliers": sorted(suppliers), "replaced": _history(replaced, history)}


def _history(entries: list[dict[str, Any]], history: dict[int, dict[str, Any]]
             ) -> list[dict[str, Any]]:
    """The parts a trace reached only through a removal, each with when and by which document
    it was taken out (``removed_at`` is None for what left inside another removed part)."""
    for entry in entries:
        found = history[entry["id"]]
        entry |= {"kind": "unit" if "serial" in entry else "lot",
                  "removed_at": _iso(found["removed_at"]), "removed_doc": found["doc"]}
    return sorted(entries, key=lambda x: (x["item"] or "", x.get("serial") or x.get("lot")))


_MISSING: Any = object()


def _document(documents: list[dict[str, str]], kind: str) -> str | None:
    return next((str(d.get("id")) for d in documents if d.get("type") == kind and d.get("id")),
                None)


def _local_date(uow: UnitOfWork, moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(uow.timezone).date().isoformat()


#: the journal steps whose ``extra.inspection`` is an incoming-inspection decision
INSPECTION_STEPS = ("released", "rejected")


def inspection_results(uow: UnitOfWork, lot_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The latest incoming-inspection decision journalled on each lot (``extra.inspection`` of
    its release or rejection event: number, verdict, signed_by, signed_at)."""
    wanted = sorted(set(lot_ids))
    found: dict[int, dict[str, Any]] = {}
    query = (select(EventObject.object_id, Event.extra)
             .join(Event, Event.id == EventObject.event_id)
             .where(EventObject.object_id.in_(bindparam("ids", expanding=True)),
                    Event.step.in_(INSPECTION_STEPS))
             .order_by(Event.event_time, Event.id))
    connection = uow.session.connection()
    for start in range(0, len(wanted), 900):
        for object_id, extra in connection.execute(query, {"ids": wanted[start:start + 900]}):
            if isinstance(extra, str):
                extra = json.loads(extra)
            if isinstance(extra, dict) and isinstance(extra.get("inspection"), dict):
                found[object_id] = extra["inspection"]
    return found


def _codes(uow: UnitOfWork, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    found: dict[int, str] = {}
    query = select(TraceObject.id, TraceObject.code).where(
        TraceObject.id.in_(bindparam("ids", expanding=True)))
    connection = uow.session.connection()
    for start in range(0, len(wanted), 900):
        found.update(connection.execute(query, {"ids": wanted[start:start + 900]}).all())
    return found


# --- forward ------------------------------------------------------------------------------------
_FORWARD_COLUMNS = ("o.id, o.kind, o.item_id, o.code, o.lot_id, o.status, o.state, "
                    "o.customer_id, o.holder_id, o.location")
_FORWARD_SQL = {
    # SQLite probes the indexes step by step and joins at the end.
    "sqlite": f"""
WITH RECURSIVE des (id) AS (
    SELECT CAST(:root AS INTEGER)
    UNION
    SELECT e.parent_id FROM des JOIN traceability_edge e ON e.child_id = des.id AND e.reversed = :no
)
SELECT {_FORWARD_COLUMNS} FROM des JOIN traceability_object o ON o.id = des.id
""",  # noqa: S608 (a constant column list)
    # PostgreSQL cannot see a CTE's size: carry the columns through the recursion so that every
    # step is an index probe instead of a hash join over whole tables at the end.
    "postgresql": f"""
WITH RECURSIVE des (id, kind, item_id, code, lot_id, status, state, customer_id, holder_id,
                    location) AS (
    SELECT {_FORWARD_COLUMNS} FROM traceability_object o WHERE o.id = %(root)s
    UNION
    SELECT {_FORWARD_COLUMNS}
    FROM des JOIN traceability_edge e ON e.child_id = des.id AND e.reversed = %(no)s
    JOIN traceability_object o ON o.id = e.parent_id
)
SELECT * FROM des
""",  # noqa: S608 (a constant column list)
}
_UNIT_KEYS = itemgetter("item", "serial")


def _forward_rows(uow: UnitOfWork, root_id: int) -> list[tuple[Any, ...]]:
    """The walk, on the driver's own cursor: tens of thousands of plain tuples come back without
    a result-row object each (the statement is constant; only integers are bound)."""
    connection = uow.session.connection()
    dialect = connection.dialect.name
    raw = connection.connection.driver_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        cursor.execute(_FORWARD_SQL["postgresql" if dialect == "postgresql" else "sqlite"],
                       {"root": int(root_id), "no": False})
        return cursor.fetchall()
    finally:
        cursor.close()


def forward(uow: UnitOfWork, thing: TraceObject) -> dict[str, Any]:
    """The recall scope of ``thing``: every lot, unit and container made or packed from it,
    each finished unit with where it is now and who received it, and the totals."""
    rows = _forward_rows(uow, thing.id)
    item_ids = {r[2] for r in rows}
    item_ids.add(thing.item_id)
    partner_ids = {r[7] for r in rows} | {r[8] for r in rows}
    partner_ids.update((thing.supplier_id, thing.customer_id, thing.holder_id))
    lot_ids = {r[4] for r in rows} | {r[0] for r in rows if r[1] == "lot"}
    lot_ids.discard(None)
    names = Names(uow, item_ids, partner_ids)
    lot_rows = _lot_refs(uow, lot_ids)
    items_get, partner_get, lot_get = names.items.get, names.partners.get, lot_rows.get
    units: list[dict[str, Any]] = []
    subassemblies: list[dict[str, Any]] = []
    lots: list[dict[str, Any]] = []
    containers: list[dict[str, Any]] = []
    by_status: Counter[str] = Counter({s: 0 for s in rules.SCOPE_STATES})
    by_customer: Counter[str] = Counter()
    replaced: list[dict[str, Any]] = []
    history = parts.history_only(uow, thing.id, [r[0] for r in rows], upward=True)
    root_id, in_stock, no_item = thing.id, rules.IN_STOCK, (None, None)
    for object_id, kind, item_id, code, lot_id, status, state, customer_id, holder_id, loc \
            in rows:
        if object_id == root_id:
            continue
        if history and object_id in history:
            if kind == "unit":
                lot = lot_get(lot_id)
                replaced.append({"item": items_get(item_id, no_item)[0] or "", "serial": code,
                                 "lot": lot[0] if lot else None, "status": state or in_stock,
                                 "quality_status": status,
                                 "customer": partner_get(customer_id), "location": loc,
                                 "id": object_id})
            continue
        if kind == "unit":
            item_code, item_kind = items_get(item_id, no_item)
            state = state or in_stock
            customer = partner_get(customer_id)
            lot = lot_get(lot_id)
            unit = {"item": item_code or "", "serial": code, "lot": lot[0] if lot else None,
                    "status": state, "quality_status": status, "customer": customer,
                    "holder": partner_get(holder_id), "location": loc, "id": object_id}
            if item_kind == "finished":
                units.append(unit)
                by_status[state] += 1
                if customer:
                    by_customer[customer] += 1
            else:
                subassemblies.append(unit)
        elif kind == "lot":
            lot = lot_get(object_id)
            lots.append({"item": items_get(item_id, no_item)[0], "lot": code, "id": object_id,
                         "status": status, "state": state,
                         "expiry": _iso(lot[1]) if lot else None})
        else:
            containers.append({"sscc": code, "id": object_id, "type": None,
                               "status": state or in_stock,
                               "customer": partner_get(customer_id)})
    units.sort(key=_UNIT_KEYS)
    subassemblies.sort(key=_UNIT_KEYS)
    lots.sort(key=lambda x: (x["item"] or "", x["lot"]))
    containers.sort(key=lambda c: c["sscc"])
    root = whereabouts.with_quantities(uow, describe(uow, thing, names), thing)
    return {"root": root, "lots": lots, "units": units,
            "subassemblies": subassemblies, "containers": containers,
            "replaced": _history(replaced, history),
            "totals": {"units": len(units), "by_customer": dict(sorted(by_customer.items())),
                       "replaced": len(replaced),
                       "by_status": dict(by_status), "lots": len(lots),
                       "subassemblies": len(subassemblies), "containers": len(containers),
                       "customers": whereabouts.forward_customers(uow, root, lots, units)}}


def _lot_refs(uow: UnitOfWork, ids: Iterable[int]) -> dict[int, tuple[str, dt.date | None]]:
    """``{lot id: (lot number, expiry)}``."""
    wanted = sorted(ids)
    found: dict[int, tuple[str, dt.date | None]] = {}
    query = select(TraceObject.id, TraceObject.code, TraceObject.expiry_date).where(
        TraceObject.id.in_(bindparam("ids", expanding=True)))
    connection = uow.session.connection()
    for start in range(0, len(wanted), 900):
        for object_id, code, expiry in connection.execute(
                query, {"ids": wanted[start:start + 900]}):
            found[object_id] = (code, expiry)
    return found


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
             # an event of the thing itself and of its container: keep the thing's own row
             .order_by(Event.event_time, Event.id,
                       case((EventObject.object_id == thing.id, 0), else_=1)))
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
    return {"root": whereabouts.with_quantities(uow, describe(uow, thing), thing),
            "events": events}


def last_event_of(uow: UnitOfWork, object_id: int, step: str, *, role: str | None = None
                  ) -> Event | None:
    """The latest journal event of a step that names the thing (its QA release, say), in a
    role when given (``parent``: the packing of a container, not its packing onto a pallet)."""
    query = (select(Event).join(EventObject, EventObject.event_id == Event.id)
             .where(EventObject.object_id == object_id, Event.step == step))
    if role is not None:
        query = query.where(EventObject.role == role)
    return uow.session.scalars(query.order_by(Event.event_time.desc(), Event.id.desc())
                               .limit(1)).first()


def _zone(offset: str) -> dt.tzinfo:
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = offset[1:].split(":")
    return dt.timezone(sign * dt.timedelta(hours=int(hours), minutes=int(minutes)))


# -- issuability, the one SQL predicate ------------------------------------------------------------
def lot_issuable_clause(thing_id: Any, today: dt.date) -> Any:
    """SQL: the lot or serial unit whose id is ``thing_id`` (a column of the caller's query) may
    be issued or shipped: its status is issuable (``rules.ISSUABLE_STATUSES``) and it has not
    expired (a unit without an expiry of its own has its lot's). Id 0 (untracked goods) is
    always issuable. The same rule as ``rules.LotStatus.issuable`` with the expiry, written
    once for every query that filters stock."""
    thing, lot = aliased(TraceObject), aliased(TraceObject)
    expiry = func.coalesce(thing.expiry_date, lot.expiry_date)
    return or_(thing_id == 0, exists(
        select(thing.id).select_from(thing).outerjoin(lot, lot.id == thing.lot_id)
        .where(thing.id == thing_id, thing.status.in_(rules.ISSUABLE_STATUSES),
               or_(expiry.is_(None), expiry >= today))))
