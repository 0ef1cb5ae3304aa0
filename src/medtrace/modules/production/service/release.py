"""Batch release: QA's review of the device history record, e-signed (``released``) by
someone who performed none of the batch's production steps. Refused while a work order of the
batch is not complete, a failed check has no disposition, or a component lot (or the lot of a
component unit) is on hold or recalled. The lot and its units become ``released`` in one
statement and their stock moves from quarantine to available stock, in the same transaction."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from medtrace.modules import inventory, traceability
from medtrace.modules.production import events
from medtrace.modules.production.errors import (
    BatchReleaseRefused,
    OperationInvalid,
    ProducerMayNotRelease,
)
from medtrace.modules.production.models import (
    CheckResult,
    Issue,
    OperationRecord,
    Output,
    WorkOrder,
)
from medtrace.modules.production.permissions import BATCH_RELEASE
from medtrace.modules.production.rules import WorkOrderStatus
from medtrace.modules.production.schemas import BatchReleaseIn
from medtrace.modules.production.service.masterdata import ensure_may, problem
from medtrace.platform.actor import Actor
from medtrace.platform.db.uow import UnitOfWork

HELD = ("on_hold", "recalled")


def orders_of_lot(uow: UnitOfWork, lot_id: int) -> list[WorkOrder]:
    return list(uow.session.scalars(select(WorkOrder).where(WorkOrder.output_lot_id == lot_id)
                                    .order_by(WorkOrder.id)))


def producers(uow: UnitOfWork, order_ids: list[int]) -> set[int]:
    """Who performed a production step of these work orders (user ids)."""
    found: set[int] = set()
    for column, table in ((Issue.actor_id, Issue), (Output.actor_id, Output),
                          (OperationRecord.operator_id, OperationRecord)):
        found.update(i for i in uow.session.scalars(
            select(column).where(table.work_order_id.in_(order_ids)).distinct()) if i)
    return found


def release_problems(uow: UnitOfWork, lot: Any, orders: list[WorkOrder]) -> list[dict[str, str]]:
    """Every reason the batch may not be released yet."""
    found = []
    if lot.status != "quarantine":
        found.append(problem("lot", "not in quarantine", lot=lot.code, status=lot.status))
    for order in orders:
        if order.status not in (WorkOrderStatus.COMPLETED, WorkOrderStatus.CLOSED):
            found.append(problem("work_order", "not complete", work_order=order.number,
                                 status=order.status))
    ids = [o.id for o in orders]
    failed = list(uow.session.scalars(select(CheckResult).where(
        CheckResult.work_order_id.in_(ids), CheckResult.passed.is_(False),
        CheckResult.disposition.is_(None))))
    found.extend(problem("checks", "failed check without disposition", result=str(r.id))
                 for r in failed)
    things = set()
    for lot_id, unit_id in uow.session.execute(select(Issue.lot_id, Issue.unit_id).where(
            Issue.work_order_id.in_(ids), Issue.returns_id.is_(None))):
        things.update(i for i in (lot_id, unit_id) if i)
    codes = traceability.codes_by_id(uow, list(things))
    for thing_id in sorted(things):
        thing = traceability.get_object_or_raise(uow, thing_id)
        if thing.status in HELD:
            found.append(problem("components", "component on hold or recalled",
                                 component=str(codes.get(thing_id)), status=thing.status))
    return found


def release_batch(uow: UnitOfWork, *, lot_id: int, data: BatchReleaseIn, actor: Actor) -> Any:
    """Release a produced lot (see the module docstring). The lot."""
    ensure_may(actor, BATCH_RELEASE)
    lot = traceability.get_object_or_raise(uow, lot_id)
    orders = orders_of_lot(uow, lot.id) if lot.kind == "lot" else []
    if not orders:
        raise BatchReleaseRefused(f"{lot.code} was not produced by a work order",
                                  errors=[problem("lot", "not produced here")])
    if actor.kind != "user" or data.signature.username != actor.name:
        raise OperationInvalid("sign as the signed-in user",
                               errors=[problem("signature.username", "not you")])
    if actor.id in producers(uow, [o.id for o in orders]):
        raise ProducerMayNotRelease(errors=[problem("signature.username",
                                                    "performed production steps")])
    found = release_problems(uow, lot, orders)
    if found:
        raise BatchReleaseRefused(f"{lot.code} cannot be released", errors=found)
    numbers = [o.number for o in orders]
    comment = data.comment.strip() or data.signature.comment.strip()
    reason = f"DHR reviewed ({', '.join(numbers)})" + (f": {comment}" if comment else "")
    traceability.change_batch_status(uow, lot_id=lot.id, status="released", reason=reason[:500],
                                     actor=actor, password=data.signature.password,
                                     doc=numbers[0], extra={"batch_release": {
                                         "work_orders": numbers, "signed_by": actor.name}})
    _to_available(uow, lot, numbers[0], actor)
    uow.publish(events.BatchReleased(lot_id=lot.id, code=lot.code, item_id=lot.item_id,
                                     work_orders=numbers))
    return lot


def _to_available(uow: UnitOfWork, lot: Any, doc: str, actor: Actor) -> None:
    """Move the batch's stock from quarantine to the available stock of the same warehouse."""
    rows = inventory.balances(uow, inventory.BalanceFilter(lot_id=lot.id, item_id=lot.item_id),
                              limit=1_000_000)[0]
    units: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row["location_status"] != "quarantine":
            continue
        if row["unit_id"] is not None:
            units[row["location"]].append(row["unit_id"])
            continue
        target = inventory.find_location_with_status(uow, status="available",
                                                     near=row["location"])
        if target:
            inventory.post_move(uow, move=inventory.MoveCreate(
                item_id=lot.item_id, quantity=Decimal(row["quantity"]), lot_id=lot.id,
                from_location=row["location"], to_location=target, purpose="release",
                doc=doc), actor=actor)
    for location, unit_ids in units.items():
        target = inventory.find_location_with_status(uow, status="available", near=location)
        if target:
            inventory.post_moves(uow, moves=inventory.BulkMoveCreate(
                item_id=lot.item_id, from_location=location, to_location=target,
                purpose="release", lot_id=lot.id, unit_ids=unit_ids, doc=doc), actor=actor)
