"""Work orders: planned with a BOM version, released (the version released, every component
FEFO-allocated from issuable stock, the routing's equipment fit, the output lot numbered),
re-sequenced, completed, closed or cancelled."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, literal_column, select

from medtrace.modules import catalog, inventory, traceability
from medtrace.modules.production import events
from medtrace.modules.production.errors import (
    CheckBlocks,
    EquipmentUnfit,
    ReleaseRefused,
    WorkOrderInvalid,
    WorkOrderNotFound,
    WorkOrderStateConflict,
)
from medtrace.modules.production.models import (
    Allocation,
    Bom,
    BomSubstitute,
    CheckResult,
    Equipment,
    Issue,
    SubstituteApproval,
    WorkCenter,
    WorkOrder,
)
from medtrace.modules.production.permissions import ORDER_EXECUTE, ORDER_PLAN
from medtrace.modules.production.rules import (
    BomStatus,
    Stock,
    WorkOrderStatus,
    allocate_fefo,
    equipment_problem,
)
from medtrace.modules.production.schemas import Resequence, WorkOrderCreate
from medtrace.modules.production.service.masterdata import (
    bom_lines,
    bom_operations,
    effective_bom,
    ensure_may,
    item_by_code,
    problem,
)
from medtrace.platform import numbering
from medtrace.platform.actor import Actor
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_

WORK_ORDER_NUMBERS = "production.work_order"
numbering.register_kind(WORK_ORDER_NUMBERS, N_("Work order numbers"))


def _number(uow: UnitOfWork) -> str:
    """The next work order number (``WO-2026-00001``) from the numbering rule, which an
    administrator may change on the numbering page."""
    if numbering.find_rule(uow, WORK_ORDER_NUMBERS) is None:
        numbering.save_rule(uow, scope=WORK_ORDER_NUMBERS, pattern="WO-{YYYY}-{SEQ:5}",
                            reset="yearly", description="Work orders")
    return numbering.next_number(uow, WORK_ORDER_NUMBERS)


#: the rules a product gets when its plant has none for its lots or serials (an administrator
#: may change them on the numbering page): a batch a day numbered by date, serials by year
DEFAULT_RULES = {"traceability.lot": ("{YYMMDD}{SEQ:3}", "daily"),
                 "traceability.serial": ("{YY}{SEQ:7}", "yearly")}


def ensure_numbering(uow: UnitOfWork, item_id: int, kinds: tuple[str, ...]) -> None:
    """Make sure the product's lots and serials can be numbered automatically."""
    for kind in kinds:
        scope = f"{kind}:item:{item_id}"
        if numbering.find_rule(uow, scope, kind) is None:
            pattern, reset = DEFAULT_RULES[kind]
            numbering.save_rule(uow, scope=scope, pattern=pattern, reset=reset,
                                description="Production default")


def get_work_order_or_raise(uow: UnitOfWork, ref: str | int, *, lock: bool = False
                            ) -> WorkOrder:
    query = select(WorkOrder)
    text = str(ref).strip()
    query = query.where(WorkOrder.id == int(text)) if text.isdigit() and len(text) < 19 else \
        query.where(WorkOrder.number == text[:40])
    if lock:
        query = query.with_for_update()
    found = uow.session.scalar(query)
    if found is None:
        raise WorkOrderNotFound(f"no work order {text[:40]}")
    return found


def set_status(uow: UnitOfWork, order: WorkOrder, status: WorkOrderStatus) -> None:
    previous, order.status = order.status, status
    uow.flush()
    uow.publish(events.WorkOrderStatusChanged(number=order.number, item_id=order.item_id,
                                              previous=previous, status=status))


def create_work_order(uow: UnitOfWork, *, data: WorkOrderCreate, actor: Actor) -> WorkOrder:
    """Plan a work order for ``quantity`` of the item with a BOM version (the one given, or the
    released one in effect today)."""
    ensure_may(actor, ORDER_PLAN)
    item = item_by_code(uow, data.item)
    if item is None:
        raise WorkOrderInvalid("unknown item", errors=[problem("item", "unknown item")])
    if item.status != "active":
        raise WorkOrderInvalid(f"{item.code} is {item.status}",
                               errors=[problem("item", "not active")])
    uom = (data.uom or item.base_uom).strip().upper()
    try:
        base = catalog.to_base_quantity(uow, item.id, data.quantity, uom)
    except catalog.UnknownUnit:
        raise WorkOrderInvalid("not a unit of the item",
                               errors=[problem("uom", "not a unit of the item")]) from None
    if base != base.to_integral_value() and catalog.tracks_serial(item.tracking):
        raise WorkOrderInvalid("serialized products are made in whole units",
                               errors=[problem("quantity", "whole pieces")])
    if data.bom_version:
        bom = uow.session.scalar(select(Bom).where(Bom.item_id == item.id,
                                                   Bom.version == data.bom_version.strip()
                                                   .upper()))
        if bom is None or bom.status == BomStatus.REJECTED:
            raise WorkOrderInvalid("no such BOM version of the item",
                                   errors=[problem("bom_version", "unknown version")])
    else:
        bom = effective_bom(uow, item.id, data.planned_start or uow.today())
        if bom is None:
            raise WorkOrderInvalid(f"{item.code} has no released BOM version in effect",
                                   errors=[problem("bom_version", "none released")])
    line_location = _line_location(uow, bom, data.line_location)
    order = WorkOrder(number=_number(uow), item_id=item.id, bom_id=bom.id,
                      quantity=data.quantity, uom=uom, base_quantity=base,
                      status=WorkOrderStatus.PLANNED, sequence=_next_sequence(uow),
                      line_location_id=line_location.id if line_location else None,
                      planned_start=data.planned_start, note=data.note.strip(),
                      created_by_id=actor.id, created_by=actor.name, created_at=uow.now())
    uow.session.add(order)
    uow.flush()
    uow.publish(events.WorkOrderStatusChanged(number=order.number, item_id=item.id,
                                              previous=None, status=order.status))
    return order


def _next_sequence(uow: UnitOfWork) -> int:
    last = uow.session.scalar(select(func.max(WorkOrder.sequence)))
    return int(last or 0) + 10


def _line_location(uow: UnitOfWork, bom: Bom, code: str | None) -> Any | None:
    if code:
        try:
            location = inventory.get_location_or_raise(uow, code.strip())
        except inventory.LocationNotFound:
            raise WorkOrderInvalid("unknown location", errors=[
                problem("line_location", "unknown location")]) from None
        if inventory.stock_status_of(uow, location) != "available":
            raise WorkOrderInvalid("components are issued from available stock", errors=[
                problem("line_location", "not an available-stock location")])
        return location
    for operation in bom_operations(uow, bom.id):
        center = uow.session.get(WorkCenter, operation.work_center_id)
        if center is not None and center.line_location_id is not None:
            return inventory.get_location_or_raise(uow, center.line_location_id)
    return None


def equipment_problems(uow: UnitOfWork, bom_id: int) -> list[dict[str, str]]:
    """Every piece of the routing's equipment that may not be used today, and why."""
    today = uow.today()
    found = []
    for operation in bom_operations(uow, bom_id):
        if operation.equipment_id is None:
            continue
        equipment = uow.session.get(Equipment, operation.equipment_id)
        why = equipment_problem(equipment.status, equipment.calibration_due,
                                equipment.maintenance_due, today)
        if why:
            found.append(problem(f"operations.{operation.sequence}.equipment", why,
                                 equipment=equipment.code))
    return found


def ensure_equipment_fit(uow: UnitOfWork, equipment: Equipment) -> None:
    why = equipment_problem(equipment.status, equipment.calibration_due,
                            equipment.maintenance_due, uow.today())
    if why:
        raise EquipmentUnfit(f"{equipment.code}: {why}",
                             errors=[problem("equipment", why, equipment=equipment.code)])


def _reserved(uow: UnitOfWork, order_id: int) -> dict[tuple[int, int], Decimal]:
    """What other running work orders hold allocated, by (location, lot or unit id)."""
    thing = func.coalesce(Allocation.unit_id, Allocation.lot_id, literal_column("0"))
    rows = uow.session.execute(
        select(Allocation.location_id, thing, func.sum(Allocation.base_quantity))
        .join(WorkOrder, WorkOrder.id == Allocation.work_order_id)
        .where(WorkOrder.id != order_id,
               WorkOrder.status.in_((WorkOrderStatus.RELEASED, WorkOrderStatus.IN_PROGRESS)))
        .group_by(Allocation.location_id, thing))
    return {(location, thing): Decimal(amount) for location, thing, amount in rows}


def issuable_stock(uow: UnitOfWork, item_id: int, order_id: int) -> list[Stock]:
    """Issuable stock of a component (released, unexpired, in available locations), less what
    other running work orders have allocated."""
    picked = inventory.fefo(uow, item_id=item_id, quantity=Decimal(10) ** 15,
                            min_remaining_days=0)
    reserved = _reserved(uow, order_id)
    stock = []
    for row in picked["picks"]:
        thing = row["unit_id"] or row["lot_id"] or 0
        free = Decimal(row["quantity"]) - reserved.get((row["location_id"], thing), Decimal(0))
        if free > 0:
            stock.append(Stock(lot_id=row["lot_id"], unit_id=row["unit_id"],
                               location_id=row["location_id"], location_code=row["location"],
                               lot_code=row["lot"], expiry=_date(row["expiry"]), quantity=free))
    return stock


def _date(text: str | None) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(text) if text else None


def release_work_order(uow: UnitOfWork, *, ref: str, actor: Actor) -> WorkOrder:
    """Release a planned order: refused with every reason at once (BOM version not released,
    components short of issuable stock, equipment unfit); else the components are allocated
    first expired first out and the output lot is numbered by the item's lot rule."""
    ensure_may(actor, ORDER_PLAN)
    order = get_work_order_or_raise(uow, ref, lock=True)
    if order.status != WorkOrderStatus.PLANNED:
        raise WorkOrderStateConflict(f"{order.number} is {order.status}")
    bom = uow.session.get(Bom, order.bom_id)
    problems: list[dict[str, str]] = []
    if bom.status != BomStatus.RELEASED:
        problems.append(problem("bom_version", "not released", bom=bom.number,
                                status=bom.status))
    allocations: list[Allocation] = []
    for line in bom_lines(uow, bom.id):
        needed = line.base_quantity * order.base_quantity
        taken, missing = allocate_fefo(issuable_stock(uow, line.item_id, order.id), needed)
        picked = [(line.item_id, a) for a in taken]
        for substitute in approved_substitutes(uow, order.id, line.id):
            if missing <= 0:
                break
            more, left = allocate_fefo(issuable_stock(uow, substitute.item_id, order.id),
                                       missing * substitute.factor)
            picked.extend((substitute.item_id, a) for a in more)
            missing = left / substitute.factor
        if missing > 0:
            component = catalog.get_item_or_raise(uow, line.item_id)
            problems.append(problem(f"lines.{line.line_no}", "short", item=component.code,
                                    short=str(missing), uom=component.base_uom))
            continue
        allocations.extend(Allocation(work_order_id=order.id, bom_line_id=line.id,
                                      item_id=item_id, lot_id=a.lot_id, unit_id=a.unit_id,
                                      location_id=a.location_id, base_quantity=a.quantity)
                           for item_id, a in picked)
    problems.extend(equipment_problems(uow, bom.id))
    if problems:
        raise ReleaseRefused(f"{order.number} cannot be released", errors=problems)
    uow.session.add_all(allocations)
    item = catalog.get_item_or_raise(uow, order.item_id)
    ensure_numbering(uow, item.id, ("traceability.lot", "traceability.serial")
                     if catalog.tracks_serial(item.tracking) else ("traceability.lot",))
    if item.tracking != "none" and order.output_lot_id is None:
        lot = traceability.create_lot(uow, item_id=item.id, manufacture_date=uow.today(),
                                      status="quarantine", origin="produced",
                                      quantity=order.base_quantity, uom=item.base_uom)
        order.output_lot_id = lot.id
    order.released_at = uow.now()
    set_status(uow, order, WorkOrderStatus.RELEASED)
    return order


def approved_substitutes(uow: UnitOfWork, order_id: int, line_id: int) -> list[BomSubstitute]:
    """The line's substitutes approved for this work order, by priority."""
    return list(uow.session.scalars(
        select(BomSubstitute).join(SubstituteApproval,
                                   SubstituteApproval.substitute_id == BomSubstitute.id)
        .where(SubstituteApproval.work_order_id == order_id, BomSubstitute.line_id == line_id)
        .order_by(BomSubstitute.priority, BomSubstitute.id)))


def shortages(uow: UnitOfWork, order: WorkOrder) -> list[dict[str, Any]]:
    """What a work order still needs of each component and cannot find in issuable stock
    (re-planning: a planned order's whole need, a running order's need not yet issued)."""
    issued = dict(uow.session.execute(
        select(Issue.bom_line_id, func.sum(Issue.base_quantity))
        .where(Issue.work_order_id == order.id).group_by(Issue.bom_line_id)).all())
    mine = dict(uow.session.execute(
        select(Allocation.bom_line_id, func.sum(Allocation.base_quantity))
        .where(Allocation.work_order_id == order.id).group_by(Allocation.bom_line_id)).all())
    found = []
    for line in bom_lines(uow, order.bom_id):
        need = line.base_quantity * order.base_quantity - Decimal(issued.get(line.id) or 0)
        if need <= 0:
            continue
        free = sum((s.quantity for s in issuable_stock(uow, line.item_id, order.id)),
                   Decimal(0))
        for substitute in approved_substitutes(uow, order.id, line.id):
            free += sum((s.quantity for s in issuable_stock(uow, substitute.item_id, order.id)),
                        Decimal(0)) / substitute.factor
        have = free if order.status == WorkOrderStatus.PLANNED else \
            max(free, Decimal(mine.get(line.id) or 0))
        if have < need:
            component = catalog.get_item_or_raise(uow, line.item_id)
            found.append({"line_no": line.line_no, "item": component.code,
                          "item_id": component.id, "needed": need, "available": have,
                          "short": need - have, "uom": component.base_uom})
    return found


def resequence_work_order(uow: UnitOfWork, *, ref: str, data: Resequence, actor: Actor
                          ) -> WorkOrder:
    """Move an open work order in the line's order of work, with a reason."""
    ensure_may(actor, ORDER_PLAN)
    order = get_work_order_or_raise(uow, ref, lock=True)
    if not WorkOrderStatus(order.status).open:
        raise WorkOrderStateConflict(f"{order.number} is {order.status}")
    uow.context.setdefault("reason", data.reason.strip())
    order.sequence = data.sequence
    uow.flush()
    return order


def start_if_released(uow: UnitOfWork, order: WorkOrder) -> None:
    if order.status == WorkOrderStatus.RELEASED:
        set_status(uow, order, WorkOrderStatus.IN_PROGRESS)


def ensure_running(order: WorkOrder) -> None:
    if not WorkOrderStatus(order.status).running:
        raise WorkOrderStateConflict(f"{order.number} is {order.status}")


def open_failures(uow: UnitOfWork, order_id: int) -> list[CheckResult]:
    return list(uow.session.scalars(select(CheckResult).where(
        CheckResult.work_order_id == order_id, CheckResult.passed.is_(False),
        CheckResult.disposition.is_(None))))


def complete_work_order(uow: UnitOfWork, *, ref: str, actor: Actor) -> WorkOrder:
    """The line is done: no more issues or output. Refused while a failed check has no
    disposition or nothing was produced; what is left allocated is freed."""
    ensure_may(actor, ORDER_EXECUTE)
    order = get_work_order_or_raise(uow, ref, lock=True)
    if order.status != WorkOrderStatus.IN_PROGRESS:
        raise WorkOrderStateConflict(f"{order.number} is {order.status}")
    if open_failures(uow, order.id):
        raise CheckBlocks(f"{order.number} has a failed check without a disposition")
    if order.produced_quantity <= 0:
        raise WorkOrderStateConflict(f"{order.number} has produced nothing",
                                     errors=[problem("outputs", "none")])
    free_allocations(uow, order)
    order.completed_at = uow.now()
    set_status(uow, order, WorkOrderStatus.COMPLETED)
    return order


def free_allocations(uow: UnitOfWork, order: WorkOrder) -> None:
    for allocation in uow.session.scalars(select(Allocation).where(
            Allocation.work_order_id == order.id)):
        uow.session.delete(allocation)
    uow.flush()


def close_work_order(uow: UnitOfWork, *, ref: str, actor: Actor) -> WorkOrder:
    ensure_may(actor, ORDER_PLAN)
    order = get_work_order_or_raise(uow, ref, lock=True)
    if order.status != WorkOrderStatus.COMPLETED:
        raise WorkOrderStateConflict(f"{order.number} is {order.status}")
    order.closed_at = uow.now()
    set_status(uow, order, WorkOrderStatus.CLOSED)
    return order


def cancel_work_order(uow: UnitOfWork, *, ref: str, reason: str, actor: Actor) -> WorkOrder:
    """Cancel an order nothing was issued to or produced by yet (return the material first)."""
    ensure_may(actor, ORDER_PLAN)
    order = get_work_order_or_raise(uow, ref, lock=True)
    if order.status not in (WorkOrderStatus.PLANNED, WorkOrderStatus.RELEASED,
                            WorkOrderStatus.IN_PROGRESS):
        raise WorkOrderStateConflict(f"{order.number} is {order.status}")
    net = uow.session.scalar(select(func.coalesce(func.sum(Issue.base_quantity), 0)).where(
        Issue.work_order_id == order.id))
    if Decimal(net or 0) != 0 or order.produced_quantity > 0:
        raise WorkOrderStateConflict(f"{order.number} has material or output: return the "
                                     "material first", errors=[problem("issues", "not returned")])
    uow.context.setdefault("reason", reason.strip())
    free_allocations(uow, order)
    set_status(uow, order, WorkOrderStatus.CANCELLED)
    return order

