"""Shipment: in one transaction, the licence gate again, the stock moves to the customer,
the journal's ``shipped`` events naming the customer and ship-to, the shipment and its lines
(the delivery note), a certificate of conformity per lot where the item requires one, and the
advance ship notice (EPCIS 2.0) published with the shipment. Delivery confirmation is
journalled as ``delivered``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, inventory, partners, traceability
from medtrace.modules.sales import events, rules
from medtrace.modules.sales.errors import (
    OrderStateConflict,
    ScanRefused,
    ShipmentInvalid,
    ShipmentNotFound,
    ShipmentStateConflict,
)
from medtrace.modules.sales.models import (
    Certificate,
    Package,
    Pick,
    SalesOrder,
    Shipment,
    ShipmentLine,
    ShipTo,
)
from medtrace.modules.sales.permissions import SHIP
from medtrace.modules.sales.schemas import DeliveryIn, PickIn, ShipmentCreate, ShipmentLineIn
from medtrace.modules.sales.service.common import (
    base_quantity,
    ensure_licensed,
    ensure_may,
    get_order_or_raise,
    lock_allocations,
    next_number,
    order_lines,
    problem,
    read_scan,
    set_status,
    shelf_life_floor,
)
from medtrace.modules.sales.service.packing import inside, lot_parts, scanned_sscc
from medtrace.modules.sales.service.picking import open_picks, pick_for
from medtrace.platform.actor import Actor
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_


def get_shipment_or_raise(uow: UnitOfWork, number: str) -> Shipment:
    found = uow.session.scalar(select(Shipment).where(Shipment.number == number.strip()))
    if found is None:
        raise ShipmentNotFound(f"no shipment {number}")
    return found


def shipment_lines(uow: UnitOfWork, shipment_id: int) -> list[ShipmentLine]:
    return list(uow.session.scalars(select(ShipmentLine).where(
        ShipmentLine.shipment_id == shipment_id).order_by(ShipmentLine.id)))


# --- what goes out ------------------------------------------------------------------------------
def _top(uow: UnitOfWork, package: Package) -> Package:
    while package.parent_id is not None:
        parent = uow.session.get(Package, package.parent_id)
        if parent is None:
            break
        package = parent
    return package


def _from_scan(uow: UnitOfWork, order: SalesOrder, index: int, line: ShipmentLineIn,
               taken: set[int], actor: Actor) -> list[Pick]:
    """The picks one shipment line names: a package's contents, a unit's pick, or open picks
    of a lot up to the quantity; what is not picked yet is picked now, by the same rules."""
    field = f"lines.{index}.scan"
    code = scanned_sscc(line.scan)
    if code is not None:
        package = uow.session.scalar(select(Package).where(Package.sscc == code))
        if package is not None:
            if package.order_id != order.id or package.shipment_id is not None:
                raise ShipmentInvalid("not an unshipped package of the order",
                                      errors=[problem(field, N_("not an unshipped package of "
                                                                "this order"))])
            if package.parent_id is not None:
                raise ShipmentInvalid("the case is on a pallet: scan the pallet",
                                      errors=[problem(field, N_("on a pallet: scan the "
                                                                "pallet"))])
            return inside(uow, package)
    scanned = read_scan(uow, line.scan, field, ShipmentInvalid)
    thing, item = scanned.thing, scanned.item
    if thing.kind == "container" or item is None:
        raise ShipmentInvalid("a package of no order of ours",
                              errors=[problem(field, N_("not a package of this order"))])
    loose = [p for p in open_picks(uow, order.id) if p.id not in taken]
    if thing.kind == "unit":
        own = [p for p in loose if p.unit_id == thing.id]
        if own and own[0].package_id is not None:
            raise ShipmentInvalid("the unit is packed: scan its package",
                                  errors=[problem(field, N_("packed: scan its package"))])
        return own[:1] or [pick_for(uow, order, PickIn(scan=line.scan), actor, field)]
    wanted = base_quantity(item, line.quantity, line.uom, f"lines.{index}.quantity",
                           ShipmentInvalid) if line.quantity is not None else None
    found: list[Pick] = []
    got = Decimal(0)
    for pick in loose:
        if pick.lot_id != thing.id or pick.unit_id is not None or pick.package_id is not None:
            continue
        if wanted is not None and got + pick.base_quantity > wanted:
            continue
        found.append(pick)
        got += pick.base_quantity
    if wanted is None and found:
        return found
    rest = (wanted if wanted is not None else Decimal(0)) - got
    if rest > 0 or not found:
        item_base = item.base_uom
        found.append(pick_for(uow, order, PickIn(scan=line.scan, quantity=rest or None,
                                                 uom=item_base if rest else None),
                              actor, field))
    return found


def _what_goes(uow: UnitOfWork, order: SalesOrder, data: ShipmentCreate, actor: Actor
               ) -> list[Pick]:
    if not data.lines:
        picks = open_picks(uow, order.id)
        if not picks:
            raise ShipmentInvalid("nothing is picked for the order",
                                  errors=[problem("lines", N_("nothing is picked: scan what "
                                                              "goes out"))])
        return picks
    chosen: list[Pick] = []
    taken: set[int] = set()
    for index, line in enumerate(data.lines):
        try:
            found = _from_scan(uow, order, index, line, taken, actor)
        except ScanRefused as exc:  # picked now, refused: the shipment line says why
            raise ShipmentInvalid(str(exc), errors=[
                {**e, "field": f"lines.{index}.{e['field']}" if not str(
                    e.get("field", "")).startswith("lines.") else e["field"]}
                for e in exc.errors or []]) from None
        for pick in found:
            if pick.id in taken:
                raise ShipmentInvalid("scanned twice", errors=[
                    problem(f"lines.{index}.scan", N_("already in this shipment"))])
            taken.add(pick.id)
            chosen.append(pick)
    return chosen


def _recheck(uow: UnitOfWork, order: SalesOrder, picks: list[Pick]) -> None:
    """A day may have passed since picking: the shelf life is checked again (each item's
    minimum once; the units' expiries in one query, the lots' one by one)."""
    today = uow.today()
    floors: dict[int, int | None] = {}
    for item_id in {p.item_id for p in picks}:
        floors[item_id] = shelf_life_floor(uow, order.customer_id,
                                           catalog.get_item_or_raise(uow, item_id))
    if all(floor is None for floor in floors.values()):
        return
    units = traceability.unit_facts(uow, [p.unit_id for p in picks if p.unit_id is not None])
    lots: dict[int, Any] = {}
    problems = []
    for pick in picks:
        floor = floors[pick.item_id]
        if floor is None:
            continue
        lot_id = pick.lot_id
        expiry = units[pick.unit_id]["expiry_date"] if pick.unit_id in units else None
        if expiry is None and lot_id is not None:
            if lot_id not in lots:
                lots[lot_id] = traceability.get_object_or_raise(uow, lot_id)
            expiry = lots[lot_id].expiry_date
        if expiry is not None and (expiry - today).days < floor:
            code = (lots[lot_id].code if lot_id in lots else str(pick.unit_id))
            problems.append(problem("lines", N_("%(code)s has less shelf life left than the "
                                                "customer accepts"), code=code,
                                    reason="shelf_life"))
    if problems:
        raise ShipmentInvalid("less shelf life left than the customer accepts",
                              errors=problems)


# --- ship ---------------------------------------------------------------------------------------
def ship(uow: UnitOfWork, *, data: ShipmentCreate, actor: Actor) -> Shipment:
    """Ship picks of a confirmed order (what the lines scan, or everything picked): see the
    module's docstring for what one shipment posts."""
    ensure_may(actor, SHIP)
    order = get_order_or_raise(uow, data.sales_order)
    if not rules.OrderStatus(order.status).fulfillable:
        raise OrderStateConflict(f"{order.number} is {order.status}: nothing may ship")
    lock_allocations(uow)
    picks = _what_goes(uow, order, data, actor)
    ensure_licensed(uow, order.customer_id, sorted({p.item_id for p in picks}))
    _recheck(uow, order, picks)
    customer = partners.get_partner_or_raise(uow, order.customer_id)
    ship_to = uow.session.get(ShipTo, order.ship_to_id)
    assert ship_to is not None
    shipment = Shipment(number=next_number(uow, "sales.shipment"), order_id=order.id,
                        customer_id=customer.id, ship_to_id=ship_to.id,
                        status=rules.ShipmentStatus.SHIPPED, shipped_at=uow.now(),
                        shipped_by=actor.name[:80], carrier=data.carrier,
                        tracking_number=data.tracking_number, event_ids=[],
                        addressee=addressee(customer, ship_to))
    uow.session.add(shipment)
    uow.session.flush()
    target = inventory.virtual_location(uow, "customer")
    _move_stock(uow, shipment, picks, target.code, actor)
    packages = _packages(uow, picks)
    shipment.event_ids = _journal(uow, order, shipment, customer, ship_to, picks, packages,
                                  target.code)
    _record(uow, order, shipment, picks, packages)
    certificates = _certify(uow, shipment, picks)
    _publish(uow, order, shipment, customer, ship_to, picks, packages)
    uow.context.setdefault("certificates", [c.number for c in certificates])
    return shipment


def _move_stock(uow: UnitOfWork, shipment: Shipment, picks: list[Pick], to: str,
                actor: Actor) -> None:
    units: dict[tuple[int, int, int | None], list[int]] = defaultdict(list)
    for pick in picks:
        if pick.unit_id is not None:
            units[(pick.item_id, pick.location_id, pick.lot_id)].append(pick.unit_id)
            continue
        inventory.post_move(uow, move=inventory.MoveCreate(
            item_id=pick.item_id, quantity=pick.base_quantity, from_location=pick.location_id,
            to_location=to, purpose="ship", lot_id=pick.lot_id, doc=shipment.number,
            partner_id=shipment.customer_id), actor=actor, journal=False)
    for (item_id, location_id, lot_id), unit_ids in units.items():
        inventory.post_moves(uow, moves=inventory.BulkMoveCreate(
            item_id=item_id, from_location=location_id, to_location=to, purpose="ship",
            lot_id=lot_id, unit_ids=unit_ids, doc=shipment.number,
            partner_id=shipment.customer_id), actor=actor, journal=False)


def _packages(uow: UnitOfWork, picks: list[Pick]) -> list[Package]:
    """Every package the picks are in, outermost first."""
    found: dict[int, Package] = {}
    for pick in picks:
        package = uow.session.get(Package, pick.package_id) if pick.package_id else None
        while package is not None and package.id not in found:
            found[package.id] = package
            package = uow.session.get(Package, package.parent_id) if package.parent_id \
                else None
    return sorted(found.values(), key=lambda p: (p.parent_id is not None, p.id))


def addressee(customer: Any, ship_to: ShipTo) -> dict[str, Any]:
    """Who the goods go to, as the shipment keeps it."""
    return {"customer_name": customer.name_zh, "customer_name_en": customer.name_en,
            "ship_to_name": ship_to.name, "ship_to_address": ship_to.address,
            "ship_to_contact": ship_to.contact, "ship_to_phone": ship_to.phone,
            "ship_to_gln": ship_to.gln}


def ship_to_uri(ship_to: ShipTo, customer_code: str) -> str:
    """The ship-to as an EPCIS location: its GLN as a GS1 Digital Link, else MedTrace's URN."""
    if ship_to.gln:
        return f"https://id.gs1.org/414/{ship_to.gln}"
    return f"urn:medtrace:location:{customer_code}.{ship_to.code}"


def _journal(uow: UnitOfWork, order: SalesOrder, shipment: Shipment, customer: Any,
             ship_to: ShipTo, picks: list[Pick], packages: list[Package], target: str
             ) -> list[int]:
    """One ``shipped`` event per place the goods left (a lot's quantity leaves the stock of
    its location), the outermost packages in the first."""
    by_place: dict[int, list[Pick]] = defaultdict(list)
    for pick in picks:
        by_place[pick.location_id].append(pick)
    tops = [traceability.get_object_or_raise(uow, p.trace_object_id) for p in packages
            if p.parent_id is None]
    documents = [{"type": "desadv", "id": shipment.number}, {"type": "po", "id": order.number}]
    if order.customer_reference:
        documents.append({"type": "po", "id": order.customer_reference})
    moment = shipment.shipped_at.astimezone(uow.timezone)
    ids = []
    for index, (location_id, group) in enumerate(sorted(by_place.items())):
        place = inventory.get_location_or_raise(uow, location_id)
        event = traceability.record_event(
            uow, step="shipped",
            what=[*(tops if index == 0 else []), *lot_parts(uow, group, links=False)],
            at=moment, read_point=place.code, biz_location=target, doc=shipment.number,
            biz_transactions=documents,
            destinations=[traceability.Party("owning_party", customer.id),
                          traceability.Party("location", id=ship_to_uri(ship_to,
                                                                         customer.code))],
            location=f"{customer.code}/{ship_to.code}",
            extra={"purpose": "ship", "from": place.code, "to": target, "from_stock": True,
                   "to_stock": False, "ship_to": ship_to.code, "sales_order": order.number,
                   "shipment": shipment.number})
        ids.append(event.id)
    return ids


def _record(uow: UnitOfWork, order: SalesOrder, shipment: Shipment, picks: list[Pick],
            packages: list[Package]) -> None:
    lines = {line.id: line for line in order_lines(uow, order.id)}
    for pick in picks:
        uow.session.add(ShipmentLine(
            shipment_id=shipment.id, order_line_id=pick.order_line_id,
            customer_id=shipment.customer_id, item_id=pick.item_id, lot_id=pick.lot_id,
            unit_id=pick.unit_id, location_id=pick.location_id, package_id=pick.package_id,
            base_quantity=pick.base_quantity, returned_base_quantity=Decimal(0)))
        pick.status = rules.PickStatus.SHIPPED
        pick.shipment_id = shipment.id
        lines[pick.order_line_id].shipped_base_quantity += pick.base_quantity
    for package in packages:
        package.shipment_id = shipment.id
    ordered = sorted(lines.values(), key=lambda line: line.line_no)
    set_status(uow, order, rules.shipped_status([line.base_quantity for line in ordered],
                                                [line.shipped_base_quantity
                                                 for line in ordered]))
    uow.session.flush()


def _certify(uow: UnitOfWork, shipment: Shipment, picks: list[Pick]) -> list[Certificate]:
    """A certificate of conformity per lot of an item that requires one (serial units of a
    lot count in it), and one per item for its serial units without a lot: the lot's dates and
    its QA release (who, when) from the journal, the item's registration at shipment."""
    per_lot: dict[int, Decimal] = defaultdict(Decimal)
    loose: dict[int, list[int]] = defaultdict(list)
    items: dict[int, int] = {}
    for pick in picks:
        if pick.lot_id is not None:
            per_lot[pick.lot_id] += pick.base_quantity
            items[pick.lot_id] = pick.item_id
        elif pick.unit_id is not None:
            loose[pick.item_id].append(pick.unit_id)
    made = []
    for lot_id, quantity in sorted(per_lot.items()):
        item = catalog.get_item_or_raise(uow, items[lot_id])
        if not item.certificate_required:
            continue
        lot = traceability.get_object_or_raise(uow, lot_id)
        made.append(_certificate(uow, shipment, item, lot, quantity, [], lot_id))
    for item_id, unit_ids in sorted(loose.items()):
        item = catalog.get_item_or_raise(uow, item_id)
        if not item.certificate_required:
            continue
        codes = traceability.codes_by_id(uow, unit_ids)
        made.append(_certificate(uow, shipment, item, None, Decimal(len(unit_ids)),
                                 sorted(codes[u] for u in unit_ids), None))
    uow.session.add_all(made)
    uow.session.flush()
    return made


def _certificate(uow: UnitOfWork, shipment: Shipment, item: Any, lot: Any, quantity: Decimal,
                 serials: list[str], released_of: int | None) -> Certificate:
    release = traceability.last_event_of(uow, released_of, "released") \
        if released_of is not None else None
    return Certificate(
        number=next_number(uow, "sales.certificate"), shipment_id=shipment.id,
        item_id=item.id, lot_id=lot.id if lot else None, lot_code=lot.code if lot else "",
        serials=serials, base_quantity=quantity,
        made_on=lot.manufacture_date if lot else None, expiry=lot.expiry_date if lot else None,
        released_on=release.event_time.astimezone(uow.timezone).date() if release else None,
        released_by=_person(release.actor) if release else "",
        registration_number=item.registration_number,
        registration_expiry=item.registration_expiry, issued_at=uow.now())


def _person(actor_key: str | None) -> str:
    """The name part of a journal actor key (``user:7:li.na`` → ``li.na``)."""
    return (actor_key or "").rsplit(":", 1)[-1][:100]


def _publish(uow: UnitOfWork, order: SalesOrder, shipment: Shipment, customer: Any,
             ship_to: ShipTo, picks: list[Pick], packages: list[Package]) -> None:
    lots = sorted({traceability.get_object_or_raise(uow, p.lot_id).code
                   for p in picks if p.lot_id is not None and p.unit_id is None})
    uow.publish(events.ShipmentShipped(
        number=shipment.number, order=order.number, customer=customer.code,
        ship_to=ship_to.code, containers=[p.sscc for p in packages if p.parent_id is None],
        lots=lots, units=sum(1 for p in picks if p.unit_id is not None),
        epcis=advance_ship_notice(uow, shipment)))


def advance_ship_notice(uow: UnitOfWork, shipment: Shipment) -> dict[str, Any]:
    """The shipment as an EPCIS 2.0 document: the packing of its packages and its shipping
    events."""
    packed: list[int] = []
    for package in uow.session.scalars(select(Package).where(
            Package.shipment_id == shipment.id)):
        event = traceability.last_event_of(uow, package.trace_object_id, "packed",
                                           role="parent")
        if event is not None:
            packed.append(event.id)
    return traceability.events_document(uow, sorted(set(packed)) + list(shipment.event_ids))


# --- delivery -------------------------------------------------------------------------------------
def confirm_delivery(uow: UnitOfWork, *, number: str, data: DeliveryIn, actor: Actor
                     ) -> Shipment:
    """Proof of delivery: when and who received it, journalled as ``delivered`` for every lot,
    unit and package of the shipment."""
    ensure_may(actor, SHIP)
    shipment = get_shipment_or_raise(uow, number)
    if shipment.status != rules.ShipmentStatus.SHIPPED:
        raise ShipmentStateConflict(f"{shipment.number} is {shipment.status}")
    moment = data.delivered_at or uow.now()
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ShipmentInvalid("give the delivery time with its zone",
                              errors=[problem("delivered_at", N_("give the time zone"))])
    if moment < shipment.shipped_at:
        raise ShipmentInvalid("delivered before it was shipped",
                              errors=[problem("delivered_at", N_("before the shipment"))])
    if moment > uow.now() + dt.timedelta(minutes=5):
        raise ShipmentInvalid("delivered in the future",
                              errors=[problem("delivered_at", N_("in the future"))])
    picks = list(uow.session.scalars(select(Pick).where(Pick.shipment_id == shipment.id)))
    packages = [p for p in _packages(uow, picks) if p.parent_id is None]
    customer = partners.get_partner_or_raise(uow, shipment.customer_id)
    ship_to = uow.session.get(ShipTo, shipment.ship_to_id)
    assert ship_to is not None
    traceability.record_event(
        uow, step="delivered",
        what=[*(traceability.get_object_or_raise(uow, p.trace_object_id) for p in packages),
              *lot_parts(uow, picks, links=False)],
        at=moment.astimezone(uow.timezone), doc=shipment.number,
        read_point=ship_to_uri(ship_to, customer.code),
        biz_transactions=[{"type": "desadv", "id": shipment.number}],
        extra={"received_by": data.received_by, "note": data.note, "shipment": shipment.number,
               "ship_to": ship_to.code})
    shipment.status = rules.ShipmentStatus.DELIVERED
    shipment.delivered_at = moment.astimezone(dt.UTC)
    shipment.received_by = data.received_by
    shipment.delivery_remark = data.note
    uow.session.flush()
    uow.publish(events.ShipmentDelivered(number=shipment.number, customer=customer.code,
                                         delivered_at=moment.isoformat(),
                                         received_by=data.received_by))
    return shipment


def certificates_of(uow: UnitOfWork, shipment_id: int) -> list[Certificate]:
    return list(uow.session.scalars(select(Certificate).where(
        Certificate.shipment_id == shipment_id).order_by(Certificate.id)))
