"""Traceability business actions: create lots, serial units and containers; change their status;
link them in the genealogy; journal their events (``record_event``, the one entry point other
modules call inside their own unit of work) and keep their whereabouts."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text, update

from medtrace.modules import catalog
from medtrace.modules.traceability import events, rules
from medtrace.modules.traceability.errors import (
    EdgeAlreadyReversed,
    EventInvalid,
    ReasonRequired,
    StatusChangeRefused,
    TraceCycleRefused,
    TraceInvalid,
    TraceNotFound,
    TraceNumberTaken,
)
from medtrace.modules.traceability.models import (
    WHEREABOUTS,
    Edge,
    EdgeReversal,
    Event,
    EventObject,
    TraceObject,
)
from medtrace.modules.traceability.queries import CYCLE_SQL
from medtrace.platform import esign, numbering
from medtrace.platform.actor import SYSTEM, Actor
from medtrace.platform.db import bulk
from medtrace.platform.db.base import to_quantity
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_


def _problem(field_name: str, message: str) -> dict[str, str]:
    return {"field": field_name, "message": message}


def _actor(uow: UnitOfWork) -> Actor:
    return uow.context.get("actor") or SYSTEM


# --- reads ------------------------------------------------------------------------------------
def get_object(uow: UnitOfWork, object_id: int) -> TraceObject | None:
    return uow.session.get(TraceObject, object_id)


def get_object_or_raise(uow: UnitOfWork, object_id: int) -> TraceObject:
    found = get_object(uow, object_id)
    if found is None:
        raise TraceNotFound(f"no lot, unit or container {object_id}")
    return found


def find(uow: UnitOfWork, kind: str, code: str, item_id: int | None = None) -> TraceObject | None:
    query = select(TraceObject).where(TraceObject.kind == kind, TraceObject.code == code)
    if item_id is not None:
        query = query.where(TraceObject.item_id == item_id)
    return uow.session.scalars(query.limit(1)).first()


# --- creating things --------------------------------------------------------------------------
def _item_for(uow: UnitOfWork, item_id: int, *, lot: bool) -> Any:
    item = catalog.get_item_or_raise(uow, item_id)
    problem = rules.tracking_problem(item.tracking, "lot" if lot else "unit")
    if problem:
        raise TraceInvalid(f"{item.code}: {problem}", errors=[_problem("item_id", problem)])
    return item


def _check_number(number: str, field_name: str) -> str:
    number = (number or "").strip()
    problem = rules.number_problem(number)
    if problem:
        raise TraceInvalid(f"{field_name} {number!r}: {problem}",
                           errors=[_problem(field_name, problem)])
    return number


def create_lot(uow: UnitOfWork, *, item_id: int, number: str | None = None,
               manufacture_date: dt.date | None = None, expiry_date: dt.date | None = None,
               supplier_id: int | None = None, supplier_lot: str | None = None,
               quantity: Decimal | str | None = None, uom: str | None = None,
               status: str = rules.QUARANTINE, origin: str = "created") -> TraceObject:
    item = _item_for(uow, item_id, lot=True)
    if number is None:  # none entered: the item's numbering rule issues it (below)
        number = next_lot_number(uow, item.id)
    number = _check_number(number, "number")
    if manufacture_date and expiry_date and expiry_date < manufacture_date:
        raise TraceInvalid("the expiry date is before the manufacture date",
                           errors=[_problem("expiry_date", "before manufacture date")])
    if expiry_date is None and manufacture_date and item.shelf_life_days:
        expiry_date = manufacture_date + dt.timedelta(days=item.shelf_life_days)
    if status not in rules.STATUSES:
        raise TraceInvalid(f"unknown status {status!r}", errors=[_problem("status", "unknown")])
    amount = None
    if quantity is not None:
        amount = to_quantity(quantity)
        if amount <= 0:
            raise TraceInvalid("a lot's quantity is positive", errors=[_problem("quantity", "> 0")])
    if find(uow, "lot", number, item.id) is not None:
        raise TraceNumberTaken(f"lot {number} of {item.code} exists")
    lot = TraceObject(kind="lot", item_id=item.id, code=number, status=status, origin=origin,
                      manufacture_date=manufacture_date, expiry_date=expiry_date,
                      supplier_id=supplier_id, supplier_lot=supplier_lot, quantity=amount,
                      uom=uom or item.base_uom)
    uow.session.add(lot)
    uow.session.flush()
    return lot


def create_unit(uow: UnitOfWork, *, item_id: int, serial: str | None = None,
                lot_id: int | None = None,
                status: str = rules.QUARANTINE, origin: str = "created") -> TraceObject:
    item = _item_for(uow, item_id, lot=False)
    if serial is None:  # none entered: the item's numbering rule issues it (below)
        serial = next_serial(uow, item.id)
    serial = _check_number(serial, "serial")
    lot = None
    if lot_id is not None:
        lot = get_object_or_raise(uow, lot_id)
        if lot.kind != "lot" or lot.item_id != item.id:
            raise TraceInvalid("a unit's lot is a lot of the same item",
                               errors=[_problem("lot_id", "not a lot of this item")])
    elif item.tracking == "lot_serial":
        raise TraceInvalid(f"{item.code} is tracked by lot and serial: give the lot",
                           errors=[_problem("lot_id", "required")])
    if find(uow, "unit", serial, item.id) is not None:
        raise TraceNumberTaken(f"serial {serial} of {item.code} exists")
    unit = TraceObject(kind="unit", item_id=item.id, code=serial, status=status, origin=origin,
                       lot_id=lot_id, quantity=Decimal(1), uom=item.base_uom,
                       manufacture_date=lot.manufacture_date if lot else None,
                       expiry_date=lot.expiry_date if lot else None)
    uow.session.add(unit)
    uow.session.flush()
    return unit


@dataclass(frozen=True)
class ThingRef:
    """A lot, unit or container known by id and kind only: enough for ``record_event``'s
    parts, without loading thousands of rows (``refs``)."""

    id: int
    kind: str


def refs(ids: Sequence[int], kind: str = "unit") -> list[ThingRef]:
    return [ThingRef(i, kind) for i in ids]


def create_units(uow: UnitOfWork, *, item_id: int, serials: Sequence[str],
                 lot_id: int | None = None, status: str = rules.QUARANTINE,
                 origin: str = "created") -> list[int]:
    """Many serial units of one item at once (a receipt of a case of serials): the rules of
    ``create_unit`` checked once for the item and the lot, every serial checked, repeats in
    the list and serials the item already has refused with one query per thousand, and the
    units inserted by one set-based statement. Their ids, in the order of ``serials``.

    The units' creation is recorded by the caller's business document (e.g. the receipt and
    its lines in the audit trail) and by the journal event that follows (``received``), which
    names every unit; the audit trail gets no entry per unit."""
    item = _item_for(uow, item_id, lot=False)
    lot = None
    if lot_id is not None:
        lot = get_object_or_raise(uow, lot_id)
        if lot.kind != "lot" or lot.item_id != item.id:
            raise TraceInvalid("a unit's lot is a lot of the same item",
                               errors=[_problem("lot_id", "not a lot of this item")])
    elif item.tracking == "lot_serial":
        raise TraceInvalid(f"{item.code} is tracked by lot and serial: give the lot",
                           errors=[_problem("lot_id", "required")])
    if status not in rules.STATUSES:
        raise TraceInvalid(f"unknown status {status!r}", errors=[_problem("status", "unknown")])
    codes = [(serial or "").strip() for serial in serials]
    if not codes:
        raise TraceInvalid("no serials", errors=[_problem("serials", "empty")])
    for index, code in enumerate(codes):
        problem = rules.number_problem(code)
        if problem:
            raise TraceInvalid(f"serial {code!r}: {problem}",
                               errors=[_problem(f"serials.{index}", problem)])
    if len(set(codes)) != len(codes):
        seen: set[str] = set()
        repeated = next(c for c in codes if c in seen or seen.add(c))  # type: ignore[func-returns-value]
        raise TraceInvalid(f"serial {repeated} is listed twice",
                           errors=[_problem("serials", f"{repeated} repeated")])
    uow.session.flush()  # pending things first: the ids reserved below follow theirs
    table = TraceObject.__table__
    conn = uow.session.connection()
    for chunk in _chunks(codes, 5000):
        taken = conn.execute(select(table.c.code).where(
            table.c.kind == "unit", table.c.item_id == item.id,
            table.c.code.in_(chunk)).limit(1)).scalar()
        if taken is not None:
            raise TraceNumberTaken(f"serial {taken} of {item.code} exists")
    now = uow.now()
    base = {"kind": "unit", "item_id": item.id, "status": status, "origin": origin,
            "lot_id": lot.id if lot else None, "quantity": Decimal(1), "uom": item.base_uom,
            "manufacture_date": lot.manufacture_date if lot else None,
            "expiry_date": lot.expiry_date if lot else None, "supplier_id":
            lot.supplier_id if lot else None, "created_at": now}
    # On the connection: the audit trail records the business document, not each unit
    ids = bulk.reserve_ids(conn, table, len(codes))  # type: ignore[arg-type]
    bulk.insert_rows(conn, table, [{**base, "id": object_id, "code": code}  # type: ignore[arg-type]
                                   for object_id, code in zip(ids, codes, strict=True)])
    return ids


def unit_facts(uow: UnitOfWork, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """What moving many things needs to know of them, by id: kind, item, lot, status, expiry."""
    table = TraceObject.__table__
    found: dict[int, dict[str, Any]] = {}
    conn = uow.session.connection()
    for among in bulk.among(conn, table.c.id, ids):
        for row in conn.execute(select(table.c.id, table.c.kind, table.c.item_id,
                                       table.c.lot_id, table.c.status, table.c.expiry_date)
                                .where(among, table.c.kind == "unit")):
            found[row.id] = {"kind": row.kind, "item_id": row.item_id, "lot_id": row.lot_id,
                             "status": row.status, "expiry_date": row.expiry_date}
    return found


def objects_by_id(uow: UnitOfWork, ids: Sequence[int]) -> dict[int, ThingRef]:
    """Lightweight references of things (for ``record_event``) by id."""
    table = TraceObject.__table__
    found: dict[int, ThingRef] = {}
    conn = uow.session.connection()
    for among in bulk.among(conn, table.c.id, ids):
        for object_id, kind in conn.execute(select(table.c.id, table.c.kind).where(among)):
            found[object_id] = ThingRef(object_id, kind)
    return found


def create_container(uow: UnitOfWork, *, sscc: str, container_type: str = "case",
                     item_id: int | None = None) -> TraceObject:
    code = rules.normalize_sscc(sscc)
    if code is None:
        raise TraceInvalid(f"{sscc!r} is not an SSCC (18 digits with a GS1 check digit)",
                           errors=[_problem("sscc", "check digit")])
    if container_type not in ("case", "pallet", "tote", "other"):
        raise TraceInvalid(f"unknown container type {container_type!r}",
                           errors=[_problem("container_type", "unknown")])
    if find(uow, "container", code) is not None:
        raise TraceNumberTaken(f"SSCC {code} exists")
    if item_id is not None:
        catalog.get_item_or_raise(uow, item_id)
    box = TraceObject(kind="container", code=code, container_type=container_type,
                      item_id=item_id, origin="created")
    uow.session.add(box)
    uow.session.flush()
    return box


# --- status -----------------------------------------------------------------------------------
def change_status(uow: UnitOfWork, *, object_id: int, status: str, reason: str,
                  actor: Actor, password: str | None = None, read_point: str | None = None,
                  doc: str | None = None, extra: dict[str, Any] | None = None
                  ) -> TraceObject:
    """Move a lot or unit to another quality status. Releasing and rejecting are QA's, with an
    electronic signature; every change carries a reason and is journalled (``doc`` and
    ``extra`` go into the journal event, e.g. quality's ``{"inspection": {...}}``)."""
    thing = get_object_or_raise(uow, object_id)
    if thing.kind == "container":
        raise StatusChangeRefused("containers have no quality status; change their contents")
    if not (reason or "").strip():
        raise ReasonRequired()
    if status not in rules.STATUSES or not rules.status_move_allowed(thing.status, status):
        raise StatusChangeRefused(f"{thing.status} → {status}")
    needed = rules.STATUS_PERMISSION[status]
    from medtrace.modules.traceability.permissions import STATUS_PERMISSIONS

    if not actor.can(STATUS_PERMISSIONS[needed]):
        raise StatusChangeRefused(f"changing to {status} needs {STATUS_PERMISSIONS[needed]}")
    uow.context.setdefault("reason", reason.strip())
    meaning = rules.SIGNED_STATUSES.get(status)
    if meaning is not None:
        esign.sign(uow, record=thing, meaning=meaning, password=password or "", actor=actor,
                   comment=reason.strip())
    previous, thing.status = thing.status, status
    uow.session.flush()
    step = {rules.RELEASED: "released", rules.ON_HOLD: "held", rules.REJECTED: "rejected",
            rules.RECALLED: "recalled", rules.QUARANTINE: "held"}[status]
    record_event(uow, step=step, what=[thing], read_point=read_point, doc=doc,
                 extra={**(extra or {}), "status": status, "reason": reason.strip()})
    uow.publish(events.lot_status_changed(thing, previous, reason.strip()))
    return thing


# --- genealogy --------------------------------------------------------------------------------


def would_cycle(uow: UnitOfWork, child_id: int, parent_id: int) -> bool:
    """True when ``child`` already descends from ``parent`` (or is it)."""
    if child_id == parent_id:
        return True
    found = uow.session.execute(CYCLE_SQL, {"parent": parent_id, "child": child_id,
                                              "no": False}).first()
    return found is not None


def link(uow: UnitOfWork, *, child: TraceObject | int, parent: TraceObject | int, kind: str,
         quantity: Decimal | str | None = None, uom: str | None = None, doc: str | None = None,
         at: dt.datetime | None = None, event: Event | None = None) -> Edge:
    """Record that ``child`` was consumed into or packed in ``parent``."""
    child_obj = child if isinstance(child, TraceObject) else get_object_or_raise(uow, child)
    parent_obj = parent if isinstance(parent, TraceObject) else get_object_or_raise(uow, parent)
    if kind not in rules.EDGE_KINDS:
        raise TraceInvalid(f"unknown link kind {kind!r}", errors=[_problem("kind", "unknown")])
    if not rules.edge_shape_allowed(kind, child_obj.kind, parent_obj.kind):
        raise TraceInvalid(f"a {kind} link cannot go from a {child_obj.kind} to a "
                           f"{parent_obj.kind}", errors=[_problem("kind", "shape")])
    if would_cycle(uow, child_obj.id, parent_obj.id):
        raise TraceCycleRefused(f"{parent_obj.code} already descends from {child_obj.code}")
    amount = None if quantity is None else to_quantity(quantity)
    if amount is not None and amount <= 0:
        raise TraceInvalid("a link's quantity is positive", errors=[_problem("quantity", "> 0")])
    edge = Edge(child_id=child_obj.id, parent_id=parent_obj.id, kind=kind, quantity=amount,
                uom=uom, doc=doc, at=at or uow.now(), event_id=event.id if event else None,
                reversed=False)
    uow.session.add(edge)
    uow.session.flush()
    return edge


def reverse_link(uow: UnitOfWork, *, edge_id: int, reason: str) -> EdgeReversal:
    """Undo a genealogy link with a reversing record (the link itself stays, flagged)."""
    if not (reason or "").strip():
        raise ReasonRequired()
    edge = uow.session.get(Edge, edge_id)
    if edge is None:
        raise TraceNotFound(f"no genealogy link {edge_id}")
    if edge.reversed:
        raise EdgeAlreadyReversed()
    uow.context.setdefault("reason", reason.strip())
    reversal = EdgeReversal(edge_id=edge.id, reason=reason.strip(), actor=_actor(uow).key)
    uow.session.add(reversal)
    edge.reversed = True
    uow.session.flush()
    return reversal


# --- the journal --------------------------------------------------------------------------------
@dataclass
class Party:
    """A source or destination of an EPCIS event: a partner (by id) or a bare identifier."""

    type: str  # owning_party, possessing_party, location
    partner_id: int | None = None
    id: str | None = None


@dataclass
class Part:
    """One thing in an event, with its quantity when it is a lot (a quantity element)."""

    object: TraceObject
    quantity: Decimal | None = None
    uom: str | None = None


def _parts(items: Iterable[TraceObject | Part] | None) -> list[Part]:
    return [i if isinstance(i, Part) else Part(i) for i in (items or [])]


def record_event(uow: UnitOfWork, *, step: str, what: Sequence[TraceObject | Part] = (),
                 inputs: Sequence[TraceObject | Part] = (),
                 outputs: Sequence[TraceObject | Part] = (),
                 parent: TraceObject | None = None, at: dt.datetime | None = None,
                 read_point: str | None = None, biz_location: str | None = None,
                 doc: str | None = None, biz_transactions: list[dict[str, str]] | None = None,
                 sources: list[Party] | None = None, destinations: list[Party] | None = None,
                 disposition: str | None = None, location: str | None = None,
                 extra: dict[str, Any] | None = None, event_uid: str | None = None,
                 edge_kind: str | None = None, origin: str = "app",
                 event_type: str | None = None, action: str | None = None) -> Event:
    """Journal one event in the life of lots, units and containers, in the caller's transaction,
    and bring their whereabouts up to date.

    ``what`` are the things observed (ObjectEvent) or the children (AggregationEvent, with
    ``parent``); ``inputs``/``outputs`` make a TransformationEvent. With ``edge_kind`` a
    transformation also links every input to every output, and packing (``packed``) links the
    children to the parent; unpacking reverses those links.
    """
    spec = rules.STEPS.get(step)
    if spec is None:
        raise EventInvalid(f"unknown step {step!r}", errors=[_problem("step", "unknown")])
    moment = at or uow.now().astimezone(uow.timezone)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise EventInvalid("an event time needs its time zone", errors=[_problem("at", "naive")])
    what_parts, in_parts, out_parts = _parts(what), _parts(inputs), _parts(outputs)
    if not (what_parts or in_parts or out_parts or parent):
        raise EventInvalid("an event names at least one lot, unit or container",
                           errors=[_problem("what", "empty")])
    kind = event_type or ("TransformationEvent" if (in_parts or out_parts) else
                          "AggregationEvent" if parent is not None else "ObjectEvent")
    actor = _actor(uow)
    event = Event(
        event_uid=event_uid or f"urn:uuid:{uuid.uuid4()}", type=kind,
        action=None if kind == "TransformationEvent" else (action or spec.action or "OBSERVE"),
        step=step, biz_step=spec.biz_step, disposition=disposition or spec.disposition,
        event_time=moment.astimezone(dt.UTC), tz_offset=rules.tz_offset(moment),
        record_time=uow.now(), read_point=read_point, biz_location=biz_location, doc=doc,
        biz_transactions=biz_transactions or [],
        sources=[_party_json(p) for p in sources or []],
        destinations=[_party_json(p) for p in destinations or []],
        extra=extra or {}, actor=actor.key, request_id=uow.context.get("request_id"),
        origin=origin)
    uow.session.add(event)
    uow.session.flush()
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    for role, parts in (("what", what_parts), ("input", in_parts), ("output", out_parts)):
        for part in parts:
            key = (part.object.id, "child" if parent is not None and role == "what" else role)
            if key not in rows:
                rows[key] = {"event_id": event.id, "object_id": key[0], "role": key[1],
                             "quantity": part.quantity, "uom": part.uom}
    if parent is not None:
        rows[(parent.id, "parent")] = {"event_id": event.id, "object_id": parent.id,
                                       "role": "parent", "quantity": None, "uom": None}
    if len(rows) > 50:  # many things (a receipt of serials): one set-based statement
        bulk.insert_rows(uow.session.connection(), EventObject.__table__,  # type: ignore[arg-type]
                         list(rows.values()))
    else:
        uow.session.add_all(EventObject(**row) for row in rows.values())
        uow.session.flush()
    _link_for_event(uow, event, step, parent, what_parts, in_parts, out_parts, edge_kind)
    customer = next((p.partner_id for p in destinations or [] if p.partner_id), None)
    _apply_whereabouts(uow, event, spec, parent, what_parts, in_parts, out_parts,
                       location=location or biz_location or read_point, customer_id=customer)
    return event


def _party_json(party: Party) -> dict[str, str]:
    ident = party.id or (f"partner:{party.partner_id}" if party.partner_id else "")
    data = {"type": party.type, "id": ident}
    if party.partner_id:
        data["partner_id"] = str(party.partner_id)
    return data


def _link_for_event(uow: UnitOfWork, event: Event, step: str, parent: TraceObject | None,
                    what: list[Part], inputs: list[Part], outputs: list[Part],
                    edge_kind: str | None) -> None:
    at = event.event_time
    if parent is not None and step == "packed":
        for part in what:  # a lot's packed quantity rides on its link
            link(uow, child=part.object, parent=parent, kind="packing", quantity=part.quantity,
                 uom=part.uom, doc=event.doc, at=at, event=event)
    elif parent is not None and step == "unpacked":
        ids = [p.object.id for p in what]
        edges = uow.session.scalars(select(Edge).where(
            Edge.parent_id == parent.id, Edge.child_id.in_(ids), Edge.kind == "packing",
            Edge.reversed.is_(False))).all()
        for edge in edges:
            reverse_link(uow, edge_id=edge.id, reason=f"unpacked ({event.event_uid})")
    elif edge_kind and inputs and outputs:
        for out in outputs:
            for part in inputs:
                link(uow, child=part.object, parent=out.object, kind=edge_kind,
                     quantity=part.quantity, uom=part.uom, doc=event.doc, at=at, event=event)


_CONTENTS_SQL = text("""
WITH RECURSIVE inside (id) AS (
    SELECT e.child_id FROM traceability_edge e
    WHERE e.parent_id = :box AND e.kind = 'packing' AND e.reversed = :no
    UNION
    SELECT e.child_id FROM inside JOIN traceability_edge e
        ON e.parent_id = inside.id AND e.kind = 'packing' AND e.reversed = :no
)
SELECT id FROM inside
""")


def contents_of(uow: UnitOfWork, container_id: int) -> list[int]:
    """Everything packed in a container now, at any depth."""
    return list(uow.session.scalars(_CONTENTS_SQL, {"box": container_id, "no": False}))


def _apply_whereabouts(uow: UnitOfWork, event: Event, spec: rules.Step,
                       parent: TraceObject | None, what: list[Part], inputs: list[Part],
                       outputs: list[Part], *, location: str | None,
                       customer_id: int | None) -> None:
    """Bring the state of the things (and of what is packed in them) up to this event, unless
    a later event already set it: events may be recorded out of order."""
    changes: list[tuple[list[int], dict[str, Any]]] = []
    base: dict[str, Any] = {"state_at": event.event_time, "last_event_id": event.id}
    if inputs or outputs:
        consumed = [p.object.id for p in inputs if p.object.kind == "unit"]
        if consumed:
            changes.append((consumed, {**base, "state": rules.CONSUMED}))
        made = [p.object.id for p in outputs]
        if made and spec.state is not None and not spec.parts_only:
            changes.append((made, {**base, "state": spec.state, "location": location}))
    elif spec.state is not None or location:
        targets = [p.object.id for p in what if not (spec.parts_only and p.object.kind == "lot")
                   ] + ([parent.id] if parent is not None else [])
        for box in [p.object for p in what if p.object.kind == "container"] + (
                [parent] if parent is not None and step_moves_contents(spec) else []):
            targets.extend(contents_of(uow, box.id))
        values: dict[str, Any] = dict(base)
        if spec.state is not None:
            values["state"] = spec.state
        if location:
            values["location"] = location
        if spec.sets_customer and customer_id:
            values["customer_id"] = customer_id
            values["holder_id"] = customer_id
        elif spec.sets_holder and customer_id:
            values["holder_id"] = customer_id
        elif spec.state in (rules.IN_STOCK, rules.RETURNED):
            values["holder_id"] = None
        changes.append((sorted(set(targets)), values))
    if spec.name == "received":
        firsts = [p.object.id for p in what if p.object.kind == "lot"]
        if firsts:
            changes.append((firsts, {"origin_event_id": event.id}))
    touched: set[int] = set()
    for ids, values in changes:
        touched.update(ids)
        for among in bulk.among(uow.session.connection(), TraceObject.id, ids):
            statement = update(TraceObject).where(among)
            if "origin_event_id" in values:
                statement = statement.where(TraceObject.origin_event_id.is_(None))
            else:
                statement = statement.where(TraceObject.state_at.is_(None)
                                            | (TraceObject.state_at <= event.event_time))
            uow.session.execute(statement.values(**values)
                                .execution_options(synchronize_session=False))
    for obj in list(uow.session.identity_map.values()):
        if isinstance(obj, TraceObject) and obj.id in touched:
            uow.session.expire(obj, list(WHEREABOUTS))


def step_moves_contents(spec: rules.Step) -> bool:
    return spec.state is not None


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


__all__ = [
    "Part",
    "Party",
    "ThingRef",
    "change_status",
    "contents_of",
    "create_container",
    "create_lot",
    "create_unit",
    "create_units",
    "find",
    "get_object",
    "get_object_or_raise",
    "link",
    "objects_by_id",
    "record_event",
    "refs",
    "reverse_link",
    "unit_facts",
    "would_cycle",
]



# -------------------- formerly numbers.py --------------------
# Lot numbers and serials issued by the platform's numbering rules, when none is entered: the
# item's own rule (scope ``traceability.lot:item:<id>`` / ``traceability.serial:item:<id>``),
# else the default rule of the kind (``traceability.lot`` / ``traceability.serial``). A number
# the item already uses (entered by hand earlier) is passed over.

LOT_NUMBERS, SERIAL_NUMBERS = "traceability.lot", "traceability.serial"
numbering.register_kind(LOT_NUMBERS, N_("Lot numbers"))
numbering.register_kind(SERIAL_NUMBERS, N_("Serial numbers"))


def item_scope(kind: str, item_id: int) -> str:
    """The scope of one item's rule: ``traceability.lot:item:42``."""
    return f"{kind}:item:{item_id}"


def _next(uow: UnitOfWork, kind: str, thing: str, item_id: int) -> str:
    def taken(number: str) -> bool:
        return uow.session.scalar(select(TraceObject.id).where(
            TraceObject.kind == thing, TraceObject.item_id == item_id,
            TraceObject.code == number).limit(1)) is not None

    return numbering.next_number(uow, item_scope(kind, item_id), fallback=kind, skip=taken)


def next_lot_number(uow: UnitOfWork, item_id: int) -> str:
    return _next(uow, LOT_NUMBERS, "lot", item_id)


def next_serial(uow: UnitOfWork, item_id: int) -> str:
    return _next(uow, SERIAL_NUMBERS, "unit", item_id)
