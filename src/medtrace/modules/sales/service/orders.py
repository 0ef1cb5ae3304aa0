"""Quotations and sales orders: the licence gate, the credit and price exceptions that go
through the ``sales_order`` workflow, confirmation, cancellation, closing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, partners
from medtrace.modules.sales import rules
from medtrace.modules.sales.errors import (
    NoApprovalProcess,
    OrderInvalid,
    OrderStateConflict,
)
from medtrace.modules.sales.models import Allocation, OrderLine, Package, Pick, SalesOrder
from medtrace.modules.sales.permissions import ORDER_EDIT
from medtrace.modules.sales.rules import OrderStatus
from medtrace.modules.sales.schemas import SalesOrderCreate
from medtrace.modules.sales.service.common import (
    ensure_licensed,
    ensure_may,
    get_order_or_raise,
    next_number,
    order_lines,
    problem,
    set_status,
    ship_to_of,
    terms_of,
)
from medtrace.modules.sales.service.customers import price_of
from medtrace.platform import customfields, workflows
from medtrace.platform.actor import Actor
from medtrace.platform.db.base import to_quantity
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.platform.money import HOME_CURRENCY, in_home_currency, line_amount, rate_problem

#: the workflow orders with exceptions run (the shipped default ``sales_order.bpmn``)
APPROVAL_PROCESS = "sales_order"
RECORD_TYPE = "sales.order"


def _resolve_lines(uow: UnitOfWork, data: SalesOrderCreate, found: list[dict[str, Any]]
                   ) -> list[tuple[Any, str, Decimal]]:
    resolved = []
    for index, line in enumerate(data.lines):
        item = catalog.get_item_by_code(uow, line.item.strip())
        if item is None:
            found.append(problem(f"lines.{index}.item", N_("unknown item")))
            resolved.append((None, "", Decimal(0)))
            continue
        unit = (line.uom or item.base_uom).strip().upper()
        try:
            base = catalog.factor_of(item, unit) * to_quantity(line.quantity)
        except catalog.UnknownUnit:
            found.append(problem(f"lines.{index}.uom", N_("not a unit of the item")))
            resolved.append((item, unit, Decimal(0)))
            continue
        if base != base.quantize(Decimal("0.000001")) or (
                catalog.tracks_serial(item.tracking) and base != base.to_integral_value()):
            found.append(problem(f"lines.{index}.quantity",
                                 N_("not an exact quantity of the item")))
        if item.status != "active":
            found.append(problem(f"lines.{index}.item", N_("the item is not active")))
        resolved.append((item, unit, base))
    return resolved


def create_order(uow: UnitOfWork, *, data: SalesOrderCreate, actor: Actor) -> SalesOrder:
    """A quotation, or an order confirmed at once (or sent to approval when its price or the
    customer's credit needs one). Refused (``MT-SALES-CUSTOMER-NOT-LICENSED``, every reason of
    every line) unless the customer may receive every item."""
    ensure_may(actor, ORDER_EDIT)
    found: list[dict[str, Any]] = []
    customer = partners.get_partner_by_code(uow, data.customer.strip())
    ship_to = None
    if customer is None:
        found.append(problem("customer", N_("unknown customer")))
    else:
        ship_to = ship_to_of(uow, customer.id, data.ship_to)
        if ship_to is None:
            found.append(problem("ship_to", N_("not a ship-to address of the customer")))
        elif not ship_to.active:
            found.append(problem("ship_to", N_("the ship-to address is inactive")))
    currency = data.currency.upper()
    rate_issue = rate_problem(currency, data.exchange_rate)
    if rate_issue:
        found.append(problem("currency" if rate_issue == "unknown currency" else "exchange_rate",
                             rate_issue))
    resolved = _resolve_lines(uow, data, found)
    if found:
        raise OrderInvalid("; ".join(f"{p['field']}: {p['message']}" for p in found),
                           errors=found)
    assert customer is not None and ship_to is not None
    ensure_licensed(uow, customer.id, [item.id for item, _u, _b in resolved])
    quotation = data.quotation
    order = SalesOrder(
        number=next_number(uow, "sales.quotation" if quotation else "sales.order"),
        customer_id=customer.id, ship_to_id=ship_to.id, status=OrderStatus.QUOTATION,
        currency=currency,
        exchange_rate=None if currency == HOME_CURRENCY else data.exchange_rate,
        customer_reference=data.customer_reference, requested_date=data.requested_date,
        note=data.note, exceptions=[], created_by_id=actor.id if actor.kind == "user" else None,
        created_by=actor.name[:80], created_at=uow.now())
    uow.session.add(order)
    uow.session.flush()
    lines = [OrderLine(order_id=order.id, line_no=number, item_id=item.id,
                       quantity=to_quantity(line.quantity), uom=unit, base_quantity=base,
                       unit_price=to_quantity(line.unit_price),
                       shipped_base_quantity=Decimal(0), returned_base_quantity=Decimal(0),
                       shortage=[])
             for number, (line, (item, unit, base)) in enumerate(
                 zip(data.lines, resolved, strict=True), start=1)]
    uow.session.add_all(lines)
    _totals(order, lines)
    uow.session.flush()
    if not quotation:
        _submit(uow, order, lines, actor)
    return order


def _totals(order: SalesOrder, lines: list[OrderLine]) -> None:
    order.total = sum((line_amount(line.quantity, line.unit_price) for line in lines),
                      Decimal(0))
    order.total_cny = in_home_currency(order.total, order.currency, order.exchange_rate)


def approval_reasons(uow: UnitOfWork, order: SalesOrder, lines: list[OrderLine]
                     ) -> list[rules.ApprovalReason]:
    """Why the order needs an approval: each line priced below the lowest price or without a
    list price, and the customer's credit limit."""
    found = []
    for line in lines:
        item = catalog.get_item_or_raise(uow, line.item_id)
        price = price_of(uow, item.id, order.currency, line.uom)
        reason = rules.price_exception(
            line_no=line.line_no, item=item.code, unit_price=line.unit_price,
            currency=order.currency, uom=line.uom,
            list_price=price.list_price if price else None,
            floor_price=price.floor_price if price else None)
        if reason is not None:
            found.append(reason)
    from medtrace.modules.sales.queries import exposure  # queries import the models, which
    # register this module's workflow record type: imported here, not at the top

    terms = terms_of(uow, order.customer_id)
    credit = rules.credit_exception(
        limit=terms.credit_limit if terms else None,
        open_exposure=exposure(uow, order.customer_id, besides=order.id),
        order_total=order.total_cny)
    if credit is not None:
        found.append(credit)
    return found


def _submit(uow: UnitOfWork, order: SalesOrder, lines: list[OrderLine], actor: Actor) -> None:
    reasons = approval_reasons(uow, order, lines)
    order.exceptions = [r.as_json() for r in reasons]
    order.submitted_at = uow.now()
    if not reasons:
        order.decided_at = uow.now()
        set_status(uow, order, OrderStatus.CONFIRMED)
        return
    try:
        workflows.published_version(uow, APPROVAL_PROCESS)
    except workflows.WorkflowStateConflict:
        raise NoApprovalProcess(
            f"the order needs an approval ({', '.join(r.code for r in reasons)}) but no "
            f"{APPROVAL_PROCESS!r} workflow is published") from None
    set_status(uow, order, OrderStatus.IN_APPROVAL)
    workflows.start_instance(uow, key=APPROVAL_PROCESS, record_id=str(order.id), actor=actor)


def confirm_order(uow: UnitOfWork, *, ref: str, actor: Actor) -> SalesOrder:
    """A quotation becomes an order: the licence gate again, then confirmed or sent to
    approval. The quotation number stays the order's number."""
    ensure_may(actor, ORDER_EDIT)
    order = get_order_or_raise(uow, ref)
    if order.status != OrderStatus.QUOTATION:
        raise OrderStateConflict(f"{order.number} is {order.status}, not a quotation")
    lines = order_lines(uow, order.id)
    ensure_licensed(uow, order.customer_id, [line.item_id for line in lines])
    _submit(uow, order, lines, actor)
    return order


def _release_stock(uow: UnitOfWork, order: SalesOrder) -> None:
    """Allocations go; open picks are put back (their goods were never moved)."""
    line_ids = [line.id for line in order_lines(uow, order.id)]
    for row in uow.session.scalars(select(Allocation).where(
            Allocation.order_line_id.in_(line_ids))):
        uow.session.delete(row)
    for pick in uow.session.scalars(select(Pick).where(Pick.order_id == order.id,
                                                       Pick.status == rules.PickStatus.OPEN)):
        pick.status = rules.PickStatus.CANCELLED
    uow.session.flush()


def cancel_order(uow: UnitOfWork, *, ref: str, reason: str, actor: Actor) -> SalesOrder:
    """Cancel an order nothing was shipped on, with a reason: its allocations go and its
    picks are put back (packed cases must be unpacked first)."""
    ensure_may(actor, ORDER_EDIT)
    order = get_order_or_raise(uow, ref)
    if not OrderStatus(order.status).cancellable:
        raise OrderStateConflict(f"{order.number} is {order.status}: it cannot be cancelled")
    if uow.session.scalar(select(Package.id).where(Package.order_id == order.id,
                                                   Package.shipment_id.is_(None))) is not None:
        raise OrderStateConflict(f"{order.number} has packed cases: unpack them first")
    uow.context.setdefault("reason", reason.strip()[:500])
    _release_stock(uow, order)
    # a running approval is left to end: its outcome no longer changes a cancelled order
    set_status(uow, order, OrderStatus.CANCELLED)
    return order


def close_order(uow: UnitOfWork, *, ref: str, reason: str, actor: Actor) -> SalesOrder:
    """Close a partly shipped order short (nothing more goes out), with a reason."""
    ensure_may(actor, ORDER_EDIT)
    order = get_order_or_raise(uow, ref)
    if order.status not in (OrderStatus.PARTLY_SHIPPED, OrderStatus.SHIPPED):
        raise OrderStateConflict(f"{order.number} is {order.status}: it cannot be closed")
    uow.context.setdefault("reason", reason.strip()[:500])
    _release_stock(uow, order)
    set_status(uow, order, OrderStatus.CLOSED)
    return order


# --- the approval workflow ----------------------------------------------------------------------
def _facts(uow: UnitOfWork, record_id: str) -> workflows.RecordFacts | None:
    order = uow.session.get(SalesOrder, int(record_id)) if record_id.isdigit() else None
    if order is None:
        return None
    customer = partners.get_partner_or_raise(uow, order.customer_id)
    codes = {e.get("code") for e in order.exceptions or []}
    return workflows.RecordFacts(
        ref=order.number, author_id=order.created_by_id,
        fields={"amount": order.total_cny, "currency": order.currency, "total": order.total,
                "customer": customer.code, "credit": "CREDIT" in codes,
                "price": bool(codes - {"CREDIT"}),
                "cf": customfields.get_values(uow, partners.ENTITY, customer.id)})


def _finished(uow: UnitOfWork, record_id: str, outcome: str | None) -> None:
    """The approval ended: confirmed when it approved, else rejected."""
    order = uow.session.get(SalesOrder, int(record_id))
    if order is None or order.status != OrderStatus.IN_APPROVAL:
        return
    order.decided_at = uow.now()
    set_status(uow, order, OrderStatus.CONFIRMED if outcome == "approve"
               else OrderStatus.REJECTED)


workflows.register_record_type(workflows.RecordType(
    code=RECORD_TYPE, label=N_("Sales order"), load=_facts, finished=_finished))
