"""Scan-first material issue: a scanned lot or serial unit checked against the work order's BOM
version (the component or an approved substitute; released, not expired, in stock at the line;
a serial not already consumed), the stock move out of the line location, the journal's
``consumed`` event and the genealogy edge into the output lot or the output unit, all in one
transaction. A return is a reversing record: the material back to the line, the edge reversed
once nothing of the issue is left consumed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from medtrace.modules import catalog, inventory, traceability
from medtrace.modules.production import events
from medtrace.modules.production.errors import (
    ComponentNotIssuable,
    IssueInvalid,
    SerialConsumed,
    SubstituteNotApproved,
    WrongComponent,
)
from medtrace.modules.production.models import (
    Allocation,
    BomLine,
    BomSubstitute,
    Issue,
    SubstituteApproval,
    WorkOrder,
)
from medtrace.modules.production.permissions import ORDER_EXECUTE
from medtrace.modules.production.schemas import IssueCreate, IssueReturn
from medtrace.modules.production.service.masterdata import ensure_may, problem
from medtrace.modules.production.service.orders import (
    ensure_running,
    get_work_order_or_raise,
    start_if_released,
)
from medtrace.platform.actor import Actor
from medtrace.platform.db.uow import UnitOfWork


@dataclass
class Match:
    """What a scanned thing is to the work order: its BOM line, and the substitute it is."""

    line: BomLine
    substitute: BomSubstitute | None


def _scanned(uow: UnitOfWork, scan: str) -> Any:
    """The lot or unit a scan names; refusals say whether the item is known at all."""
    try:
        thing = traceability.resolve(uow, scan)
    except traceability.TraceCodeAmbiguous:
        raise IssueInvalid("the number belongs to several items: scan the UDI",
                           errors=[problem("scan", "ambiguous")]) from None
    except (traceability.TraceNotFound, traceability.TraceInvalid):
        parsed = catalog.resolve_udi(uow, scan)
        item = parsed.get("item")
        if item:
            return {"item_id": item["id"], "unknown": True}
        raise IssueInvalid("nothing recorded carries this code",
                           errors=[problem("scan", "unknown lot or serial")]) from None
    if thing.kind == "container":
        raise IssueInvalid("scan the lot or unit, not its case",
                           errors=[problem("scan", "a container")])
    return thing


def _match(uow: UnitOfWork, order: WorkOrder, item_id: int) -> Match:
    lines = list(uow.session.scalars(select(BomLine).where(BomLine.bom_id == order.bom_id)))
    for line in lines:
        if line.item_id == item_id:
            return Match(line, None)
    substitutes = list(uow.session.scalars(select(BomSubstitute).where(
        BomSubstitute.line_id.in_([line.id for line in lines]),
        BomSubstitute.item_id == item_id).order_by(BomSubstitute.priority)))
    if not substitutes:
        item = catalog.get_item_or_raise(uow, item_id)
        raise WrongComponent(f"{item.code} is not on {order.number}'s BOM",
                             errors=[problem("scan", "not a component")], item=item.code)
    approved = {row.substitute_id for row in uow.session.scalars(select(SubstituteApproval)
                .where(SubstituteApproval.work_order_id == order.id))}
    for substitute in substitutes:
        if substitute.id in approved:
            return Match(next(line for line in lines if line.id == substitute.line_id),
                         substitute)
    item = catalog.get_item_or_raise(uow, item_id)
    raise SubstituteNotApproved(f"{item.code} is a substitute not approved for {order.number}",
                                errors=[problem("scan", "substitute not approved")],
                                item=item.code)


def _ensure_issuable(uow: UnitOfWork, thing: Any) -> None:
    today = uow.today()
    lot = traceability.get_object(uow, thing.lot_id) if thing.lot_id else None
    for candidate in (thing, lot):
        if candidate is None:
            continue
        if candidate.status not in traceability.ISSUABLE_STATUSES:
            raise ComponentNotIssuable(f"{candidate.code} is {candidate.status}",
                                       errors=[problem("scan", candidate.status)],
                                       reason=candidate.status)
        if candidate.expiry_date is not None and candidate.expiry_date < today:
            raise ComponentNotIssuable(f"{candidate.code} expired on {candidate.expiry_date}",
                                       errors=[problem("scan", "expired")], reason="expired")


def _net_issued_unit(uow: UnitOfWork, unit_id: int) -> Decimal:
    return Decimal(uow.session.scalar(select(func.coalesce(func.sum(Issue.base_quantity), 0))
                                      .where(Issue.unit_id == unit_id)) or 0)


def output_unit(uow: UnitOfWork, order: WorkOrder, serial: str, field_name: str) -> Any:
    """The product unit ``serial`` of this work order, started now when it is new."""
    item = catalog.get_item_or_raise(uow, order.item_id)
    if not catalog.tracks_serial(item.tracking):
        raise IssueInvalid(f"{item.code} is not serialized",
                           errors=[problem(field_name, "product not serialized")])
    found = traceability.find(uow, "unit", serial.strip(), item.id)
    if found is not None:
        if order.output_lot_id is None or found.lot_id != order.output_lot_id:
            raise IssueInvalid(f"serial {serial} is not of {order.number}",
                               errors=[problem(field_name, "other work order")])
        return found
    try:
        unit = traceability.create_unit(uow, item_id=item.id, serial=serial.strip(),
                                        lot_id=order.output_lot_id, status="quarantine",
                                        origin="produced")
    except traceability.TraceInvalid as exc:
        raise IssueInvalid(str(exc), errors=[problem(field_name, "not a valid serial")]) from None
    if order.output_lot_id is not None:
        traceability.link_batch(uow, lot_id=order.output_lot_id, unit_ids=[unit.id],
                                doc=order.number)
    return unit


def issue_material(uow: UnitOfWork, *, ref: str, data: IssueCreate, actor: Actor) -> Issue:
    """Issue one scanned component to a running work order (see the module docstring)."""
    ensure_may(actor, ORDER_EXECUTE)
    order = get_work_order_or_raise(uow, ref, lock=True)
    ensure_running(order)
    thing = _scanned(uow, data.scan)
    match = _match(uow, order, thing["item_id"] if isinstance(thing, dict) else thing.item_id)
    if isinstance(thing, dict):
        raise IssueInvalid("this lot or serial of the component is not recorded",
                           errors=[problem("scan", "unknown lot or serial")])
    item = catalog.get_item_or_raise(uow, thing.item_id)
    _ensure_issuable(uow, thing)
    uom = (data.uom or item.base_uom).strip().upper()
    try:
        base = catalog.to_base_quantity(uow, item.id, data.quantity, uom)
    except catalog.UnknownUnit:
        raise IssueInvalid("not a unit of the item",
                           errors=[problem("uom", "not a unit of the item")]) from None
    unit = thing if thing.kind == "unit" else None
    lot = thing if thing.kind == "lot" else (
        traceability.get_object(uow, thing.lot_id) if thing.lot_id else None)
    if unit is not None:
        if base != 1:
            raise IssueInvalid("a serial unit is issued as one piece",
                               errors=[problem("quantity", "1 for a serial unit")])
        if unit.state == "consumed" or _net_issued_unit(uow, unit.id) > 0:
            raise SerialConsumed(f"serial {unit.code} of {item.code} is already consumed")
    elif catalog.tracks_serial(item.tracking):
        raise IssueInvalid(f"{item.code} is serialized: scan the unit",
                           errors=[problem("scan", "scan the serial")])
    location_ref = data.location or order.line_location_id
    if location_ref is None:
        raise IssueInvalid("the work order has no line location",
                           errors=[problem("location", "required")])
    try:
        location = inventory.get_location_or_raise(uow, location_ref)
    except inventory.LocationNotFound:
        raise IssueInvalid("unknown location",
                           errors=[problem("location", "unknown location")]) from None
    target = (output_unit(uow, order, data.output_serial, "output_serial")
              if data.output_serial else
              traceability.get_object(uow, order.output_lot_id) if order.output_lot_id else None)
    try:
        move = inventory.post_move(uow, move=inventory.MoveCreate(
            item_id=item.id, quantity=base, uom=item.base_uom, from_location=location.code,
            to_location=inventory.virtual_location(uow, "production").code, purpose="issue",
            lot_id=lot.id if lot else None, unit_id=unit.id if unit else None,
            doc=order.number), actor=actor, journal=False)
    except inventory.InsufficientStock as exc:
        raise ComponentNotIssuable(f"{thing.code} is not in stock at {location.code}",
                                   errors=[problem("scan", "not in stock at the line",
                                                   location=location.code)],
                                   reason="not in stock", available=exc.extra.get("available")
                                   ) from None
    except inventory.LotNotIssuable as exc:
        reason = exc.extra.get("reason", "")
        raise ComponentNotIssuable(f"{thing.code}: {reason}",
                                   errors=[problem("scan", reason)], reason=reason) from None
    part = traceability.Part(thing, base if thing.kind == "lot" else None,
                             item.base_uom if thing.kind == "lot" else None)
    event = traceability.record_event(
        uow, step="consumed", inputs=[part], outputs=[target] if target is not None else [],
        doc=order.number, read_point=location.code,
        extra={"work_order": order.number, "stock_move": move.id,
               "substitute": match.substitute is not None})
    edge = None
    if target is not None:
        edge = traceability.link(uow, child=thing, parent=target, kind="production",
                                 quantity=base if thing.kind == "lot" else None,
                                 uom=item.base_uom if thing.kind == "lot" else None,
                                 doc=order.number, event=event)
    row = Issue(work_order_id=order.id, bom_line_id=match.line.id, item_id=item.id,
                lot_id=lot.id if lot else None, unit_id=unit.id if unit else None,
                quantity=data.quantity, uom=uom, base_quantity=base,
                substitute=match.substitute is not None,
                output_unit_id=target.id if data.output_serial and target is not None else None,
                location_id=location.id, stock_move_id=move.id,
                edge_id=edge.id if edge else None, scan=data.scan[:400], actor=actor.name,
                actor_id=actor.id, at=uow.now())
    uow.session.add(row)
    _consume_allocations(uow, order, match.line.id, location.id,
                         unit.id if unit else (lot.id if lot else None), base)
    start_if_released(uow, order)
    uow.flush()
    uow.publish(events.MaterialIssued(work_order=order.number, item_id=item.id,
                                      lot_id=row.lot_id, unit_id=row.unit_id, quantity=base,
                                      substitute=row.substitute))
    return row


def _consume_allocations(uow: UnitOfWork, order: WorkOrder, line_id: int, location_id: int,
                         thing_id: int | None, base: Decimal) -> None:
    """What was issued is no longer reserved: the allocation of the same lot or unit first,
    then the line's others, first expired first."""
    rows = list(uow.session.scalars(select(Allocation).where(
        Allocation.work_order_id == order.id, Allocation.bom_line_id == line_id,
        Allocation.base_quantity > 0).order_by(Allocation.id)))
    rows.sort(key=lambda a: (a.location_id != location_id or
                             (a.unit_id or a.lot_id) != thing_id, a.id))
    left = base
    for allocation in rows:
        if left <= 0:
            break
        take = min(left, allocation.base_quantity)
        allocation.base_quantity -= take
        left -= take


def get_issue_or_raise(uow: UnitOfWork, order: WorkOrder, issue_id: int) -> Issue:
    row = uow.session.get(Issue, issue_id)
    if row is None or row.work_order_id != order.id or row.returns_id is not None:
        raise IssueInvalid(f"no issue {issue_id} on {order.number}",
                           errors=[problem("issue", "unknown")])
    return row


def return_material(uow: UnitOfWork, *, ref: str, issue_id: int, data: IssueReturn,
                    actor: Actor) -> Issue:
    """Return what is left of an issue to the location it came from: a reversing record, the
    stock move back, and the genealogy edge reversed when nothing of it stays consumed."""
    ensure_may(actor, ORDER_EXECUTE)
    order = get_work_order_or_raise(uow, ref, lock=True)
    ensure_running(order)
    original = get_issue_or_raise(uow, order, issue_id)
    returned = -Decimal(uow.session.scalar(select(func.coalesce(func.sum(Issue.base_quantity),
                                                                0))
                                           .where(Issue.returns_id == original.id)) or 0)
    left = original.base_quantity - returned
    base = left if data.quantity is None else data.quantity * (
        original.base_quantity / original.quantity)
    if left <= 0:
        raise IssueInvalid("all of it is returned already",
                           errors=[problem("quantity", "nothing left")])
    if base <= 0 or base > left:
        raise IssueInvalid(f"at most {left} can be returned",
                           errors=[problem("quantity", "more than issued")])
    reason = data.reason.strip()
    uow.context.setdefault("reason", reason)
    move = inventory.post_move(uow, move=inventory.MoveCreate(
        item_id=original.item_id, quantity=base,
        from_location=inventory.virtual_location(uow, "production").code,
        to_location=original.location_id, purpose="production_return",
        lot_id=original.lot_id, unit_id=original.unit_id, doc=order.number,
        note=reason[:1000]), actor=actor)
    if base == left and original.edge_id is not None:
        traceability.reverse_link(uow, edge_id=original.edge_id,
                                  reason=f"{order.number}: returned ({reason})"[:500])
    factor = original.quantity / original.base_quantity
    row = Issue(work_order_id=order.id, bom_line_id=original.bom_line_id,
                item_id=original.item_id, lot_id=original.lot_id, unit_id=original.unit_id,
                quantity=-(base * factor), uom=original.uom, base_quantity=-base,
                substitute=original.substitute, output_unit_id=original.output_unit_id,
                location_id=original.location_id, stock_move_id=move.id,
                edge_id=original.edge_id, scan="", returns_id=original.id, reason=reason,
                actor=actor.name, actor_id=actor.id, at=uow.now())
    uow.session.add(row)
    uow.flush()
    return row
