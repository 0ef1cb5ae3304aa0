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
from medtrace.modules.production.errors import (
    IssueInvalid,
    SubstituteNotApproved,
    WrongComponent,
)
from medtrace.modules.production.models import (
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
)
from medtrace.platform.actor import Actor
from medtrace.platform.db.uow import UnitOfWork


@dataclass
class Match:
    """What a scanned thing is to the work order: its BOM line, and the substitute it is."""

    line: BomLine
    substitute: BomSubstitute | None


def matcher(uow: UnitOfWork, order: WorkOrder) -> Any:
    """``match(item_id, index, many)``: the BOM line a component's item is on, or the
    approved substitute it is; refused (at ``scan`` or ``scans.N.scan``) when it is neither.
    The BOM version, its substitutes and the order's approvals are read once."""
    lines = list(uow.session.scalars(select(BomLine).where(BomLine.bom_id == order.bom_id)))
    by_item = {line.item_id: line for line in lines}
    substitutes: dict[int, list[BomSubstitute]] = {}
    for substitute in uow.session.scalars(select(BomSubstitute).where(
            BomSubstitute.line_id.in_([line.id for line in lines]))
            .order_by(BomSubstitute.priority, BomSubstitute.id)):
        substitutes.setdefault(substitute.item_id, []).append(substitute)
    approved = {row.substitute_id for row in uow.session.scalars(select(SubstituteApproval)
                .where(SubstituteApproval.work_order_id == order.id))}
    lines_by_id = {line.id: line for line in lines}

    def match(item_id: int, index: int = 0, many: bool = False) -> Match:
        where = f"scans.{index}.scan" if many else "scan"
        if item_id in by_item:
            return Match(by_item[item_id], None)
        candidates = substitutes.get(item_id)
        item = catalog.get_item_or_raise(uow, item_id)
        if not candidates:
            raise WrongComponent(f"{item.code} is not on {order.number}'s BOM",
                                 errors=[problem(where, "not a component")], item=item.code)
        for substitute in candidates:
            if substitute.id in approved:
                return Match(lines_by_id[substitute.line_id], substitute)
        raise SubstituteNotApproved(f"{item.code} is a substitute not approved for "
                                    f"{order.number}",
                                    errors=[problem(where, "substitute not approved")],
                                    item=item.code)

    return match


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
    """Issue one scanned component to a running work order: ``issuing.issue_materials`` with
    one scan (the same checks and writes as a batch)."""
    from medtrace.modules.production.service.issuing import issue_materials

    row = issue_materials(uow, ref=ref, scans=[data], actor=actor)[0]
    assert isinstance(row, Issue)
    return row


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
