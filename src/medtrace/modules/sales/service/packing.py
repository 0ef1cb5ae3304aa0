"""Packing: open picks into cases, cases onto pallets, each a container with an SSCC (the
``sales.sscc`` numbering rule, or a pre-printed label scanned); the containment is journalled
as aggregation events (``packed`` / ``unpacked``), so a trace by the SSCC finds what is in it."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, traceability
from medtrace.modules.sales import rules
from medtrace.modules.sales.errors import OrderStateConflict, PackingInvalid
from medtrace.modules.sales.models import Package, Pick, SalesOrder
from medtrace.modules.sales.permissions import PICK
from medtrace.modules.sales.schemas import PackIn
from medtrace.modules.sales.service.common import (
    ensure_may,
    get_order_or_raise,
    next_number,
    problem,
)
from medtrace.platform.actor import Actor
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_


def _refuse(field: str, message: str, text: str) -> PackingInvalid:
    return PackingInvalid(text, errors=[problem(field, message)])


def lot_parts(uow: UnitOfWork, picks: list[Pick], *, links: bool = True) -> list[Any]:
    """The journal's parts of some picks: each lot once with its summed quantity, each unit
    (loaded whole when the event links them, as packing does; else as light references)."""
    quantities: dict[int, Decimal] = defaultdict(Decimal)
    units: list[int] = []
    for pick in picks:
        if pick.unit_id is not None:
            units.append(pick.unit_id)
        elif pick.lot_id is not None:
            quantities[pick.lot_id] += pick.base_quantity
    lots = {lot_id: traceability.get_object_or_raise(uow, lot_id) for lot_id in quantities}
    uoms = {}
    for lot in lots.values():
        if lot.item_id not in uoms:
            uoms[lot.item_id] = catalog.get_item_or_raise(uow, lot.item_id).base_uom
    parts: list[Any] = [traceability.Part(lots[i], q, uoms[lots[i].item_id])
                        for i, q in quantities.items()]
    if links:
        parts.extend(traceability.get_object_or_raise(uow, u) for u in units)
    else:
        refs = traceability.objects_by_id(uow, units)
        parts.extend(refs[u] for u in units)
    return parts


def scanned_sscc(text: str) -> str | None:
    """The SSCC of a scanned or typed logistics label: 18 digits, ``00`` or ``(00)`` before
    them, a scanner's symbology identifier (``]C1``) first; None when it is not one."""
    raw = (text or "").strip()
    if raw[:1] == "]" and len(raw) > 3:
        raw = raw[3:]
    return traceability.normalize_sscc(raw)


def _sscc(uow: UnitOfWork, given: str | None) -> str:
    if not given:
        return next_number(uow, "sales.sscc")
    code = scanned_sscc(given)
    if code is None:
        raise _refuse("sscc", N_("not an SSCC: 18 digits with the GS1 check digit"),
                      f"{given!r} is not an SSCC")
    return code


def pack(uow: UnitOfWork, *, ref: str, data: PackIn, actor: Actor) -> Package:
    """A case of open, unpacked picks of the order, or a pallet of its unshipped cases."""
    ensure_may(actor, PICK)
    order = get_order_or_raise(uow, ref)
    if not rules.OrderStatus(order.status).fulfillable:
        raise OrderStateConflict(f"{order.number} is {order.status}: nothing to pack")
    if data.kind == "case":
        picks = _picks_to_pack(uow, order, data)
        children: list[Package] = []
    else:
        children = _cases_to_stack(uow, order, data)
        picks = []
    sscc = _sscc(uow, data.sscc)
    try:
        box = traceability.create_container(uow, sscc=sscc, container_type=data.kind)
    except traceability.TraceNumberTaken:
        raise _refuse("sscc", N_("this SSCC is in use"), f"SSCC {sscc} is in use") from None
    what = lot_parts(uow, picks) if picks else [
        traceability.get_object_or_raise(uow, c.trace_object_id) for c in children]
    traceability.record_event(uow, step="packed", what=what, parent=box, doc=order.number,
                              extra={"sales_order": order.number, "sscc": sscc})
    package = Package(order_id=order.id, sscc=sscc, kind=data.kind, parent_id=None,
                      trace_object_id=box.id, packed_at=uow.now(), packed_by=actor.name[:80])
    uow.session.add(package)
    uow.session.flush()
    for pick in picks:
        pick.package_id = package.id
    for child in children:
        child.parent_id = package.id
    uow.session.flush()
    return package


def _picks_to_pack(uow: UnitOfWork, order: SalesOrder, data: PackIn) -> list[Pick]:
    if data.packages or not data.picks:
        raise _refuse("picks", N_("a case holds picks: give them"), "give the picks")
    if len(set(data.picks)) != len(data.picks):
        raise _refuse("picks", N_("a pick is named twice"), "a pick is named twice")
    picks = list(uow.session.scalars(select(Pick).where(Pick.id.in_(data.picks))))
    found = {p.id: p for p in picks}
    wrong = [i for i, pick_id in enumerate(data.picks) if pick_id not in found
             or found[pick_id].order_id != order.id
             or found[pick_id].status != rules.PickStatus.OPEN
             or found[pick_id].package_id is not None]
    if wrong:
        raise PackingInvalid("only open, unpacked picks of the order go into a case",
                             errors=[problem(f"picks.{i}", N_("not an open, unpacked pick of "
                                                              "this order")) for i in wrong])
    return [found[i] for i in data.picks]


def _cases_to_stack(uow: UnitOfWork, order: SalesOrder, data: PackIn) -> list[Package]:
    if data.picks or not data.packages:
        raise _refuse("packages", N_("a pallet holds cases: give their SSCCs"),
                      "give the cases")
    cases = []
    problems = []
    for index, given in enumerate(data.packages):
        code = scanned_sscc(given)
        case = uow.session.scalar(select(Package).where(Package.sscc == code)) if code else None
        if case is None or case.order_id != order.id or case.kind != "case" \
                or case.parent_id is not None or case.shipment_id is not None:
            problems.append(problem(f"packages.{index}", N_("not an unshipped case of this "
                                                            "order that is on no pallet")))
        elif case in cases:
            problems.append(problem(f"packages.{index}", N_("named twice")))
        else:
            cases.append(case)
    if problems:
        raise PackingInvalid("only unshipped cases of the order go onto a pallet",
                             errors=problems)
    return cases


def unpack(uow: UnitOfWork, *, ref: str, sscc: str, actor: Actor) -> Package:
    """Open an unshipped case or pallet (a pallet's cases first come off it): its picks or
    cases are loose again and the containment is reversed in the journal."""
    ensure_may(actor, PICK)
    order = get_order_or_raise(uow, ref)
    code = scanned_sscc(sscc) or sscc
    package = uow.session.scalar(select(Package).where(Package.sscc == code,
                                                       Package.order_id == order.id))
    if package is None or package.shipment_id is not None:
        raise _refuse("sscc", N_("not an unshipped package of this order"), "no such package")
    if package.parent_id is not None:
        raise _refuse("sscc", N_("on a pallet: unpack the pallet first"), "on a pallet")
    box = traceability.get_object_or_raise(uow, package.trace_object_id)
    picks = list(uow.session.scalars(select(Pick).where(Pick.package_id == package.id)))
    cases = list(uow.session.scalars(select(Package).where(Package.parent_id == package.id)))
    what = lot_parts(uow, picks) if picks else [
        traceability.get_object_or_raise(uow, c.trace_object_id) for c in cases]
    if what:
        traceability.record_event(uow, step="unpacked", what=what, parent=box,
                                  doc=order.number, extra={"sales_order": order.number})
    for pick in picks:
        pick.package_id = None
    for case in cases:
        case.parent_id = None
    uow.session.flush()
    uow.session.delete(package)
    uow.session.flush()
    return package


def packages_of(uow: UnitOfWork, order_id: int) -> list[Package]:
    return list(uow.session.scalars(select(Package).where(Package.order_id == order_id)
                                    .order_by(Package.id)))


def inside(uow: UnitOfWork, package: Package) -> list[Pick]:
    """The picks in a package, at any depth."""
    found = list(uow.session.scalars(select(Pick).where(Pick.package_id == package.id)))
    for case in uow.session.scalars(select(Package).where(Package.parent_id == package.id)):
        found.extend(inside(uow, case))
    return found
