"""Purchasing actions: requisitions, purchase orders with their qualification gate, approval
through the workflow engine, amendments with reasons; and the numbers of purchasing documents.
Receipts and returns are in ``receipts/``."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, partners
from medtrace.modules.procurement import events, rules
from medtrace.modules.procurement.errors import (
    NoApprovalProcess,
    OrderInvalid,
    OrderNotFound,
    OrderStateConflict,
    ReasonRequired,
    RequisitionInvalid,
    RequisitionNotFound,
    SupplierNotQualified,
)
from medtrace.modules.procurement.models import (
    Amendment,
    OrderLine,
    PurchaseOrder,
    Requisition,
    RequisitionLine,
)
from medtrace.modules.procurement.permissions import ORDER_EDIT, REQUISITION_EDIT
from medtrace.modules.procurement.rules import OrderStatus
from medtrace.modules.procurement.schemas import (
    OrderAmend,
    OrderCreate,
    RequisitionCreate,
    RequisitionToOrders,
)
from medtrace.platform import customfields, numbering, workflows
from medtrace.platform.actor import Actor
from medtrace.platform.auth.errors import Forbidden
from medtrace.platform.db.base import to_quantity
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.platform.policy import define, get_setting

#: the workflow the orders run (the shipped default ``purchase_order.bpmn``)
APPROVAL_PROCESS = "purchase_order"
RECORD_TYPE = "procurement.order"
OVER_RECEIPT_PERCENT = define(
    "procurement.over_receipt_percent", int, rules.DEFAULT_OVER_RECEIPT_PERCENT,
    N_("Over-receipt tolerance of purchase order lines (percent)"))


def _problem(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def ensure_may(actor: Actor, permission: str) -> None:
    if not actor.can(permission):
        raise Forbidden(permission=permission)


# --- numbers ------------------------------------------------------------------------------------
NUMBERS = {
    "procurement.requisition": ("PR-{YYYY}-{SEQ:5}", N_("Purchase requisition numbers")),
    "procurement.order": ("PO-{YYYY}-{SEQ:5}", N_("Purchase order numbers")),
    "procurement.receipt": ("GR-{YYYY}-{SEQ:5}", N_("Goods receipt numbers")),
    "procurement.return": ("RTV-{YYYY}-{SEQ:5}", N_("Return to supplier numbers")),
}
for _kind, (_pattern, _label) in NUMBERS.items():
    numbering.register_kind(_kind, _label)


def next_number(uow: UnitOfWork, kind: str) -> str:
    """The next number of a purchasing document; the first one sets up the default rule
    (``PO-2026-00001``), which an administrator may change on the numbering page."""
    if numbering.find_rule(uow, kind) is None:
        numbering.save_rule(uow, scope=kind, pattern=NUMBERS[kind][0], reset="yearly",
                            description="MedTrace default")
    return numbering.next_number(uow, kind)


# --- reads --------------------------------------------------------------------------------------
def get_order_or_raise(uow: UnitOfWork, ref: int | str) -> PurchaseOrder:
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        found = uow.session.get(PurchaseOrder, int(ref))
    else:
        found = uow.session.scalar(select(PurchaseOrder).where(PurchaseOrder.number == ref))
    if found is None:
        raise OrderNotFound(f"no purchase order {ref}")
    return found


def order_lines(uow: UnitOfWork, order_id: int) -> list[OrderLine]:
    return list(uow.session.scalars(select(OrderLine).where(OrderLine.order_id == order_id)
                                    .order_by(OrderLine.line_no)))


def get_requisition_or_raise(uow: UnitOfWork, ref: int | str) -> Requisition:
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        found = uow.session.get(Requisition, int(ref))
    else:
        found = uow.session.scalar(select(Requisition).where(Requisition.number == ref))
    if found is None:
        raise RequisitionNotFound(f"no requisition {ref}")
    return found


# --- the qualification gate ---------------------------------------------------------------------
def qualification_problems(uow: UnitOfWork, supplier_id: int, item_ids: list[int],
                           *, prefix: str = "lines") -> list[dict[str, str]]:
    """Every reason, of every line, why the supplier may not supply its item (partners' own
    check: approved supplier, licences valid and covering the device class, first-operation
    approval of the supplier and of the supplier and item)."""
    problems = []
    decisions: dict[int, Any] = {}
    for index, item_id in enumerate(item_ids):
        if item_id not in decisions:
            decisions[item_id] = partners.may_trade(uow, partner_id=supplier_id,
                                                    item_id=item_id, direction="buy")
        for message in decisions[item_id].messages():
            problems.append({"field": f"{prefix}.{index}.item", "message": message["message"],
                             "code": message["code"], "type": "qualification"})
    return problems


def ensure_qualified(uow: UnitOfWork, supplier_id: int, item_ids: list[int],
                     *, prefix: str = "lines") -> None:
    problems = qualification_problems(uow, supplier_id, item_ids, prefix=prefix)
    if problems:
        supplier = partners.get_partner_or_raise(uow, supplier_id)
        raise SupplierNotQualified(
            f"{supplier.code}: " + "; ".join(p["message"] for p in problems), errors=problems)


# --- orders -------------------------------------------------------------------------------------
def _supplier(uow: UnitOfWork, code: str, field: str = "supplier") -> Any:
    found = partners.get_partner_by_code(uow, code.strip())
    if found is None:
        raise OrderInvalid(f"no partner {code}", errors=[_problem(field, "unknown supplier")])
    return found


def _resolve_line(uow: UnitOfWork, index: int, item_code: str, quantity: Decimal,
                  uom: str | None, problems: list[dict[str, str]]) -> tuple[Any, str, Decimal]:
    item = catalog.get_item_by_code(uow, item_code)
    if item is None:
        problems.append(_problem(f"lines.{index}.item", "unknown item"))
        return None, "", Decimal(0)
    unit = (uom or item.base_uom).strip().upper()
    try:
        base = catalog.factor_of(item, unit) * to_quantity(quantity)
    except catalog.UnknownUnit:
        problems.append(_problem(f"lines.{index}.uom", "not a unit of the item"))
        return item, unit, Decimal(0)
    if base != base.quantize(Decimal("0.000001")):
        problems.append(_problem(f"lines.{index}.quantity", "too many decimals"))
    if catalog.tracks_serial(item.tracking) and base != base.to_integral_value():
        problems.append(_problem(f"lines.{index}.quantity", "whole pieces"))
    return item, unit, base


def _totals(order: PurchaseOrder, lines: list[OrderLine]) -> None:
    order.total = sum((rules.line_amount(line.quantity, line.unit_price) for line in lines),
                      Decimal(0))
    order.total_cny = rules.in_home_currency(order.total, order.currency, order.exchange_rate)


def create_order(uow: UnitOfWork, *, data: OrderCreate, actor: Actor,
                 requisition_id: int | None = None) -> PurchaseOrder:
    """A draft order, refused (``MT-PROCUREMENT-SUPPLIER-NOT-QUALIFIED``, every reason of every
    line) unless the supplier may supply every item."""
    ensure_may(actor, ORDER_EDIT)
    supplier = _supplier(uow, data.supplier)
    currency = data.currency.upper()
    problems: list[dict[str, str]] = []
    rate_problem = rules.rate_problem(currency, data.exchange_rate)
    if rate_problem:
        problems.append(_problem("currency" if rate_problem == "unknown currency"
                                 else "exchange_rate", rate_problem))
    resolved = [_resolve_line(uow, i, line.item, line.quantity, line.uom, problems)
                for i, line in enumerate(data.lines)]
    if problems:
        raise OrderInvalid("; ".join(f"{p['field']}: {p['message']}" for p in problems),
                           errors=problems)
    ensure_qualified(uow, supplier.id, [item.id for item, _u, _b in resolved])
    order = PurchaseOrder(
        number=next_number(uow, "procurement.order"), supplier_id=supplier.id,
        requisition_id=requisition_id, status=OrderStatus.DRAFT, currency=currency,
        exchange_rate=None if currency == rules.HOME_CURRENCY else data.exchange_rate,
        note=data.note, created_by_id=actor.id if actor.kind == "user" else None,
        created_by=actor.name[:80], created_at=uow.now())
    uow.session.add(order)
    uow.session.flush()
    lines = []
    for number, (line, (item, unit, base)) in enumerate(zip(data.lines, resolved,
                                                            strict=True), start=1):
        lines.append(OrderLine(order_id=order.id, line_no=number, item_id=item.id,
                               quantity=to_quantity(line.quantity), uom=unit,
                               base_quantity=base, unit_price=to_quantity(line.unit_price),
                               requested_date=line.requested_date,
                               received_base_quantity=Decimal(0),
                               returned_base_quantity=Decimal(0)))
    uow.session.add_all(lines)
    _totals(order, lines)
    uow.session.flush()
    uow.publish(events.OrderStatusChanged(order_id=order.id, number=order.number,
                                          supplier_id=order.supplier_id, previous=None,
                                          status=order.status))
    return order


def _set_status(uow: UnitOfWork, order: PurchaseOrder, status: OrderStatus) -> None:
    previous = order.status
    if previous == status:
        return
    order.status = status
    uow.session.flush()
    uow.publish(events.OrderStatusChanged(order_id=order.id, number=order.number,
                                          supplier_id=order.supplier_id, previous=previous,
                                          status=status))


def submit_order(uow: UnitOfWork, *, order_ref: int | str, actor: Actor) -> PurchaseOrder:
    """Send a draft for approval: the qualification gate again, then the published
    ``purchase_order`` process starts (refused, naming what to do, when none is published)."""
    ensure_may(actor, ORDER_EDIT)
    order = get_order_or_raise(uow, order_ref)
    if order.status != OrderStatus.DRAFT:
        raise OrderStateConflict(f"{order.number} is {order.status}, not a draft")
    ensure_qualified(uow, order.supplier_id, [line.item_id for line in
                                              order_lines(uow, order.id)])
    try:
        workflows.published_version(uow, APPROVAL_PROCESS)
    except workflows.WorkflowStateConflict:
        raise NoApprovalProcess(
            f"no published version of the {APPROVAL_PROCESS!r} workflow: run 'medtrace "
            "workflows defaults', then submit and publish it with a signature") from None
    order.submitted_at = uow.now()
    _set_status(uow, order, OrderStatus.SUBMITTED)
    workflows.start_instance(uow, key=APPROVAL_PROCESS, record_id=str(order.id), actor=actor)
    return order


def _record(uow: UnitOfWork, order: PurchaseOrder, kind: str, reason: str,
            changes: list[dict[str, Any]], actor: Actor) -> Amendment:
    row = Amendment(order_id=order.id, kind=kind, reason=reason, changes=changes,
                    actor=actor.name[:80], at=uow.now())
    uow.session.add(row)
    uow.session.flush()
    return row


def _reason(text: str | None) -> str:
    reason = (text or "").strip()
    if not reason:
        raise ReasonRequired()
    return reason[:500]


def amend_order(uow: UnitOfWork, *, order_ref: int | str, data: OrderAmend, actor: Actor
                ) -> PurchaseOrder:
    """Change lines (quantity, price, requested date), the exchange rate or the note, with a
    reason, recorded as an amendment. A quantity never goes below what was received. An
    approved order whose total in CNY grows goes back to draft, to be approved again."""
    ensure_may(actor, ORDER_EDIT)
    order = get_order_or_raise(uow, order_ref)
    reason = _reason(data.reason)
    if order.status not in (OrderStatus.DRAFT, OrderStatus.APPROVED,
                            OrderStatus.PARTLY_RECEIVED):
        raise OrderStateConflict(f"{order.number} is {order.status}: it cannot be amended")
    uow.context.setdefault("reason", reason)
    lines = {line.line_no: line for line in order_lines(uow, order.id)}
    changes: list[dict[str, Any]] = []
    problems: list[dict[str, str]] = []
    before = order.total_cny
    for index, change in enumerate(data.lines):
        line = lines.get(change.line_no)
        if line is None:
            problems.append(_problem(f"lines.{index}.line_no", "no such line"))
            continue
        if change.quantity is not None and to_quantity(change.quantity) != line.quantity:
            item = catalog.get_item_or_raise(uow, line.item_id)
            base = catalog.factor_of(item, line.uom) * to_quantity(change.quantity)
            if base < line.received_base_quantity:
                problems.append(_problem(f"lines.{index}.quantity", "below received"))
                continue
            changes.append({"line": line.line_no, "field": "quantity",
                            "old": str(line.quantity), "new": str(change.quantity)})
            line.quantity, line.base_quantity = to_quantity(change.quantity), base
        if change.unit_price is not None and to_quantity(change.unit_price) != line.unit_price:
            changes.append({"line": line.line_no, "field": "unit_price",
                            "old": str(line.unit_price), "new": str(change.unit_price)})
            line.unit_price = to_quantity(change.unit_price)
        if change.requested_date is not None and change.requested_date != line.requested_date:
            changes.append({"line": line.line_no, "field": "requested_date",
                            "old": str(line.requested_date or ""),
                            "new": str(change.requested_date)})
            line.requested_date = change.requested_date
    if data.exchange_rate is not None and order.currency != rules.HOME_CURRENCY \
            and data.exchange_rate != order.exchange_rate:
        changes.append({"field": "exchange_rate", "old": str(order.exchange_rate),
                        "new": str(data.exchange_rate)})
        order.exchange_rate = to_quantity(data.exchange_rate)
    if data.note is not None and data.note != order.note:
        changes.append({"field": "note", "old": order.note, "new": data.note})
        order.note = data.note
    if problems:
        raise OrderInvalid("; ".join(f"{p['field']}: {p['message']}" for p in problems),
                           errors=problems)
    if not changes:
        raise OrderInvalid("nothing changes", errors=[_problem("lines", "nothing changes")])
    _totals(order, list(lines.values()))
    _record(uow, order, "change", reason, changes, actor)
    if order.status != OrderStatus.DRAFT:
        if order.total_cny > before and order.status == OrderStatus.APPROVED:
            _set_status(uow, order, OrderStatus.DRAFT)  # a bigger order is approved again
        else:
            _refresh_received(uow, order, list(lines.values()))
    uow.session.flush()
    return order


def cancel_order(uow: UnitOfWork, *, order_ref: int | str, reason: str, actor: Actor
                 ) -> PurchaseOrder:
    """Cancel an order nothing was received on, with a reason; a running approval ends."""
    ensure_may(actor, ORDER_EDIT)
    order = get_order_or_raise(uow, order_ref)
    reason = _reason(reason)
    if not OrderStatus(order.status).cancellable:
        raise OrderStateConflict(f"{order.number} is {order.status}: it cannot be cancelled")
    uow.context.setdefault("reason", reason)
    _record(uow, order, "cancel", reason, [{"field": "status", "old": order.status,
                                            "new": "cancelled"}], actor)
    _set_status(uow, order, OrderStatus.CANCELLED)
    return order


def close_order(uow: UnitOfWork, *, order_ref: int | str, reason: str, actor: Actor
                ) -> PurchaseOrder:
    """Close an order: received in full, or short (nothing more is expected), with a reason."""
    ensure_may(actor, ORDER_EDIT)
    order = get_order_or_raise(uow, order_ref)
    reason = _reason(reason)
    if order.status not in (OrderStatus.APPROVED, OrderStatus.PARTLY_RECEIVED,
                            OrderStatus.RECEIVED):
        raise OrderStateConflict(f"{order.number} is {order.status}: it cannot be closed")
    uow.context.setdefault("reason", reason)
    _record(uow, order, "close", reason, [{"field": "status", "old": order.status,
                                           "new": "closed"}], actor)
    _set_status(uow, order, OrderStatus.CLOSED)
    return order


def _refresh_received(uow: UnitOfWork, order: PurchaseOrder, lines: list[OrderLine]) -> None:
    if order.status not in (OrderStatus.APPROVED, OrderStatus.PARTLY_RECEIVED,
                            OrderStatus.RECEIVED):
        return
    status = rules.received_status([line.base_quantity for line in lines],
                                   [line.received_base_quantity for line in lines])
    _set_status(uow, order, status)


def refresh_received(uow: UnitOfWork, order: PurchaseOrder) -> None:
    """The order's status from what its lines received (after a receipt)."""
    _refresh_received(uow, order, order_lines(uow, order.id))


# --- requisitions -------------------------------------------------------------------------------
def create_requisition(uow: UnitOfWork, *, data: RequisitionCreate, actor: Actor
                       ) -> Requisition:
    ensure_may(actor, REQUISITION_EDIT)
    problems: list[dict[str, str]] = []
    resolved = [_resolve_line(uow, i, line.item, line.quantity, line.uom, problems)
                for i, line in enumerate(data.lines)]
    suppliers: dict[int, int | None] = {}
    for index, line in enumerate(data.lines):
        if line.currency.upper() not in rules.CURRENCIES:
            problems.append(_problem(f"lines.{index}.currency", "unknown currency"))
        if line.supplier:
            found = partners.get_partner_by_code(uow, line.supplier.strip())
            if found is None:
                problems.append(_problem(f"lines.{index}.supplier", "unknown supplier"))
            suppliers[index] = found.id if found else None
    if problems:
        raise RequisitionInvalid("; ".join(f"{p['field']}: {p['message']}" for p in problems),
                                 errors=problems)
    requisition = Requisition(number=next_number(uow, "procurement.requisition"),
                              status="open", note=data.note, requested_by=actor.name[:80],
                              created_at=uow.now())
    uow.session.add(requisition)
    uow.session.flush()
    uow.session.add_all(RequisitionLine(
        requisition_id=requisition.id, item_id=item.id, supplier_id=suppliers.get(index),
        quantity=to_quantity(line.quantity), uom=unit, base_quantity=base,
        unit_price=None if line.unit_price is None else to_quantity(line.unit_price),
        currency=line.currency.upper(), requested_date=line.requested_date)
        for index, (line, (item, unit, base)) in enumerate(zip(data.lines, resolved,
                                                               strict=True)))
    uow.session.flush()
    return requisition


def requisition_lines(uow: UnitOfWork, requisition_id: int) -> list[RequisitionLine]:
    return list(uow.session.scalars(select(RequisitionLine).where(
        RequisitionLine.requisition_id == requisition_id).order_by(RequisitionLine.id)))


def order_requisition(uow: UnitOfWork, *, requisition_ref: int | str, data: RequisitionToOrders,
                      actor: Actor) -> list[PurchaseOrder]:
    """One draft order per supplier and currency from an open requisition; every order passes
    the qualification gate, or none is made."""
    ensure_may(actor, ORDER_EDIT)
    requisition = get_requisition_or_raise(uow, requisition_ref)
    if requisition.status != "open":
        raise OrderStateConflict(f"{requisition.number} is {requisition.status}")
    default_supplier = _supplier(uow, data.supplier).id if data.supplier else None
    lines = requisition_lines(uow, requisition.id)
    groups: dict[tuple[int, str], list[RequisitionLine]] = defaultdict(list)
    problems = []
    for index, line in enumerate(lines):
        supplier_id = line.supplier_id or default_supplier
        if supplier_id is None:
            problems.append(_problem(f"lines.{index}.supplier", "required"))
            continue
        if line.unit_price is None:
            problems.append(_problem(f"lines.{index}.unit_price", "required"))
            continue
        groups[(supplier_id, line.currency)].append(line)
    if problems:
        raise OrderInvalid("; ".join(f"{p['field']}: {p['message']}" for p in problems),
                           errors=problems)
    orders = []
    for (supplier_id, currency), group in groups.items():
        supplier = partners.get_partner_or_raise(uow, supplier_id)
        order = create_order(uow, actor=actor, requisition_id=requisition.id, data=OrderCreate(
            supplier=supplier.code, currency=currency,
            exchange_rate=data.exchange_rates.get(currency),
            note=f"{requisition.number}", lines=[
                {"item": catalog.get_item_or_raise(uow, line.item_id).code,
                 "quantity": line.quantity, "uom": line.uom, "unit_price": line.unit_price,
                 "requested_date": line.requested_date} for line in group]))
        for line, order_line in zip(group, order_lines(uow, order.id), strict=True):
            line.order_line_id = order_line.id
        orders.append(order)
    requisition.status = "ordered"
    uow.session.flush()
    return orders


# --- the approval workflow ----------------------------------------------------------------------
def _facts(uow: UnitOfWork, record_id: str) -> workflows.RecordFacts | None:
    order = uow.session.get(PurchaseOrder, int(record_id)) if record_id.isdigit() else None
    if order is None:
        return None
    supplier = partners.get_partner_or_raise(uow, order.supplier_id)
    return workflows.RecordFacts(
        ref=order.number, author_id=order.created_by_id,
        fields={"amount": order.total_cny, "currency": order.currency,
                "total": order.total, "supplier": supplier.code,
                "cf": customfields.get_values(uow, partners.ENTITY, supplier.id)})


def _finished(uow: UnitOfWork, record_id: str, outcome: str | None) -> None:
    """The approval ended: approved when its last decision approved, else rejected."""
    order = uow.session.get(PurchaseOrder, int(record_id))
    if order is None or order.status != OrderStatus.SUBMITTED:
        return
    order.decided_at = uow.now()
    _set_status(uow, order, OrderStatus.APPROVED if outcome == "approve"
                else OrderStatus.REJECTED)


workflows.register_record_type(workflows.RecordType(
    code=RECORD_TYPE, label=N_("Purchase order"), load=_facts, finished=_finished))


def over_receipt_percent(uow: UnitOfWork) -> Decimal:
    """The plant's over-receipt tolerance, 0 to 100 % (default 0: never more than ordered)."""
    value = get_setting(uow, OVER_RECEIPT_PERCENT)
    return Decimal(min(max(int(value or 0), 0), 100))
