"""What every sales action shares: permission checks, document numbers, finding orders,
customers and ship-tos, the shelf-life minimum of a customer and item, reading a scan."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from medtrace.modules import catalog, partners, traceability
from medtrace.modules.sales import events, rules
from medtrace.modules.sales.errors import OrderNotFound, ScanRefused
from medtrace.modules.sales.models import (
    Customer,
    OrderLine,
    Pick,
    SalesOrder,
    ShelfLifeRule,
    ShipTo,
)
from medtrace.platform import numbering
from medtrace.platform.actor import Actor
from medtrace.platform.auth.errors import Forbidden
from medtrace.platform.db.base import to_quantity
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_


def problem(field: str, message: str, **more: Any) -> dict[str, Any]:
    return {"field": field, "message": message, **more}


def ensure_may(actor: Actor, permission: str) -> None:
    if not actor.can(permission):
        raise Forbidden(permission=permission)


# --- numbers ------------------------------------------------------------------------------------
NUMBERS = {
    "sales.order": ("SO-{YYYY}-{SEQ:5}", N_("Sales order numbers")),
    "sales.quotation": ("QT-{YYYY}-{SEQ:5}", N_("Quotation numbers")),
    "sales.shipment": ("DN-{YYYY}-{SEQ:5}", N_("Shipment (delivery note) numbers")),
    "sales.certificate": ("COC-{YYYY}-{SEQ:6}", N_("Certificate of conformity numbers")),
    "sales.return": ("RMA-{YYYY}-{SEQ:5}", N_("Customer return numbers")),
    # extension digit, the plant's GS1 company prefix, a serial reference, the check digit:
    # no default (see ``next_number``); the pattern here is only the example shown
    "sales.sscc": ("0{prefix}{SEQ:n}", N_("SSCCs of cases and pallets (GS1 mod-10 check "
                                          "digit appended)")),
}
for _kind, (_pattern, _label) in NUMBERS.items():
    numbering.register_kind(_kind, _label)


def next_number(uow: UnitOfWork, kind: str) -> str:
    """The next number of a sales document; the first one sets up the default rule, which an
    administrator may change on the numbering page. SSCCs have no default: they carry the
    plant's own GS1 company prefix, which an administrator sets in the rule ``sales.sscc``
    (e.g. ``0{prefix}{SEQ:n}`` with the GS1 mod-10 check character, 18 digits in all)."""
    if kind == "sales.sscc" and numbering.find_rule(uow, kind) is None:
        from medtrace.modules.sales.errors import PackingInvalid

        raise PackingInvalid("no SSCC numbering rule: set the plant's GS1 company prefix",
                             errors=[problem("sscc", N_(
                                 "no SSCC numbering rule yet: an administrator sets the plant's "
                                 "GS1 company prefix in the numbering rule sales.sscc, or scan "
                                 "a pre-printed SSCC label"))])
    if numbering.find_rule(uow, kind) is None:
        numbering.save_rule(uow, scope=kind, pattern=NUMBERS[kind][0],
                            reset="never" if kind == "sales.sscc" else "yearly",
                            check="gs1_mod10" if kind == "sales.sscc" else "none",
                            description="MedTrace default")
    return numbering.next_number(uow, kind)


#: pg_advisory_xact_lock key of sales' stock commitments ("mt_alloc")
ALLOCATION_LOCK_KEY = 0x6D745F616C6C6F63


def lock_allocations(uow: UnitOfWork) -> None:
    """Until the end of the transaction (PostgreSQL; SQLite writers are serialised already):
    one allocation, pick or shipment at a time decides what stock is still free, so two
    orders never take the same goods."""
    conn = uow.session.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({ALLOCATION_LOCK_KEY})")


# --- orders and customers -----------------------------------------------------------------------
def get_order_or_raise(uow: UnitOfWork, ref: int | str) -> SalesOrder:
    if isinstance(ref, int):
        found = uow.session.get(SalesOrder, ref)
    else:
        found = uow.session.scalar(select(SalesOrder).where(SalesOrder.number == ref.strip()))
    if found is None:
        raise OrderNotFound(f"no sales order {ref}")
    return found


def order_lines(uow: UnitOfWork, order_id: int) -> list[OrderLine]:
    return list(uow.session.scalars(select(OrderLine).where(OrderLine.order_id == order_id)
                                    .order_by(OrderLine.line_no)))


def set_status(uow: UnitOfWork, order: SalesOrder, status: rules.OrderStatus) -> None:
    previous = order.status
    if previous == status:
        return
    order.status = status
    uow.session.flush()
    uow.publish(events.OrderStatusChanged(order_id=order.id, number=order.number,
                                          customer_id=order.customer_id, previous=previous,
                                          status=status))


def terms_of(uow: UnitOfWork, partner_id: int) -> Customer | None:
    return uow.session.scalar(select(Customer).where(Customer.partner_id == partner_id))


def ship_to_of(uow: UnitOfWork, partner_id: int, code: str) -> ShipTo | None:
    return uow.session.scalar(select(ShipTo).where(ShipTo.partner_id == partner_id,
                                                   ShipTo.code == code.strip()))


def shelf_life_floor(uow: UnitOfWork, partner_id: int, item: Any) -> int | None:
    """The minimum remaining shelf life (days) of the item for the customer."""
    rule = uow.session.scalar(select(ShelfLifeRule.min_remaining_days).where(
        ShelfLifeRule.partner_id == partner_id, ShelfLifeRule.item_id == item.id))
    terms = terms_of(uow, partner_id)
    return rules.shelf_life_floor(
        item_rule=rule, customer_minimum=terms.min_remaining_days if terms else None)


def licence_problems(uow: UnitOfWork, customer_id: int, item_ids: list[int],
                     *, prefix: str = "lines") -> list[dict[str, Any]]:
    """Every reason, of every line, why the customer may not receive its item: partners' own
    check (customer role, first-operation approval, licences valid and covering the device
    class, the item's registration)."""
    found = []
    decisions: dict[int, Any] = {}
    for index, item_id in enumerate(item_ids):
        if item_id not in decisions:
            decisions[item_id] = partners.may_trade(uow, partner_id=customer_id,
                                                    item_id=item_id, direction="sell")
        for message in decisions[item_id].messages():
            found.append(problem(f"{prefix}.{index}.item", message["message"],
                                 code=message["code"], type="licence"))
    return found


def ensure_licensed(uow: UnitOfWork, customer_id: int, item_ids: list[int]) -> None:
    from medtrace.modules.sales.errors import CustomerNotLicensed

    found = licence_problems(uow, customer_id, item_ids)
    if found:
        customer = partners.get_partner_or_raise(uow, customer_id)
        raise CustomerNotLicensed(f"{customer.code}: " + "; ".join(p["message"] for p in found),
                                  errors=found)


def open_picked(uow: UnitOfWork, line_id: int) -> Decimal:
    """What is picked for a line and not shipped yet (base unit)."""
    total = uow.session.scalar(select(func.sum(Pick.base_quantity)).where(
        Pick.order_line_id == line_id, Pick.status == rules.PickStatus.OPEN))
    return to_quantity(total) if total is not None else Decimal(0)


def still_needed(uow: UnitOfWork, line: OrderLine) -> Decimal:
    """What a line still needs picked (base unit)."""
    return max(line.base_quantity - line.shipped_base_quantity - open_picked(uow, line.id),
               Decimal(0))


# --- scans ----------------------------------------------------------------------------------------
@dataclass
class Scanned:
    """What a scan names: a lot or serial unit (with its item), or a container; and how many
    base units a scanned packaging level holds (a case GTIN), when it says."""

    thing: Any
    item: Any
    pack_quantity: Decimal | None = None


def read_scan(uow: UnitOfWork, scan: str, field: str, error: type = ScanRefused) -> Scanned:
    """The lot, unit or container a scan names, or a refusal naming the field."""
    try:
        thing = traceability.resolve(uow, scan)
    except traceability.TraceCodeAmbiguous:
        raise error("the number belongs to several items: scan the UDI",
                    errors=[problem(field, N_("several items use this number: scan the UDI"))]
                    ) from None
    except (traceability.TraceNotFound, traceability.TraceInvalid):
        raise error("nothing recorded carries this code",
                    errors=[problem(field, N_("no lot, serial or package carries this code"))]
                    ) from None
    item = catalog.get_item_or_raise(uow, thing.item_id) if thing.item_id else None
    pack = None
    if thing.kind == "lot" and item is not None:
        level = (catalog.resolve_udi(uow, scan).get("item") or {})
        if level.get("id") == item.id and level.get("packaging_level"):
            pack = to_quantity(level.get("quantity") or 0) or None
    return Scanned(thing, item, pack)


def base_quantity(item: Any, quantity: Decimal, uom: str | None, field: str,
                  error: type = ScanRefused) -> Decimal:
    """``quantity`` of ``uom`` in the item's base unit, exact."""
    unit = (uom or item.base_uom).strip().upper()
    try:
        base = catalog.factor_of(item, unit) * to_quantity(quantity)
    except catalog.UnknownUnit:
        raise error(f"{unit} is not a unit of {item.code}",
                    errors=[problem(field.rsplit(".", 1)[0] + ".uom" if "." in field else "uom",
                                    N_("not a unit of the item"))]) from None
    if base != base.quantize(Decimal("0.000001")) or (
            catalog.tracks_serial(item.tracking) and base != base.to_integral_value()):
        raise error("not an exact quantity of the item",
                    errors=[problem(field, N_("not an exact quantity of the item"))])
    return base
