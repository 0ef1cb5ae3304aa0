"""Replacing a part of a unit in service, in the caller's transaction: the removed part's edges
are flagged removed (never deleted: the history stays), a ``replacement`` edge links the fitted
part to where the removed one sat, and the journal records ``removed`` (the old part) and
``installed`` (a TransformationEvent: the spare into the unit)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from medtrace.modules.traceability.errors import PartNotContained, PartNotFittable
from medtrace.modules.traceability.models import Edge, Event, TraceObject
from medtrace.modules.traceability.parts.queries import composition
from medtrace.modules.traceability.service import (
    Part,
    get_object_or_raise,
    record_event,
    would_cycle,
)
from medtrace.platform.db.base import to_quantity
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_

#: edges that say "is built into" (packing in a case is not containment)
BUILT_IN = ("production", "replacement", "repack", "merge", "capture")


@dataclass
class Replacement:
    """What ``replace_part`` did: where the part sat, how much left, the journal's events."""

    parent: TraceObject
    quantity: Decimal | None
    fitted_quantity: Decimal | None
    removed_edges: list[Edge]
    fitted_edge: Edge
    removed_event: Event
    fitted_event: Event


def _problem(field: str, message: str, **more: Any) -> dict[str, Any]:
    return {"field": field, "message": message, **more}


def edges_holding(uow: UnitOfWork, host: TraceObject, part: TraceObject, *,
                  lock: bool = False) -> list[Edge]:
    """The live edges that build ``part`` into ``host`` or into one of the subassemblies the
    host contains now, oldest first. ``lock``: held until the end of the transaction
    (PostgreSQL), so that two technicians removing the same part at once do not both remove
    it: the second waits, then finds the edge removed."""
    holders = composition(uow, host.id) | {host.id}
    query = (select(Edge).where(Edge.child_id == part.id, Edge.reversed.is_(False),
                                Edge.removed_at.is_(None), Edge.kind.in_(BUILT_IN),
                                Edge.parent_id.in_(sorted(holders)))
             .order_by(Edge.id))
    if lock:
        query = query.with_for_update()
    return list(uow.session.scalars(query))


def _left(edge: Edge) -> Decimal | None:
    """How much of the edge's quantity is still in the parent (None: all of it, unquantified)."""
    if edge.quantity is None:
        return None
    return edge.quantity - (edge.removed_quantity or Decimal(0))


def replace_part(uow: UnitOfWork, *, host: TraceObject, removed: TraceObject,
                 fitted: TraceObject, quantity: Decimal | None = None,
                 fitted_quantity: Decimal | None = None, uom: str | None = None,
                 fitted_uom: str | None = None, doc: str | None = None,
                 at: dt.datetime | None = None, removed_location: str | None = None,
                 read_point: str | None = None, extra: dict[str, Any] | None = None,
                 removed_disposition: str | None = None) -> Replacement:
    """Take ``removed`` out of ``host`` and fit ``fitted`` where it sat.

    ``quantity`` is how much of a removed lot leaves (default: all the lot's quantity in that
    place; a serial part is one piece); ``fitted_quantity`` how much of a fitted lot goes in
    (default: the removed quantity, or one piece). Refused with ``PartNotContained`` when the
    host does not contain the removed part now (``removed_disposition``: ``destroyed`` when it
    is scrapped on the spot) or less of it than asked, with
    ``PartNotFittable`` when the fitted part is built into something already or is the removed
    part. Stock and quality checks of the spare are the caller's (its stock move)."""
    if host.kind != "unit":
        raise PartNotContained("parts are replaced in a serial unit",
                               errors=[_problem("unit", N_("not a serial unit"))])
    if fitted.id == removed.id and removed.kind == "unit":  # a piece of a lot for another: fine
        raise PartNotFittable("the fitted part is the removed part",
                              errors=[_problem("fitted", N_("the same part as the removed "
                                                            "one"))])
    for field, thing in (("removed", removed), ("fitted", fitted)):
        if thing.kind not in ("lot", "unit"):
            error = PartNotContained if field == "removed" else PartNotFittable
            raise error(f"the {field} part is a lot or a serial unit",
                        errors=[_problem(field, N_("scan a lot or a serial unit, not a "
                                                   "package"))])
    edges = edges_holding(uow, host, removed, lock=True)
    if not edges:
        raise PartNotContained(f"{host.code} does not contain {removed.code}",
                               errors=[_problem("removed", N_("the unit does not contain "
                                                              "this part"),
                                                code=removed.code)])
    parent_id = edges[0].parent_id
    edges = [e for e in edges if e.parent_id == parent_id]
    amount = _removed_amount(removed, edges, quantity)
    if fitted.kind == "unit":
        inside = uow.session.scalar(select(Edge.parent_id).where(
            Edge.child_id == fitted.id, Edge.reversed.is_(False), Edge.removed_at.is_(None),
            Edge.kind.in_(BUILT_IN)).limit(1))
        if inside is not None:
            raise PartNotFittable(f"{fitted.code} is built into another unit",
                                  errors=[_problem("fitted", N_("already built into another "
                                                                "unit"),
                                                   code=get_object_or_raise(uow, inside).code)])
        fitted_amount = None
    else:
        fitted_amount = to_quantity(fitted_quantity if fitted_quantity is not None
                                    else amount if amount is not None else Decimal(1))
        if fitted_amount <= 0:
            raise PartNotFittable("fit a positive quantity",
                                  errors=[_problem("fitted_quantity", N_("must be positive"))])
    parent = get_object_or_raise(uow, parent_id)
    if would_cycle(uow, fitted.id, parent.id):
        raise PartNotFittable(f"{parent.code} is built from {fitted.code}",
                              errors=[_problem("fitted", N_("the unit is built from this part: "
                                                            "it cannot go into itself"))])
    moment = at or uow.now().astimezone(uow.timezone)
    details = dict(extra or {})
    removed_event = record_event(
        uow, step="removed", at=moment, doc=doc, read_point=read_point,
        location=removed_location, disposition=removed_disposition,
        what=[Part(removed, amount, uom or removed.uom) if removed.kind == "lot" else removed],
        extra={**details, "host": host.code, "parent": parent.code,
               "replaced_by": fitted.code})
    _mark_removed(edges, amount, moment, removed_event)
    fitted_event = record_event(
        uow, step="installed", at=moment, doc=doc, read_point=read_point,
        inputs=[Part(fitted, fitted_amount, fitted_uom or fitted.uom)
                if fitted.kind == "lot" else fitted],
        outputs=[parent], edge_kind="replacement",
        extra={**details, "host": host.code, "parent": parent.code,
               "replaces": removed.code})
    fitted_edge = uow.session.scalars(select(Edge).where(
        Edge.event_id == fitted_event.id, Edge.child_id == fitted.id)).one()
    return Replacement(parent=parent, quantity=amount, fitted_quantity=fitted_amount,
                       removed_edges=edges, fitted_edge=fitted_edge,
                       removed_event=removed_event, fitted_event=fitted_event)


def _removed_amount(removed: TraceObject, edges: list[Edge], quantity: Decimal | None
                    ) -> Decimal | None:
    if removed.kind == "unit":
        if quantity is not None and to_quantity(quantity) != 1:
            raise PartNotContained("a serial part is one piece",
                                   errors=[_problem("quantity", N_("a serial part is one "
                                                                   "piece"))])
        return None
    lefts = [_left(e) for e in edges]
    contained = None if any(x is None for x in lefts) else sum(
        (x for x in lefts if x is not None), Decimal(0))
    if quantity is None:
        return contained
    amount = to_quantity(quantity)
    if amount <= 0:
        raise PartNotContained("remove a positive quantity",
                               errors=[_problem("quantity", N_("must be positive"))])
    if contained is not None and amount > contained:
        raise PartNotContained(f"the unit contains {contained} of {removed.code}",
                               errors=[_problem("quantity", N_("more than the unit contains"),
                                                contained=str(contained))])
    return amount


def _mark_removed(edges: list[Edge], amount: Decimal | None, moment: dt.datetime,
                  event: Event) -> None:
    """Flag the edges (oldest first) whose quantity left; an edge is removed when all of its
    quantity has left (an unquantified edge, at once)."""
    remaining = amount
    for edge in edges:
        left = _left(edge)
        if remaining is None or left is None:
            take = left
            done = True
        else:
            take = min(left, remaining)
            remaining -= take
            done = take == left
        if take is not None:
            edge.removed_quantity = (edge.removed_quantity or Decimal(0)) + take
        if done:
            edge.removed_at = moment.astimezone(dt.UTC)
            edge.removed_event_id = event.id
        if remaining is not None and remaining <= 0:
            break
