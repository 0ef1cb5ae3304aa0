"""Where the quantity of a lot is: a lot is rarely in one place. Derived from this module's own
journal and genealogy, per lot: the quantity in stock per location, shipped per customer (and
ship-to), returned, and consumed into which parents (with the quantity each link carries).

The stock moves journal each movement with ``extra.from_stock`` / ``extra.to_stock`` (whether
each side holds stock); events recorded without them (captured or imported) count by their
step: ``received`` and ``returned`` put stock at their business location, ``shipped`` and
``scrapped`` take it from their read point, and ``moved`` goes from one to the other.

Read by the trace answers (``queries.py``): the lot root's ``quantities``, each forward lot's
``customers`` and ``uom``, and ``totals.customers``. Published JSON: fields are only added."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased

from medtrace.modules import catalog, partners
from medtrace.modules.traceability.models import Edge, Event, EventObject, TraceObject
from medtrace.platform.db.uow import UnitOfWork

_INTO = {"received": (False, True), "returned": (False, True), "shipped": (True, False),
         "scrapped": (True, False), "moved": (True, True)}
_CHUNK = 900


def amount(value: Decimal | None) -> str | None:
    """An exact quantity as text without trailing zeros (``120``, ``0.5``)."""
    if value is None:
        return None
    text = f"{Decimal(value).normalize():f}"
    return text


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), _CHUNK):
        yield wanted[start:start + _CHUNK]


def _ship_to(destinations: list[dict[str, str]], extra: dict[str, Any]) -> str | None:
    named = extra.get("ship_to") if isinstance(extra, dict) else None
    if named:
        return str(named)
    return next((d.get("id") for d in destinations or []
                 if d.get("type") == "location" and d.get("id")), None)


def lot_quantities(uow: UnitOfWork, lot_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """``{lot id: quantities}`` (see ``empty`` for the shape), for many lots at once."""
    ids = sorted(set(lot_ids))
    if not ids:
        return {}
    stock: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    shipped: dict[int, dict[tuple[int | None, str | None], Decimal]] = defaultdict(
        lambda: defaultdict(Decimal))
    returned: dict[int, Decimal] = defaultdict(Decimal)
    uoms: dict[int, str] = {}
    partner_ids: set[int] = set()
    # a transformation's inputs and outputs count where the event says which side held stock
    # (production's issues and output); other transformations only link (genealogy)
    query = (select(EventObject.object_id, EventObject.quantity, EventObject.uom, Event.step,
                    Event.read_point, Event.biz_location, Event.destinations, Event.extra,
                    EventObject.role)
             .join(Event, Event.id == EventObject.event_id)
             .where(EventObject.object_id.in_(bindparam("ids", expanding=True)),
                    EventObject.role.in_(("what", "input", "output")),
                    EventObject.quantity.is_not(None))
             .order_by(Event.event_time, Event.id))
    connection = uow.session.connection()
    for chunk in _chunks(ids):
        for lot_id, quantity, uom, step, source, target, destinations, extra, role in \
                connection.execute(query, {"ids": chunk}):
            quantity = Decimal(quantity)
            extra = extra if isinstance(extra, dict) else {}
            if role != "what" and not ("from_stock" in extra or "to_stock" in extra):
                continue
            if uom:
                uoms.setdefault(lot_id, uom)
            out_of, into = _INTO.get(step, (False, False))
            if "from_stock" in extra or "to_stock" in extra:
                out_of, into = bool(extra.get("from_stock")), bool(extra.get("to_stock"))
            if out_of and source:
                stock[lot_id][source] -= quantity
            if into and target:
                stock[lot_id][target] += quantity
            if step == "shipped":
                partner = next((int(d["partner_id"]) for d in destinations or []
                                if d.get("partner_id")), None)
                if partner:
                    partner_ids.add(partner)
                shipped[lot_id][(partner, _ship_to(destinations, extra))] += quantity
            elif step == "returned":
                returned[lot_id] += quantity
    consumed = _consumed_into(uow, ids)
    codes = partners.partner_codes(uow, partner_ids)
    answer: dict[int, dict[str, Any]] = {}
    for lot_id in ids:
        places = sorted((loc, q) for loc, q in stock[lot_id].items() if q > 0)
        sent = sorted(((codes.get(p) if p else None, to, q)
                       for (p, to), q in shipped[lot_id].items()),
                      key=lambda s: (s[0] or "\uffff", s[1] or ""))
        parents = consumed.get(lot_id, [])
        answer[lot_id] = {
            "uom": uoms.get(lot_id),
            "in_stock": [{"location": loc, "quantity": amount(q)} for loc, q in places],
            "in_stock_total": amount(sum((q for _l, q in places), Decimal(0))),
            "shipped": [{"customer": who, "ship_to": to, "quantity": amount(q)}
                        for who, to, q in sent],
            "shipped_total": amount(sum((q for _w, _t, q in sent), Decimal(0))),
            "returned_total": amount(returned.get(lot_id, Decimal(0))),
            "consumed_into": parents,
            "consumed_total": amount(sum((Decimal(p["quantity"]) for p in parents
                                          if p["quantity"] is not None), Decimal(0))),
        }
    return answer


def _consumed_into(uow: UnitOfWork, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The parents each lot went into (live genealogy links), with the linked quantity."""
    parent = aliased(TraceObject)
    query = (select(Edge.child_id, Edge.kind, Edge.quantity, Edge.uom, parent.kind,
                    parent.code, parent.item_id)
             .join(parent, parent.id == Edge.parent_id)
             .where(Edge.child_id.in_(bindparam("ids", expanding=True)),
                    Edge.reversed.is_(False), Edge.kind != "packing")
             .order_by(Edge.child_id, parent.code))
    rows = []
    connection = uow.session.connection()
    for chunk in _chunks(ids):
        rows.extend(connection.execute(query, {"ids": chunk}).all())
    items = catalog.item_refs(uow, {r[6] for r in rows if r[6] is not None})
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for child_id, kind, quantity, uom, parent_kind, code, item_id in rows:
        ref = items.get(item_id)
        found[child_id].append({"kind": parent_kind, "code": code,
                                "item": ref[0] if ref else None, "link": kind,
                                "quantity": amount(quantity), "uom": uom})
    return found


def customer_totals(units: Iterable[dict[str, Any]],
                    lots: Iterable[tuple[str | None, str, dict[str, Any]]]
                    ) -> list[dict[str, Any]]:
    """Per customer: how many serial units it holds (``units``: the answer's unit dicts with
    their ``customer``), and the quantity of each lot it received (``lots``: item, lot number,
    quantities). Every customer that received any quantity is listed."""
    totals: dict[str, dict[str, Any]] = {}

    def entry(code: str) -> dict[str, Any]:
        return totals.setdefault(code, {"customer": code, "units": 0, "lots": []})

    for unit in units:
        if unit.get("customer"):
            entry(unit["customer"])["units"] += 1
    for item, lot, quantities in lots:
        per_customer: dict[str, Decimal] = defaultdict(Decimal)
        for sent in quantities["shipped"]:
            if sent["customer"]:
                per_customer[sent["customer"]] += Decimal(sent["quantity"])
        for code, quantity in per_customer.items():
            entry(code)["lots"].append({"item": item, "lot": lot, "quantity": amount(quantity),
                                        "uom": quantities["uom"]})
    for value in totals.values():
        value["lots"].sort(key=lambda x: (x["item"] or "", x["lot"]))
    return [totals[code] for code in sorted(totals)]


def lot_customers(quantities: dict[str, Any]) -> list[dict[str, Any]]:
    """The customers of one lot with the quantity each received (all ship-tos together)."""
    per_customer: dict[str, Decimal] = defaultdict(Decimal)
    for sent in quantities["shipped"]:
        if sent["customer"]:
            per_customer[sent["customer"]] += Decimal(sent["quantity"])
    return [{"customer": code, "quantity": amount(q), "uom": quantities["uom"]}
            for code, q in sorted(per_customer.items())]


def with_quantities(uow: UnitOfWork, root: dict[str, Any], thing: TraceObject
                    ) -> dict[str, Any]:
    """A trace answer's root, with ``quantities`` (its whereabouts by quantity) when it is a
    lot, and ``customers`` (every customer that received any of it) for any kind."""
    if thing.kind == "lot":
        quantities = lot_quantities(uow, [thing.id])[thing.id]
        root["quantities"] = quantities
        root["customers"] = lot_customers(quantities)
    else:
        root["customers"] = ([{"customer": root["customer"], "quantity": "1", "uom": None}]
                             if root.get("customer") else [])
    return root


def forward_customers(uow: UnitOfWork, root: dict[str, Any], lots: list[dict[str, Any]],
                      units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Adds ``customers`` and ``uom`` to each lot of a forward answer and returns the totals by
    customer (units for serials, quantities for lots, the root's own shipments included)."""
    found = lot_quantities(uow, [x["id"] for x in lots])
    for x in lots:
        quantities = found[x["id"]]
        x["uom"] = quantities["uom"]
        x["customers"] = lot_customers(quantities)
    pairs = [(x["item"], x["lot"], found[x["id"]]) for x in lots]
    if root["kind"] == "lot":
        pairs.insert(0, (root.get("item"), root["lot"], root["quantities"]))
    counted = list(units)
    if root["kind"] == "unit":
        counted.append(root)
    return customer_totals(counted, pairs)
