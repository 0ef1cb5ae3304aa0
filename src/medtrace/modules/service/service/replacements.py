"""Replacing a part on a service order, in one transaction: the spare leaves the van or
service stock (issuable stock only), the genealogy records the removed part leaving the unit
and the spare joining it, the removed part goes back into quarantine (a stock receipt) or is
scrapped, and the journal records ``removed`` and ``installed``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from medtrace.modules import catalog, inventory, traceability
from medtrace.modules.service import events, rules
from medtrace.modules.service.errors import OrderStateConflict, ReplacementRefused
from medtrace.modules.service.models import Replacement, ServiceOrder
from medtrace.modules.service.permissions import WORK
from medtrace.modules.service.schemas import ReplacementIn
from medtrace.modules.service.service.common import (
    ensure_may,
    get_order_or_raise,
    problem,
    read_thing,
    set_status,
)
from medtrace.platform.actor import Actor
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_

#: where a removed part may wait for QA (stock statuses that are never issued)
HOLDING_STATUSES = ("quarantine", "returns")


def start_work(uow: UnitOfWork, order: ServiceOrder) -> None:
    """Work recorded on an open or scheduled order starts it."""
    if not rules.OrderStatus(order.status).active:
        raise OrderStateConflict(f"{order.number} is {order.status}")
    if order.status in (rules.OrderStatus.OPEN, rules.OrderStatus.SCHEDULED):
        order.started_at = order.started_at or uow.now()
        set_status(uow, order, rules.OrderStatus.IN_PROGRESS)


def _not_issuable(uow: UnitOfWork, thing: Any) -> str | None:
    """Why the spare may not be fitted (its quality status or expiry), or None: a msgid."""
    status = thing.status
    expiry = thing.expiry_date
    if thing.kind == "unit" and thing.lot_id:
        lot = traceability.get_object_or_raise(uow, thing.lot_id)
        expiry = expiry or lot.expiry_date
        if status is None:
            status = lot.status
    if status not in traceability.ISSUABLE_STATUSES:
        return N_("not released for use (quarantine, on hold, rejected or recalled)")
    if expiry is not None and expiry < uow.today():
        return N_("expired")
    return None


def _spare_location(uow: UnitOfWork, order: ServiceOrder, fitted: Any, given: str | None,
                    quantity: Decimal) -> Any:
    """Where the spare comes from: the location given, else the order's, else the one
    available location that holds enough of it."""
    code = given or None
    if code is None and order.parts_location_id:
        code = inventory.get_location_or_raise(uow, order.parts_location_id).code
    if code is not None:
        try:
            return inventory.get_location_or_raise(uow, code.strip())
        except inventory.LocationNotFound:
            raise ReplacementRefused(f"no location {code}", errors=[
                problem("parts_location", N_("unknown location"))]) from None
    wanted = inventory.BalanceFilter(
        item_id=fitted.item_id, lot_id=fitted.id if fitted.kind == "lot" else None,
        unit_id=fitted.id if fitted.kind == "unit" else None, issuable=True)
    rows, _total = inventory.balances(uow, wanted, limit=50)
    places = [r for r in rows if Decimal(str(r["quantity"])) >= quantity]
    if len(places) != 1:
        raise ReplacementRefused("say where the spare comes from", errors=[problem(
            "parts_location", N_("the spare is not in available stock") if not places
            else N_("the spare is in several locations: name the van or service stock"))])
    return inventory.get_location_or_raise(uow, places[0]["location"])


def _return_location(uow: UnitOfWork, given: str | None) -> Any:
    if given:
        try:
            location = inventory.get_location_or_raise(uow, given.strip())
        except inventory.LocationNotFound:
            raise ReplacementRefused(f"no location {given}", errors=[
                problem("return_location", N_("unknown location"))]) from None
        if inventory.stock_status_of(uow, location) not in HOLDING_STATUSES:
            raise ReplacementRefused("removed parts wait in quarantine", errors=[problem(
                "return_location", N_("not a quarantine or returns location"))])
        return location
    for status in HOLDING_STATUSES:
        found = inventory.locations_with_status(uow, status)
        if found:
            return found[0]
    raise ReplacementRefused("no quarantine location is set up", errors=[
        problem("return_location", N_("no quarantine or returns location"))])


def replace_part(uow: UnitOfWork, *, number: str, data: ReplacementIn, actor: Actor
                 ) -> Replacement:
    """Scan the removed part and the fitted spare: everything in one transaction (see the
    module docstring). Refused, with nothing written, when the unit does not contain the
    removed part, or the spare is not issuable, not in stock there, or built in elsewhere."""
    ensure_may(actor, WORK)
    order = get_order_or_raise(uow, number)
    start_work(uow, order)
    unit = traceability.get_object_or_raise(uow, order.unit_id)
    removed = read_thing(uow, data.removed, "removed", ReplacementRefused)
    fitted = read_thing(uow, data.fitted, "fitted", ReplacementRefused)
    why = _not_issuable(uow, fitted) if fitted.kind in ("lot", "unit") else None
    if why is not None:
        raise ReplacementRefused(f"the spare {fitted.code} may not be fitted: {why}",
                                 errors=[problem("fitted", why, code=fitted.code)])
    at_customer = unit.state in ("shipped", "installed")
    target = inventory.virtual_location(uow, "customer" if at_customer else "production")
    back = _return_location(uow, data.return_location) \
        if data.removed_to == rules.RemovedTo.QUARANTINE else None
    source = None
    if data.parts_location or order.parts_location_id:
        source = _spare_location(uow, order, fitted, data.parts_location, Decimal(1))
    try:
        done = traceability.replace_part(
            uow, host=unit, removed=removed, fitted=fitted, quantity=data.quantity,
            doc=order.number, removed_location=back.code if back else None,
            read_point=source.code if source else None,
            removed_disposition=None if back else "destroyed",
            extra={"service_order": order.number, "removed_to": data.removed_to})
    except (traceability.PartNotContained, traceability.PartNotFittable) as exc:
        raise ReplacementRefused(str(exc.detail), errors=exc.errors) from None
    fitted_item = catalog.get_item_or_raise(uow, fitted.item_id)
    moving = done.fitted_quantity or Decimal(1)
    if source is None:
        source = _spare_location(uow, order, fitted, None, moving)
    try:
        inventory.post_move(uow, move=inventory.MoveCreate(
            item_id=fitted.item_id, quantity=moving,
            uom=fitted_item.base_uom, from_location=source.code, to_location=target.code,
            purpose="service", lot_id=fitted.id if fitted.kind == "lot" else fitted.lot_id,
            unit_id=fitted.id if fitted.kind == "unit" else None, doc=order.number,
            partner_id=order.customer_id,
            note=f"{unit.code}: {removed.code} -> {fitted.code}"[:1000]),
            actor=actor, journal=False)
    except (inventory.InsufficientStock, inventory.LotNotIssuable, inventory.MoveInvalid) as exc:
        raise ReplacementRefused(f"the spare cannot leave {source.code}: {exc.detail}",
                                 errors=[problem("fitted", N_("not in available stock at the "
                                                              "parts location"),
                                                 location=source.code)]) from None
    removed_item = catalog.get_item_or_raise(uow, removed.item_id)
    if back is not None:
        inventory.post_move(uow, move=inventory.MoveCreate(
            item_id=removed.item_id, quantity=done.quantity or Decimal(1),
            uom=removed_item.base_uom, from_location=target.code, to_location=back.code,
            purpose="customer_return", lot_id=removed.id if removed.kind == "lot"
            else removed.lot_id, unit_id=removed.id if removed.kind == "unit" else None,
            doc=order.number, partner_id=order.customer_id, reason_code="service_removed",
            note=f"removed from {unit.code}"[:1000]), actor=actor, journal=False)
    elif removed.kind == "unit":
        traceability.record_event(uow, step="scrapped", what=[removed], doc=order.number,
                                  extra={"service_order": order.number, "removed_from":
                                         unit.code})
    row = Replacement(
        order_id=order.id, unit_id=unit.id, parent_id=done.parent.id, removed_id=removed.id,
        removed_item_id=removed.item_id, fitted_id=fitted.id, fitted_item_id=fitted.item_id,
        quantity=done.quantity, fitted_quantity=done.fitted_quantity,
        removed_to=data.removed_to, return_location_id=back.id if back else None,
        parts_location_id=source.id, removed_scan=data.removed[:400],
        fitted_scan=data.fitted[:400], at=uow.now(), recorded_by=actor.name[:100])
    uow.session.add(row)
    uow.session.flush()
    uow.publish(events.PartReplaced(
        order=order.number, item=catalog.get_item_or_raise(uow, unit.item_id).code,
        serial=unit.code, removed_item=removed_item.code, removed=removed.code,
        fitted_item=fitted_item.code, fitted=fitted.code,
        quantity=None if done.quantity is None else str(done.quantity),
        removed_to=data.removed_to))
    return row
