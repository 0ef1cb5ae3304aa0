"""The bulk import's second half: genealogy edges (with their production, split, packing and
service events), shipments (whose whereabouts reach everything packed in what was shipped) and
service events. Mixed into ``bulk.TraceImport``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text

from medtrace.modules.traceability import rules
from medtrace.modules.traceability.bulk.rules import (
    RowError,
    micro_units,
    parse_qty,
    parse_time,
    raw_insert,
)
from medtrace.modules.traceability.queries import CYCLE_SQL

if TYPE_CHECKING:  # pragma: no cover
    from medtrace.modules.traceability.bulk.service import TraceImport

KIND_CODES = {"lot": 1, "unit": 2, "container": 3}
EDGE_OBJECT_KINDS = {"lot": "lot", "unit": "unit", "sscc": "container", "container": "container"}
GROUP_STEPS = {"production": "produced", "split": "split", "merge": "split",
               "repack": "split", "replacement": "replaced", "packing": "packed"}
SERVICE_STEPS = {"installed": "installed", "serviced": "serviced", "returned": "returned",
                 "scrapped": "scrapped", "delivered": "delivered", "moved": "moved"}
_SHIP_UPDATE = text("""
WITH RECURSIVE covered (id, customer_id, at, event_id) AS (
    SELECT object_id, customer_id, at, event_id FROM trace_import_ship
    UNION ALL
    SELECT e.child_id, c.customer_id, c.at, c.event_id FROM covered c
    JOIN traceability_edge e ON e.parent_id = c.id AND e.reversed = :no AND e.kind = 'packing'
)
UPDATE traceability_object SET state = 'shipped', customer_id = covered.customer_id,
    holder_id = covered.customer_id, state_at = covered.at, last_event_id = covered.event_id
FROM covered
WHERE traceability_object.id = covered.id
  AND (traceability_object.state_at IS NULL OR traceability_object.state_at <= covered.at)
""")


_SHIP_INSERT = {
    pg: "INSERT INTO trace_import_ship (object_id, customer_id, at, event_id) VALUES "  # noqa: S608
        "(:object_id, :customer_id, {}, :event_id)".format(
            "CAST(:at AS TIMESTAMP WITH TIME ZONE)" if pg else ":at")
    for pg in (False, True)
}


class LinkLoader:
    """Edges, shipments and service events of a ``TraceImport``."""

    def _edges(self: TraceImport, conn: Connection, batch: list[tuple[int, list[str]]]) -> None:
        # The hottest loop of the import (most rows are edges): look-ups are bound to locals,
        # a (document prefix, kinds) combination is checked against the rules once per batch,
        # and edges are built directly in their stored form.
        sqlite = conn.dialect.name == "sqlite"
        ids_get, kinds, was_child = self.ids.get, self.kind, self.was_child
        checked: dict[tuple[str, str, str, int, int], str] = {}
        edges: list[tuple[Any, ...]] = []
        edge_keys: list[tuple[Any, ...]] = []
        groups: dict[tuple[Any, ...], dict[str, Any]] = {}
        suspicious: list[tuple[int, int, int]] = []
        for line, row in batch:
            try:
                if len(row) < 7:
                    raise RowError("7 columns expected")
                child_kind, child_key, parent_kind, parent_key, qty, doc, time = row[:7]
                child, parent = ids_get(child_key), ids_get(parent_key)
                if child is None or parent is None:
                    raise RowError(f"unknown {child_kind if child is None else parent_kind} "
                                   f"{child_key if child is None else parent_key!r}")
                shape = (doc[:2], child_kind, parent_kind, kinds[child], kinds[parent])
                kind = checked.get(shape)
                if kind is None:
                    kind = checked[shape] = self._edge_kind(shape)
                if child == parent:
                    raise RowError(f"{child_key} cannot be part of itself")
                amount, at = parse_qty(qty), parse_time(time)
            except RowError as exc:
                exc.line = line
                raise
            if was_child[parent]:
                suspicious.append((child, parent, line))
            was_child[child] = 1  # at once: a cycle inside one batch is caught too
            key = (kind, doc, parent) if kind == "packing" else (kind, doc)
            group = groups.get(key)
            if group is None:
                group = groups[key] = {"kind": kind, "doc": doc, "at": at,
                                       "inputs": defaultdict(Decimal), "outputs": {}}
            elif at > group["at"]:
                group["at"] = at
            group["inputs"][child] += Decimal(amount)
            group["outputs"][parent] = at
            edges.append((child, parent, kind, micro_units(amount) if sqlite else amount,
                          doc, at, 0 if sqlite else False))
            edge_keys.append(key)
        event_ids = self._reserve(conn, "traceability_event", len(groups))
        events, objects, consumed, made = [], [], [], []
        for event_id, group in zip(event_ids, groups.values(), strict=True):
            group["id"] = event_id
            step = GROUP_STEPS[group["kind"]]
            packing = group["kind"] == "packing"
            events.append(self._event(
                event_id, step, group["at"], doc=group["doc"],
                type="AggregationEvent" if packing else "TransformationEvent",
                biz_transactions=[{"type": "prodorder" if step == "produced" else "desadv",
                                   "id": group["doc"]}] if group["doc"] else []))
            in_role, out_role = ("child", "parent") if packing else ("input", "output")
            for object_id, amount in group["inputs"].items():
                objects.append({"event_id": event_id, "object_id": object_id, "role": in_role,
                                "quantity": amount if self.kind[object_id] == 1 else None,
                                "uom": None})
                if not packing and self.kind[object_id] == 2:
                    consumed.append({"oid": object_id, "at": group["at"], "ev": event_id,
                                     "st": rules.CONSUMED})
            for object_id, at in group["outputs"].items():
                objects.append({"event_id": event_id, "object_id": object_id, "role": out_role,
                                "quantity": None, "uom": None})
                if not packing and self.kind[object_id] == 1:
                    made.append({"oid": object_id, "at": at, "ev": event_id,
                                 "st": rules.IN_STOCK})
        rows = [(*edge, groups[key]["id"]) for edge, key in zip(edges, edge_keys, strict=True)]
        self._events(conn, events, objects)
        raw_insert(conn, "traceability_edge", ("child_id", "parent_id", "kind", "quantity", "doc",
                                               "at", "reversed", "event_id"), rows)
        self._count("edges", len(edges))
        self._set_state(conn, consumed)
        self._set_state(conn, made)
        for child, parent, line in suspicious:
            if conn.execute(CYCLE_SQL, {"parent": parent, "child": child, "no": False}).first():
                error = RowError("this link would make a thing part of itself (a cycle)")
                error.line = line
                raise error

    def _edge_kind(self: TraceImport, shape: tuple[str, str, str, int, int]) -> str:
        """The link kind of an edge of this shape, or RowError when the rules refuse it."""
        prefix, child_kind, parent_kind, child_code, parent_code = shape
        ck, pk = EDGE_OBJECT_KINDS.get(child_kind), EDGE_OBJECT_KINDS.get(parent_kind)
        if ck is None or pk is None:
            raise RowError(f"unknown kinds {child_kind!r} → {parent_kind!r}")
        if KIND_CODES[ck] != child_code:
            raise RowError(f"the child is not a {ck}")
        if KIND_CODES[pk] != parent_code:
            raise RowError(f"the parent is not a {pk}")
        kind = rules.edge_kind_for(prefix, ck, pk) or "production"
        if not rules.edge_shape_allowed(kind, ck, pk):
            raise RowError(f"a {kind} link cannot go from a {ck} to a {pk}")
        return kind

    def _shipments(self: TraceImport, conn: Connection,
                   batch: list[tuple[int, list[str]]]) -> None:
        groups: dict[tuple[str, int, dt.datetime], dict[int, int]] = {}
        for line, row in batch:
            try:
                doc, _line_no, object_kind, object_key, customer, shipped_at = row[:6]
                kind = EDGE_OBJECT_KINDS.get(object_kind)
                if kind is None:
                    raise RowError(f"unknown object kind {object_kind!r}")
                object_id = self._object(object_key, kind)
                customer_id = self._partner_id(customer)
                at = parse_time(shipped_at)
            except RowError as exc:
                exc.line = line
                raise
            groups.setdefault((doc, customer_id, at), {})[object_id] = line
        event_ids = self._reserve(conn, "traceability_event", len(groups))
        events, objects, shipped = [], [], []
        for event_id, ((doc, customer_id, at), members) in zip(event_ids, groups.items(),
                                                                strict=True):
            party = {"type": "owning_party", "id": f"partner:{customer_id}",
                     "partner_id": str(customer_id)}
            events.append(self._event(event_id, "shipped", at, doc=doc, destinations=[party],
                                      biz_transactions=[{"type": "desadv", "id": doc}]))
            for object_id in members:
                objects.append({"event_id": event_id, "object_id": object_id, "role": "what",
                                "quantity": None, "uom": None})
                shipped.append({"object_id": object_id, "customer_id": customer_id, "at": at,
                                "event_id": event_id})
        self._events(conn, events, objects)
        _ship_whereabouts(conn, shipped)

    def _service_events(self: TraceImport, conn: Connection,
                        batch: list[tuple[int, list[str]]]) -> None:
        parsed = []
        for line, row in batch:
            try:
                source_id, serial, event, at_text, site, doc = row[:6]
                step = SERVICE_STEPS.get(event)
                if step is None:
                    raise RowError(f"unknown service event {event!r}")
                unit = self._object(serial, "unit")
                site_id = self._partner_id(site) if site else None
                at = parse_time(at_text)
            except RowError as exc:
                exc.line = line
                raise
            parsed.append((at, source_id, step, unit, site_id, doc))
        parsed.sort(key=lambda p: (p[0], p[1]))  # ties: the source's event order
        event_ids = self._reserve(conn, "traceability_event", len(parsed))
        events, objects, states = [], [], []
        for event_id, (at, source_id, step, unit, site_id, doc) in zip(event_ids, parsed,
                                                                        strict=True):
            places = ([{"type": "location", "id": f"partner:{site_id}",
                        "partner_id": str(site_id)}] if site_id else [])
            events.append(self._event(event_id, step, at, doc=doc or None,
                                      destinations=places,
                                      extra={"source_event_id": source_id}))
            objects.append({"event_id": event_id, "object_id": unit, "role": "what",
                            "quantity": None, "uom": None})
            state = rules.STEPS[step].state
            if state is not None:
                holder = site_id if state == rules.INSTALLED else None
                states.append({"oid": unit, "at": at, "ev": event_id, "st": state,
                               "holder": holder})
        self._events(conn, events, objects)
        self._set_state(conn, states, holder=True)


def _ship_whereabouts(conn: Connection, shipped: list[dict[str, Any]]) -> None:
    """Mark what was shipped, and everything packed in it at any depth, as shipped to the
    customer: one set-based statement over a temporary table of the batch's lines."""
    if not shipped:
        return
    stamp = "TIMESTAMP WITH TIME ZONE" if conn.dialect.name == "postgresql" else "TEXT"
    conn.execute(text("CREATE TEMP TABLE IF NOT EXISTS trace_import_ship (object_id INTEGER, "
                      f"customer_id INTEGER, at {stamp}, event_id INTEGER)"))
    conn.execute(text("DELETE FROM trace_import_ship"))
    conn.execute(text(_SHIP_INSERT[conn.dialect.name == "postgresql"]), shipped)
    conn.execute(_SHIP_UPDATE, {"no": False})
    conn.execute(text("DELETE FROM trace_import_ship"))
