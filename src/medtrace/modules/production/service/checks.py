"""Operations done and their in-process checks, dispositions of failed checks, and substitutes
approved for a work order. A failed check without a disposition blocks the work order's next
operation (of the same unit, or any when the check was not per unit), its output and its
completion; rework, scrap (a stock move and a traceability event) or use as is (QA's signature)
lifts the block."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, inventory, traceability
from medtrace.modules.production.errors import (
    CheckBlocks,
    OperationInvalid,
    ReasonRequired,
    SubstituteNotApproved,
)
from medtrace.modules.production.models import (
    BomLine,
    BomSubstitute,
    Check,
    CheckResult,
    Equipment,
    Operation,
    OperationRecord,
    SubstituteApproval,
    WorkOrder,
)
from medtrace.modules.production.permissions import (
    DISPOSITION,
    ORDER_EXECUTE,
    SUBSTITUTE_APPROVE,
)
from medtrace.modules.production.rules import (
    APPROVED,
    PERFORMED,
    VERIFIED,
    Disposition,
    SignatureNeed,
    check_passes,
)
from medtrace.modules.production.schemas import (
    DispositionCreate,
    OperationRecordCreate,
    SignatureIn,
    SubstituteApprove,
)
from medtrace.modules.production.service.masterdata import (
    ensure_may,
    get_equipment_or_raise,
    problem,
)
from medtrace.modules.production.service.orders import (
    ensure_equipment_fit,
    ensure_running,
    get_work_order_or_raise,
    start_if_released,
)
from medtrace.platform import esign
from medtrace.platform.actor import Actor
from medtrace.platform.db.uow import UnitOfWork


def _signer(signature: SignatureIn | None, actor: Actor, field_name: str = "signature"
            ) -> SignatureIn:
    if signature is None:
        raise OperationInvalid("a signature is required",
                               errors=[problem(field_name, "required")])
    if actor.kind != "user" or signature.username != actor.name:
        raise OperationInvalid("sign as the signed-in user",
                               errors=[problem(f"{field_name}.username", "not you")])
    return signature


def _unit_of(uow: UnitOfWork, order: WorkOrder, serial: str | None) -> Any | None:
    if not serial:
        return None
    unit = traceability.find(uow, "unit", serial.strip(), order.item_id)
    if unit is None or order.output_lot_id is None or unit.lot_id != order.output_lot_id:
        raise OperationInvalid(f"serial {serial} is not of {order.number}",
                               errors=[problem("serial", "not of this work order")])
    return unit


def blocking_failures(uow: UnitOfWork, order: WorkOrder, unit_id: int | None
                      ) -> list[CheckResult]:
    """Failed checks without a disposition that stop this step: every one for a step of the
    whole work order, those of the same unit or of the whole order for a unit's step."""
    query = select(CheckResult).where(CheckResult.work_order_id == order.id,
                                      CheckResult.passed.is_(False),
                                      CheckResult.disposition.is_(None))
    if unit_id is not None:
        query = query.where((CheckResult.unit_id.is_(None)) | (CheckResult.unit_id == unit_id))
    return list(uow.session.scalars(query))


def record_operation(uow: UnitOfWork, *, ref: str, data: OperationRecordCreate, actor: Actor
                     ) -> OperationRecord:
    """Record an operation of the routing as done, with its check results and the signature the
    routing asks for (the operator's ``performed``; QA's ``verified``, by QA itself)."""
    ensure_may(actor, ORDER_EXECUTE)
    order = get_work_order_or_raise(uow, ref, lock=True)
    ensure_running(order)
    operation = uow.session.scalar(select(Operation).where(
        Operation.bom_id == order.bom_id, Operation.sequence == data.operation))
    if operation is None:
        raise OperationInvalid(f"operation {data.operation} is not on {order.number}'s routing",
                               errors=[problem("operation", "not on the routing")])
    unit = _unit_of(uow, order, data.serial)
    blocking = blocking_failures(uow, order, unit.id if unit else None)
    if blocking:
        raise CheckBlocks(f"{order.number}: a failed check has no disposition",
                          errors=[problem("operation", "failed check without disposition",
                                          result=str(r.id)) for r in blocking])
    equipment = None
    code = data.equipment or None
    if code:
        equipment = get_equipment_or_raise(uow, code)
    elif operation.equipment_id is not None:
        equipment = uow.session.get(Equipment, operation.equipment_id)
    if equipment is not None:
        ensure_equipment_fit(uow, equipment)
    need = SignatureNeed(operation.signature)
    if need == SignatureNeed.QA:
        ensure_may(actor, DISPOSITION)
    checks = {c.id: c for c in uow.session.scalars(select(Check).where(
        Check.operation_id == operation.id))}
    results = []
    for index, result in enumerate(data.results):
        check = checks.get(result.check_id)
        if check is None:
            raise OperationInvalid("not a check of this operation",
                                   errors=[problem(f"results.{index}.check_id", "unknown")])
        passed = check_passes(check.kind, result.value, check.lower, check.upper)
        if passed is None:
            raise OperationInvalid(f"{result.value!r} is not a result of {check.characteristic}",
                                   errors=[problem(f"results.{index}.value", "unreadable")])
        result_unit = _unit_of(uow, order, result.serial) if result.serial else unit
        results.append((check, result.value.strip(), passed, result_unit))
    now = uow.now()
    started = data.started_at or now
    if started.tzinfo is None or started > now + dt.timedelta(minutes=5):
        raise OperationInvalid("the start is in the future or has no time zone",
                               errors=[problem("started_at", "not a past moment")])
    record = OperationRecord(work_order_id=order.id, operation_id=operation.id,
                             unit_id=unit.id if unit else None,
                             equipment_id=equipment.id if equipment else None,
                             calibration_due=equipment.calibration_due if equipment else None,
                             operator=actor.name, operator_id=actor.id,
                             started_at=started.astimezone(dt.UTC), finished_at=now,
                             note=data.note.strip())
    uow.session.add(record)
    uow.flush()
    if need != SignatureNeed.NONE:
        signature = _signer(data.signature, actor)
        esign.sign(uow, record=record, meaning=VERIFIED if need == SignatureNeed.QA
                   else PERFORMED, password=signature.password, actor=actor,
                   comment=signature.comment or None)
    for check, value, passed, result_unit in results:
        uow.session.add(CheckResult(work_order_id=order.id, check_id=check.id,
                                    record_id=record.id,
                                    unit_id=result_unit.id if result_unit else None,
                                    value=value[:40], passed=passed, recorded_by=actor.name,
                                    at=now))
    start_if_released(uow, order)
    uow.flush()
    return record


def record_disposition(uow: UnitOfWork, *, ref: str, result_id: int, data: DispositionCreate,
                       actor: Actor) -> CheckResult:
    """Decide a failed check: rework (the unit or order is checked again), scrap (the unit, or a
    quantity of the lot, leaves stock to scrap), use as is (QA's signature, ``approved``)."""
    ensure_may(actor, DISPOSITION)
    order = get_work_order_or_raise(uow, ref, lock=True)
    result = uow.session.get(CheckResult, result_id)
    if result is None or result.work_order_id != order.id:
        raise OperationInvalid(f"no check result {result_id} on {order.number}",
                               errors=[problem("result", "unknown")])
    if result.passed or result.disposition is not None:
        raise OperationInvalid("only a failed check without a disposition is decided",
                               errors=[problem("result", "passed or decided")])
    reason = data.reason.strip()
    if not reason:
        raise ReasonRequired()
    uow.context.setdefault("reason", reason)
    kind = Disposition(data.disposition)
    if kind == Disposition.USE_AS_IS:
        signature = _signer(data.signature, actor)
        esign.sign(uow, record=result, meaning=APPROVED, password=signature.password,
                   actor=actor, comment=reason)
    elif kind == Disposition.SCRAP:
        _scrap(uow, order, result, data, actor, reason)
    result.disposition, result.disposition_reason = kind, reason
    result.disposition_by, result.disposition_at = actor.name, uow.now()
    uow.flush()
    return result


def _scrap(uow: UnitOfWork, order: WorkOrder, result: CheckResult, data: DispositionCreate,
           actor: Actor, reason: str) -> None:
    """Scrap the failed unit (or ``quantity`` of the lot): out of stock to the scrap location
    when it is in stock, else journalled as scrapped on the line."""
    scrap = inventory.virtual_location(uow, "scrap")
    if result.unit_id is not None:
        unit = traceability.get_object_or_raise(uow, result.unit_id)
        places = [row for row in inventory.balances(uow, inventory.BalanceFilter(
            lot_id=unit.lot_id, item_id=unit.item_id), limit=100000)[0]
            if row["unit_id"] == unit.id] if unit.lot_id else []
        if places:
            inventory.post_move(uow, move=inventory.MoveCreate(
                item_id=unit.item_id, quantity=Decimal(1), unit_id=unit.id,
                from_location=places[0]["location"], to_location=scrap.code, purpose="scrap",
                doc=order.number, note=reason[:1000]), actor=actor)
            order.produced_quantity = order.produced_quantity - 1
        else:
            traceability.record_event(uow, step="scrapped", what=[unit], doc=order.number,
                                      extra={"work_order": order.number, "reason": reason})
        order.scrapped_quantity = order.scrapped_quantity + 1
        return
    if data.quantity is None:
        raise OperationInvalid("say how much of the lot is scrapped",
                               errors=[problem("quantity", "required")])
    if order.output_lot_id is None:
        raise OperationInvalid("the work order has no lot", errors=[problem("quantity", "")])
    item = catalog.get_item_or_raise(uow, order.item_id)
    left = data.quantity
    for row in inventory.balances(uow, inventory.BalanceFilter(lot_id=order.output_lot_id,
                                                               item_id=item.id),
                                  limit=100000)[0]:
        if left <= 0 or row["unit_id"] is not None:
            continue
        take = min(left, Decimal(row["quantity"]))
        inventory.post_move(uow, move=inventory.MoveCreate(
            item_id=item.id, quantity=take, lot_id=order.output_lot_id,
            from_location=row["location"], to_location=scrap.code, purpose="scrap",
            doc=order.number, note=reason[:1000]), actor=actor)
        left -= take
    if left > 0:
        raise OperationInvalid(f"only {data.quantity - left} of the lot is in stock",
                               errors=[problem("quantity", "more than in stock")])
    order.produced_quantity = order.produced_quantity - data.quantity
    order.scrapped_quantity = order.scrapped_quantity + data.quantity


def approve_substitute(uow: UnitOfWork, *, ref: str, data: SubstituteApprove, actor: Actor
                       ) -> SubstituteApproval:
    """Approve one of a BOM line's substitutes for this work order (a shortage), signed
    ``approved``; only a substitute the released BOM version allows can be approved."""
    ensure_may(actor, SUBSTITUTE_APPROVE)
    order = get_work_order_or_raise(uow, ref, lock=True)
    if order.status not in ("planned", "released", "in_progress"):
        ensure_running(order)
    line = uow.session.scalar(select(BomLine).where(BomLine.bom_id == order.bom_id,
                                                    BomLine.line_no == data.line_no))
    if line is None:
        raise OperationInvalid("no such BOM line", errors=[problem("line_no", "unknown")])
    item = catalog.get_item_by_code(uow, data.item.strip())
    substitute = uow.session.scalar(select(BomSubstitute).where(
        BomSubstitute.line_id == line.id, BomSubstitute.item_id == (item.id if item else 0)))
    if substitute is None:
        raise SubstituteNotApproved(f"{data.item} is not an allowed substitute of line "
                                    f"{data.line_no}: change the BOM (ECO) first",
                                    errors=[problem("item", "not an allowed substitute")])
    existing = uow.session.scalar(select(SubstituteApproval).where(
        SubstituteApproval.work_order_id == order.id,
        SubstituteApproval.substitute_id == substitute.id))
    if existing is not None:
        return existing
    signature = _signer(data.signature, actor)
    uow.context.setdefault("reason", data.reason.strip())
    approval = SubstituteApproval(work_order_id=order.id, substitute_id=substitute.id,
                                  reason=data.reason.strip(), approved_by=actor.name,
                                  at=uow.now())
    uow.session.add(approval)
    uow.flush()
    esign.sign(uow, record=approval, meaning=APPROVED, password=signature.password,
               actor=actor, comment=data.reason.strip())
    return approval

