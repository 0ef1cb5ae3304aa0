"""Set-based genealogy and status changes for a production batch: a lot of serial units.

``link_batch`` links the batch lot into each new unit of it (a ``production`` edge from the lot
to the unit), so the backward trace of a unit reaches every component consumed into its batch
and the forward trace of a component lot reaches every unit. ``change_batch_status`` changes
the quality status of the lot with its signature and, in one statement, of its units that were
in the lot's old status; the journal event names the lot and every unit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select, text, update

from medtrace.modules.traceability import rules
from medtrace.modules.traceability.errors import TraceCycleRefused, TraceInvalid
from medtrace.modules.traceability.models import Edge, Event, TraceObject
from medtrace.modules.traceability.service import (
    ThingRef,
    change_status,
    get_object_or_raise,
    record_event,
)
from medtrace.platform.actor import Actor
from medtrace.platform.db import bulk
from medtrace.platform.db.uow import UnitOfWork


def link_batch(uow: UnitOfWork, *, lot_id: int, unit_ids: Sequence[int], doc: str | None,
               event: Event | None = None, at: dt.datetime | None = None) -> int:
    """Link the batch lot into each of its units (units of the lot's item, of this lot, never
    parents of anything yet, so no cycle can close): one set-based insert. The edges made."""
    lot = get_object_or_raise(uow, lot_id)
    if lot.kind != "lot":
        raise TraceInvalid("a batch is a lot", errors=[{"field": "lot_id", "message": "not a lot"}])
    ids = sorted(set(unit_ids))
    if not ids:
        return 0
    conn = uow.session.connection()
    table = TraceObject.__table__
    edges = Edge.__table__
    for among in bulk.among(conn, table.c.id, ids):
        wrong = conn.execute(select(table.c.id).where(
            among, (table.c.kind != "unit") | (table.c.lot_id.is_(None)) |
            (table.c.lot_id != lot.id)).limit(1)).scalar()
        if wrong is not None:
            raise TraceInvalid(f"{wrong} is not a unit of batch {lot.code}",
                               errors=[{"field": "unit_ids", "message": "not of this batch"}])
    for among in bulk.among(conn, edges.c.child_id, ids):
        if conn.execute(select(edges.c.id).where(among, edges.c.reversed.is_(False))
                        .limit(1)).scalar() is not None:
            raise TraceCycleRefused(f"a unit of {lot.code} is already part of something")
    moment = at or uow.now()
    linked: set[int] = set()
    for among in bulk.among(conn, edges.c.parent_id, ids):
        linked.update(conn.execute(select(edges.c.parent_id).where(
            among, edges.c.child_id == lot.id, edges.c.reversed.is_(False))).scalars())
    rows = [{"child_id": lot.id, "parent_id": unit_id, "kind": "production", "quantity": None,
             "uom": None, "doc": doc, "at": moment, "event_id": event.id if event else None,
             "reversed": False} for unit_id in ids if unit_id not in linked]
    if rows:
        bulk.insert_rows(conn, edges, rows)  # type: ignore[arg-type]
    return len(rows)


def change_batch_status(uow: UnitOfWork, *, lot_id: int, status: str, reason: str,
                        actor: Actor, password: str | None = None, doc: str | None = None,
                        extra: dict | None = None) -> TraceObject:
    """Change the lot's status (with its signature, as ``change_status``) and, set-based, the
    status of its units that were in the lot's former status; one journal event names them
    all."""
    lot = get_object_or_raise(uow, lot_id)
    if lot.kind != "lot":
        raise TraceInvalid("a batch is a lot", errors=[{"field": "lot_id", "message": "not a lot"}])
    previous = lot.status
    table = TraceObject.__table__
    conn = uow.session.connection()
    unit_ids = list(conn.execute(select(table.c.id).where(
        table.c.kind == "unit", table.c.lot_id == lot.id, table.c.status == previous)
        .order_by(table.c.id)).scalars())
    change_status(uow, object_id=lot.id, status=status, reason=reason, actor=actor,
                  password=password, doc=doc, extra={**(extra or {}), "units": len(unit_ids)})
    if unit_ids:
        for among in bulk.among(conn, table.c.id, unit_ids):
            conn.execute(update(table).where(among).values(status=status))
        for obj in list(uow.session.identity_map.values()):
            if isinstance(obj, TraceObject) and obj.id in set(unit_ids):
                uow.session.expire(obj, ["status"])
        step = {rules.RELEASED: "released", rules.REJECTED: "rejected",
                rules.RECALLED: "recalled"}.get(status, "held")
        record_event(uow, step=step, what=[ThingRef(i, "unit") for i in unit_ids],  # type: ignore[misc]
                     doc=doc, extra={**(extra or {}), "status": status, "batch": lot.code,
                                     "reason": reason.strip()})
    return lot


def units_by_serial(uow: UnitOfWork, item_id: int, serials: Sequence[str]
                    ) -> dict[str, tuple[int, int | None]]:
    """The units of the item among these serials: ``{serial: (id, lot id)}``, one query per
    thousand serials."""
    table = TraceObject.__table__
    conn = uow.session.connection()
    found: dict[str, tuple[int, int | None]] = {}
    codes = list(dict.fromkeys(serials))
    for start in range(0, len(codes), 900):
        for row in conn.execute(select(table.c.code, table.c.id, table.c.lot_id).where(
                table.c.kind == "unit", table.c.item_id == item_id,
                table.c.code.in_(codes[start:start + 900]))):
            found[row.code] = (row.id, row.lot_id)
    return found


def codes_by_id(uow: UnitOfWork, ids: Sequence[int]) -> dict[int, str]:
    """The lot numbers, serials or SSCCs of things by id, one query per thousand."""
    table = TraceObject.__table__
    conn = uow.session.connection()
    found: dict[int, str] = {}
    for among in bulk.among(conn, table.c.id, list(dict.fromkeys(ids))):
        found.update((row.id, row.code) for row in conn.execute(
            select(table.c.id, table.c.code).where(among)))
    return found


def unit_rows(uow: UnitOfWork, ids: Sequence[int]) -> dict[int, dict]:
    """What issuing many units needs of each, by id: code, kind, item, lot, status, expiry,
    whereabouts state."""
    table = TraceObject.__table__
    conn = uow.session.connection()
    found: dict[int, dict] = {}
    for among in bulk.among(conn, table.c.id, list(dict.fromkeys(ids))):
        for row in conn.execute(select(
                table.c.id, table.c.code, table.c.kind, table.c.item_id, table.c.lot_id,
                table.c.status, table.c.expiry_date, table.c.state).where(among)):
            found[row.id] = dict(row._mapping)
    return found


def link_many(uow: UnitOfWork, *, links: Sequence[tuple[int, int, object, str | None]],
              kind: str, doc: str | None, event: Event | None = None) -> list[int]:
    """Many genealogy links at once, ``(child, parent, quantity, uom)`` each, refused when one
    would close a cycle (a parent already made, at any depth, into one of the children): one
    upward walk per distinct parent, one set-based insert. The ids of the links, in order."""
    from medtrace.modules.traceability.rules import edge_shape_allowed

    if not links:
        return []
    facts = unit_rows(uow, [i for c, p, _q, _u in links for i in (c, p)])
    conn = uow.session.connection()
    for child, parent, _q, _u in links:
        if child not in facts or parent not in facts or not edge_shape_allowed(
                kind, facts[child]["kind"], facts[parent]["kind"]):
            raise TraceInvalid(f"a {kind} link cannot join {child} and {parent}",
                               errors=[{"field": "kind", "message": "shape"}])
    for parent in {p for _c, p, _q, _u in links}:
        above = {parent} | set(conn.execute(_UPWARD_SQL, {"start": parent, "no": False})
                               .scalars())
        children = {c for c, p, _q, _u in links if p == parent}
        if above & children:
            raise TraceCycleRefused(f"{parent} already descends from a component")
    moment = uow.now()
    table = Edge.__table__
    ids = bulk.reserve_ids(conn, table, len(links))  # type: ignore[arg-type]
    bulk.insert_rows(conn, table, [  # type: ignore[arg-type]
        {"id": edge_id, "child_id": child, "parent_id": parent, "kind": kind,
         "quantity": quantity, "uom": uom, "doc": doc, "at": moment,
         "event_id": event.id if event else None, "reversed": False}
        for edge_id, (child, parent, quantity, uom) in zip(ids, links, strict=True)])
    return ids


# the things a thing was made into, at any depth (walking from child to parent)
_UPWARD_SQL = text("""
WITH RECURSIVE up (id) AS (
    SELECT e.parent_id FROM traceability_edge e WHERE e.child_id = :start AND e.reversed = :no
    UNION
    SELECT e.parent_id FROM up JOIN traceability_edge e ON e.child_id = up.id
        AND e.reversed = :no
)
SELECT id FROM up
""")
