"""Customer returns: received by scan against what was shipped to that customer, into a
quarantine or returns location (stock there is never issued or shipped); then each line is
released back to stock or scrapped by QA with an e-signature, each step journalled."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from medtrace.modules import inventory, traceability
from medtrace.modules.sales import events, rules
from medtrace.modules.sales.errors import DispositionRefused, ReturnNotFound, ReturnRefused
from medtrace.modules.sales.models import (
    CustomerReturn,
    OrderLine,
    ReturnLine,
    Shipment,
    ShipmentLine,
)
from medtrace.modules.sales.permissions import DISPOSITION, RETURN
from medtrace.modules.sales.schemas import DispositionIn, ReturnCreate
from medtrace.modules.sales.service.common import (
    base_quantity,
    ensure_may,
    next_number,
    problem,
    read_scan,
)
from medtrace.modules.sales.service.customers import customer_or_raise
from medtrace.platform import esign
from medtrace.platform.actor import Actor
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_

#: where returned goods may wait (stock statuses that are never issued)
HOLDING_STATUSES = ("returns", "quarantine")


def get_return_or_raise(uow: UnitOfWork, number: str) -> CustomerReturn:
    found = uow.session.scalar(select(CustomerReturn).where(
        CustomerReturn.number == number.strip()))
    if found is None:
        raise ReturnNotFound(f"no customer return {number}")
    return found


def return_lines(uow: UnitOfWork, return_id: int) -> list[ReturnLine]:
    return list(uow.session.scalars(select(ReturnLine).where(ReturnLine.return_id == return_id)
                                    .order_by(ReturnLine.id)))


def _holding_location(uow: UnitOfWork, given: str | None) -> Any:
    if given:
        location = inventory.get_location_or_raise(uow, given.strip())
        if inventory.stock_status_of(uow, location) not in HOLDING_STATUSES:
            raise ReturnRefused("returned goods wait in a returns or quarantine location",
                                errors=[problem("location", N_("not a returns or quarantine "
                                                               "location"))])
        return location
    for status in HOLDING_STATUSES:
        found = inventory.locations_with_status(uow, status)
        if found:
            return found[0]
    raise ReturnRefused("no returns or quarantine location is set up",
                        errors=[problem("location", N_("no returns or quarantine location"))])


def _shipped_lines(uow: UnitOfWork, customer_id: int, shipment_id: int | None, thing: Any
                   ) -> list[ShipmentLine]:
    """The customer's shipment lines of this lot or unit with something not returned yet,
    oldest first."""
    query = select(ShipmentLine).where(ShipmentLine.customer_id == customer_id,
                                       ShipmentLine.base_quantity
                                       > ShipmentLine.returned_base_quantity)
    if thing.kind == "unit":
        query = query.where(ShipmentLine.unit_id == thing.id)
    else:
        query = query.where(ShipmentLine.lot_id == thing.id, ShipmentLine.unit_id.is_(None))
    if shipment_id is not None:
        query = query.where(ShipmentLine.shipment_id == shipment_id)
    return list(uow.session.scalars(query.order_by(ShipmentLine.id)))


def receive_return(uow: UnitOfWork, *, data: ReturnCreate, actor: Actor) -> CustomerReturn:
    """Receive returned goods. Each scan must be a lot or serial unit shipped to this customer
    (in the named shipment, when one is), and no more than was shipped and not yet returned;
    otherwise the whole return is refused with every line's reason."""
    ensure_may(actor, RETURN)
    customer = customer_or_raise(uow, data.customer, error=ReturnRefused)
    shipment = None
    if data.shipment:
        shipment = uow.session.scalar(select(Shipment).where(
            Shipment.number == data.shipment.strip()))
        if shipment is None or shipment.customer_id != customer.id:
            raise ReturnRefused("not a shipment to this customer",
                                errors=[problem("shipment", N_("not a shipment to this "
                                                               "customer"))])
    location = _holding_location(uow, data.location)
    planned: list[tuple[Any, Any, list[tuple[ShipmentLine, Decimal]], str]] = []
    problems: list[dict[str, Any]] = []
    for index, line in enumerate(data.lines):
        field = f"lines.{index}.scan"
        try:
            scanned = read_scan(uow, line.scan, field, ReturnRefused)
        except ReturnRefused as exc:
            problems.extend(exc.errors or [])
            continue
        thing, item = scanned.thing, scanned.item
        if thing.kind == "container" or item is None:
            problems.append(problem(field, N_("scan each lot or serial unit, not a package")))
            continue
        if thing.kind == "unit":
            quantity = Decimal(1)
        elif line.quantity is None:
            problems.append(problem(f"lines.{index}.quantity", N_("give the quantity of the "
                                                                  "lot")))
            continue
        else:
            try:
                quantity = base_quantity(item, line.quantity, line.uom,
                                         f"lines.{index}.quantity", ReturnRefused)
            except ReturnRefused as exc:
                problems.extend(exc.errors or [])
                continue
        sources = _shipped_lines(uow, customer.id, shipment.id if shipment else None, thing)
        outstanding = sum((s.base_quantity - s.returned_base_quantity for s in sources),
                          Decimal(0))
        outstanding -= sum((q for _t, other, parts, _s in planned if other.id == thing.id
                            for _p, q in parts), Decimal(0))
        if not sources:
            problems.append(problem(field, N_("never shipped to this customer"),
                                    code=thing.code))
            continue
        if quantity > outstanding:
            problems.append(problem(f"lines.{index}.quantity",
                                    N_("more than was shipped to this customer and not "
                                       "returned"), outstanding=str(outstanding)))
            continue
        planned.append((item, thing, _spread(sources, quantity, planned), line.scan))
    if problems:
        raise ReturnRefused("; ".join(str(p["message"]) for p in problems), errors=problems)
    return _post(uow, data, customer, shipment, location, planned, actor)


def _spread(sources: list[ShipmentLine], quantity: Decimal, planned: list[Any]
            ) -> list[tuple[ShipmentLine, Decimal]]:
    """The returned quantity against the shipment lines it came on, oldest first."""
    used: dict[int, Decimal] = defaultdict(Decimal)
    for _i, _t, parts, _s in planned:
        for source, q in parts:
            used[source.id] += q
    parts, left = [], quantity
    for source in sources:
        free = source.base_quantity - source.returned_base_quantity - used[source.id]
        if left <= 0 or free <= 0:
            continue
        take = min(free, left)
        parts.append((source, take))
        left -= take
    return parts


def _post(uow: UnitOfWork, data: ReturnCreate, customer: Any, shipment: Shipment | None,
          location: Any, planned: list[Any], actor: Actor) -> CustomerReturn:
    record = CustomerReturn(
        number=next_number(uow, "sales.return"), customer_id=customer.id,
        shipment_id=shipment.id if shipment else None, location_id=location.id,
        reason=data.reason.strip(), status=rules.ReturnStatus.OPEN, received_at=uow.now(),
        received_by=actor.name[:80], received_by_id=actor.id if actor.kind == "user" else None)
    uow.session.add(record)
    uow.session.flush()
    uow.context.setdefault("reason", record.reason)
    source = inventory.virtual_location(uow, "customer")
    lots, units, total = set(), 0, Decimal(0)
    for item, thing, parts, scan in planned:
        quantity = sum((q for _s, q in parts), Decimal(0))
        inventory.post_move(uow, move=inventory.MoveCreate(
            item_id=item.id, quantity=quantity, from_location=source.code,
            to_location=location.code, purpose="customer_return",
            lot_id=thing.id if thing.kind == "lot" else thing.lot_id,
            unit_id=thing.id if thing.kind == "unit" else None, doc=record.number,
            reason_code="customer_return", note=record.reason[:1000],
            partner_id=customer.id), actor=actor, journal=False)
        what = traceability.Part(thing, quantity, item.base_uom) if thing.kind == "lot" \
            else thing
        traceability.record_event(
            uow, step="returned", what=[what], read_point=source.code,
            biz_location=location.code, location=location.code, doc=record.number,
            sources=[traceability.Party("owning_party", customer.id)],
            biz_transactions=[{"type": "rma", "id": record.number}],
            extra={"purpose": "customer_return", "from": source.code, "to": location.code,
                   "from_stock": False, "to_stock": True, "reason": record.reason,
                   "customer_return": record.number})
        for shipped, q in parts:
            shipped.returned_base_quantity += q
            order_line = uow.session.get(OrderLine, shipped.order_line_id)
            if order_line is not None:
                order_line.returned_base_quantity += q
            uow.session.add(ReturnLine(
                return_id=record.id, shipment_line_id=shipped.id, item_id=item.id,
                lot_id=shipped.lot_id, unit_id=shipped.unit_id, base_quantity=q,
                scan=scan[:400], disposition=rules.Disposition.PENDING))
        lots.add(traceability.get_object_or_raise(uow, thing.lot_id).code if thing.lot_id
                 else thing.code if thing.kind == "lot" else None)
        units += 1 if thing.kind == "unit" else 0
        total += quantity
    uow.session.flush()
    uow.publish(events.GoodsReturned(
        number=record.number, customer=customer.code,
        shipment=shipment.number if shipment else None,
        lots=sorted(x for x in lots if x), units=units, quantity=total))
    return record


def decide_return_line(uow: UnitOfWork, *, number: str, line_id: int, data: DispositionIn,
                       actor: Actor) -> ReturnLine:
    """Release a returned line back to available stock, or scrap it: QA, with an e-signature
    (meaning ``released`` or ``rejected``), not the person who received the return."""
    ensure_may(actor, DISPOSITION)
    record = get_return_or_raise(uow, number)
    line = uow.session.get(ReturnLine, line_id)
    if line is None or line.return_id != record.id:
        raise ReturnNotFound(f"no line {line_id} in {record.number}")
    if line.disposition != rules.Disposition.PENDING:
        raise DispositionRefused(f"line {line_id} is {line.disposition}")
    if record.received_by_id is not None and record.received_by_id == actor.id:
        raise DispositionRefused("the person who received the return may not disposition it",
                                 errors=[problem("signature", N_("not the person who "
                                                                 "received the return"))])
    source = inventory.get_location_or_raise(uow, record.location_id)
    if data.disposition == "released":
        code = data.to_location or inventory.find_location_with_status(
            uow, status="available", near=source.id)
        if not code:
            raise DispositionRefused("no available location to release to",
                                     errors=[problem("to_location", N_("required"))])
        target = inventory.get_location_or_raise(uow, code)
        purpose = "release"
    else:
        target = inventory.virtual_location(uow, "scrap")
        purpose = "scrap"
    signature = esign.sign(uow, record=line, meaning=rules.DISPOSITION_MEANINGS[
        data.disposition], password=data.signature.password, actor=actor,
        comment=data.findings)
    uow.context.setdefault("reason", f"{record.number}: {data.findings.strip()}"[:500])
    inventory.post_move(uow, move=inventory.MoveCreate(
        item_id=line.item_id, quantity=line.base_quantity, from_location=source.code,
        to_location=target.code, purpose=purpose, lot_id=line.lot_id, unit_id=line.unit_id,
        doc=record.number, reason_code=f"return_{data.disposition}",
        note=data.findings[:1000]), actor=actor)
    line.disposition = data.disposition
    line.findings = data.findings.strip()
    line.decided_by = actor.name[:80]
    line.decided_at = uow.now()
    line.signature_id = signature.id
    uow.session.flush()
    if all(x.disposition != rules.Disposition.PENDING for x in return_lines(uow, record.id)):
        record.status = rules.ReturnStatus.CLOSED
        uow.session.flush()
    uow.publish(events.ReturnDispositioned(number=record.number, line_id=line.id,
                                           disposition=data.disposition))
    return line
