"""Master data of production: work centres, equipment and its calibration and maintenance
records, BOM versions with their routing, released only through the engineering change
workflow (``engineering_change``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, inventory
from medtrace.modules.production import events
from medtrace.modules.production.errors import (
    BomInvalid,
    BomNotFound,
    BomStateConflict,
    EquipmentInvalid,
    EquipmentNotFound,
    NoChangeProcess,
)
from medtrace.modules.production.models import (
    Bom,
    BomLine,
    BomSubstitute,
    Check,
    Equipment,
    EquipmentRecord,
    Operation,
    WorkCenter,
)
from medtrace.modules.production.permissions import BOM_EDIT, EQUIPMENT_EDIT
from medtrace.modules.production.rules import (
    BomStatus,
    CheckKind,
    EquipmentRecordKind,
    EquipmentResult,
    EquipmentStatus,
    next_version,
)
from medtrace.modules.production.schemas import (
    BomCreate,
    EquipmentRecordCreate,
    EquipmentWrite,
    WorkCenterWrite,
)
from medtrace.platform import workflows
from medtrace.platform.actor import Actor
from medtrace.platform.auth.errors import Forbidden
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.platform.workflows.models import WorkflowInstance, WorkflowTask

#: the workflow a BOM version runs (the shipped ``engineering_change.bpmn``)
CHANGE_PROCESS = "engineering_change"
BOM_RECORD = "production.engineering_change"


def problem(field_name: str, message: str, **extra: str) -> dict[str, str]:
    """One refusal of a field: a fixed English phrase the pages translate, and the codes or
    figures it concerns (``item``, ``equipment``...) as further keys."""
    return {"field": field_name, "message": message, **extra}


def ensure_may(actor: Actor, permission: str) -> None:
    if not actor.can(permission):
        raise Forbidden(permission=permission)


def item_by_code(uow: UnitOfWork, code: str) -> Any | None:
    return catalog.get_item_by_code(uow, code.strip())


# --- work centres and equipment -----------------------------------------------------------------
def get_work_center_or_raise(uow: UnitOfWork, code: str) -> WorkCenter:
    found = uow.session.scalar(select(WorkCenter).where(WorkCenter.code == code.strip()))
    if found is None:
        raise EquipmentNotFound(f"no work centre {code}")
    return found


def get_equipment_or_raise(uow: UnitOfWork, code: str) -> Equipment:
    found = uow.session.scalar(select(Equipment).where(Equipment.code == code.strip()))
    if found is None:
        raise EquipmentNotFound(f"no equipment {code}")
    return found


def save_work_center(uow: UnitOfWork, *, data: WorkCenterWrite, actor: Actor) -> WorkCenter:
    ensure_may(actor, EQUIPMENT_EDIT)
    location_id = None
    if data.line_location:
        try:
            location = inventory.get_location_or_raise(uow, data.line_location)
        except inventory.LocationNotFound:
            raise EquipmentInvalid("unknown line location", errors=[
                problem("line_location", "unknown location")]) from None
        if inventory.stock_status_of(uow, location) != "available":
            raise EquipmentInvalid("the line location must hold available stock", errors=[
                problem("line_location", "not an available-stock location")])
        location_id = location.id
    center = uow.session.scalar(select(WorkCenter).where(WorkCenter.code == data.code.strip()))
    if center is None:
        center = WorkCenter(code=data.code.strip())
        uow.session.add(center)
    center.name_zh, center.name_en = data.name_zh.strip(), data.name_en.strip()
    center.line_location_id = location_id
    uow.flush()
    return center


def save_equipment(uow: UnitOfWork, *, data: EquipmentWrite, actor: Actor) -> Equipment:
    ensure_may(actor, EQUIPMENT_EDIT)
    center_id = None
    if data.work_center:
        try:
            center_id = get_work_center_or_raise(uow, data.work_center).id
        except EquipmentNotFound:
            raise EquipmentInvalid("unknown work centre", errors=[
                problem("work_center", "unknown work centre")]) from None
    equipment = uow.session.scalar(select(Equipment).where(Equipment.code == data.code.strip()))
    if equipment is None:
        equipment = Equipment(code=data.code.strip(), status=EquipmentStatus.AVAILABLE)
        uow.session.add(equipment)
    equipment.name_zh, equipment.name_en = data.name_zh.strip(), data.name_en.strip()
    equipment.work_center_id = center_id
    equipment.calibration_interval_days = data.calibration_interval_days
    equipment.maintenance_interval_days = data.maintenance_interval_days
    if data.calibration_due is not None or equipment.calibration_due is None:
        equipment.calibration_due = data.calibration_due
    if data.maintenance_due is not None or equipment.maintenance_due is None:
        equipment.maintenance_due = data.maintenance_due
    uow.flush()
    return equipment


def record_equipment_work(uow: UnitOfWork, *, code: str, data: EquipmentRecordCreate,
                          actor: Actor) -> EquipmentRecord:
    """A calibration, maintenance, repair or status change: an append-only record, and the
    equipment's due dates and status brought up to date. A failed calibration takes the
    equipment out of service unless another status is given."""
    ensure_may(actor, EQUIPMENT_EDIT)
    equipment = get_equipment_or_raise(uow, code)
    today = uow.today()
    if data.performed_on > today:
        raise EquipmentInvalid("performed in the future",
                               errors=[problem("performed_on", "in the future")])
    if data.next_due is not None and data.next_due < data.performed_on:
        raise EquipmentInvalid("due before it was done",
                               errors=[problem("next_due", "before performed_on")])
    kind = EquipmentRecordKind(data.kind)
    failed = data.result == EquipmentResult.FAILED
    next_due = data.next_due
    if next_due is None and not failed:
        interval = (equipment.calibration_interval_days if kind == EquipmentRecordKind.CALIBRATION
                    else equipment.maintenance_interval_days
                    if kind == EquipmentRecordKind.MAINTENANCE else None)
        if interval:
            next_due = data.performed_on + dt.timedelta(days=interval)
    status = data.status or (EquipmentStatus.OUT_OF_SERVICE if failed else
                             EquipmentStatus.AVAILABLE if kind != EquipmentRecordKind.STATUS
                             else equipment.status)
    if kind == EquipmentRecordKind.CALIBRATION and not failed and next_due is not None:
        equipment.calibration_due = next_due
    if kind == EquipmentRecordKind.MAINTENANCE and not failed and next_due is not None:
        equipment.maintenance_due = next_due
    equipment.status = status
    record = EquipmentRecord(equipment_id=equipment.id, kind=kind, result=data.result,
                             performed_on=data.performed_on, next_due=next_due, status=status,
                             certificate=data.certificate.strip(), note=data.note.strip(),
                             actor=actor.name, at=uow.now())
    uow.session.add(record)
    uow.flush()
    return record


# --- BOM versions -------------------------------------------------------------------------------
def get_bom_or_raise(uow: UnitOfWork, bom_id: int) -> Bom:
    found = uow.session.get(Bom, bom_id)
    if found is None:
        raise BomNotFound(f"no BOM version {bom_id}")
    return found


def bom_lines(uow: UnitOfWork, bom_id: int) -> list[BomLine]:
    return list(uow.session.scalars(select(BomLine).where(BomLine.bom_id == bom_id)
                                    .order_by(BomLine.line_no)))


def bom_operations(uow: UnitOfWork, bom_id: int) -> list[Operation]:
    return list(uow.session.scalars(select(Operation).where(Operation.bom_id == bom_id)
                                    .order_by(Operation.sequence)))


def effective_bom(uow: UnitOfWork, item_id: int, day: dt.date) -> Bom | None:
    """The released version in effect on ``day``: the latest effective date not after it."""
    return uow.session.scalar(select(Bom).where(
        Bom.item_id == item_id, Bom.status == BomStatus.RELEASED, Bom.effective_from <= day)
        .order_by(Bom.effective_from.desc(), Bom.released_at.desc()).limit(1))


def create_bom(uow: UnitOfWork, *, data: BomCreate, actor: Actor) -> Bom:
    """A new BOM version with its routing, as a draft; every refusal names its field."""
    ensure_may(actor, BOM_EDIT)
    item = item_by_code(uow, data.item)
    if item is None:
        raise BomInvalid("unknown item", errors=[problem("item", "unknown item")])
    existing = list(uow.session.scalars(select(Bom.version).where(Bom.item_id == item.id)))
    version = (data.version or next_version(existing)).strip().upper()
    if version in existing:
        raise BomInvalid(f"{item.code} already has version {version}",
                         errors=[problem("version", "taken")])
    based_on = None
    if data.based_on is not None:
        based_on = uow.session.get(Bom, data.based_on)
        if based_on is None or based_on.item_id != item.id:
            raise BomInvalid("not a version of this item",
                             errors=[problem("based_on", "not a version of this item")])
    problems: list[dict[str, str]] = []
    lines = _check_lines(uow, item, data, problems)
    operations = _check_operations(uow, data, problems)
    if problems:
        raise BomInvalid("the BOM version is not valid", errors=problems)
    bom = Bom(number=f"{item.code}/{version}"[:60], item_id=item.id, version=version,
              status=BomStatus.DRAFT, change_reason=data.change_reason.strip(),
              effective_from=data.effective_from,
              based_on_id=based_on.id if based_on else None, created_by_id=actor.id,
              created_by=actor.name, created_at=uow.now())
    uow.session.add(bom)
    uow.flush()
    for line_no, (line_in, component, uom, base) in enumerate(lines, start=1):
        line = BomLine(bom_id=bom.id, line_no=line_no, item_id=component.id,
                       quantity=line_in.quantity, uom=uom, base_quantity=base,
                       tracking=component.tracking, critical=line_in.critical)
        uow.session.add(line)
        uow.flush()
        for sub_in, sub_item in line_in._checked_substitutes:  # type: ignore[attr-defined]
            uow.session.add(BomSubstitute(line_id=line.id, item_id=sub_item.id,
                                          priority=sub_in.priority, factor=sub_in.factor))
    for op_in, center, equipment in operations:
        operation = Operation(bom_id=bom.id, sequence=op_in.sequence, name_zh=op_in.name_zh,
                              name_en=op_in.name_en, work_center_id=center.id,
                              equipment_id=equipment.id if equipment else None,
                              instructions=op_in.instructions, signature=op_in.signature)
        uow.session.add(operation)
        uow.flush()
        for check in op_in.checks:
            uow.session.add(Check(operation_id=operation.id, characteristic=check.characteristic,
                                  kind=check.kind, lower=check.lower, upper=check.upper,
                                  unit=check.unit, sample_size=check.sample_size))
    uow.flush()
    return bom


def _check_lines(uow: UnitOfWork, item: Any, data: BomCreate,
                 problems: list[dict[str, str]]) -> list[tuple[Any, Any, str, Decimal]]:
    checked = []
    seen: set[int] = set()
    for index, line in enumerate(data.lines):
        where = f"lines.{index}"
        component = item_by_code(uow, line.item)
        if component is None:
            problems.append(problem(f"{where}.item", "unknown item"))
            continue
        if component.id == item.id:
            problems.append(problem(f"{where}.item", "the product itself"))
            continue
        if component.status == "obsolete":
            problems.append(problem(f"{where}.item", "obsolete item"))
            continue
        if component.id in seen:
            problems.append(problem(f"{where}.item", "repeated"))
            continue
        seen.add(component.id)
        uom = (line.uom or component.base_uom).strip().upper()
        try:
            base = catalog.to_base_quantity(uow, component.id, line.quantity, uom)
        except catalog.UnknownUnit:
            problems.append(problem(f"{where}.uom", "not a unit of the item"))
            continue
        substitutes = []
        for sub_index, sub in enumerate(line.substitutes):
            sub_item = item_by_code(uow, sub.item)
            if sub_item is None:
                problems.append(problem(f"{where}.substitutes.{sub_index}.item", "unknown item"))
            elif sub_item.id in (component.id, item.id):
                problems.append(problem(f"{where}.substitutes.{sub_index}.item",
                                        "not an alternative"))
            elif sub_item.base_uom != component.base_uom and sub.factor == 1:
                problems.append(problem(f"{where}.substitutes.{sub_index}.factor",
                                        "other base unit: give the factor"))
            else:
                substitutes.append((sub, sub_item))
        line._checked_substitutes = substitutes  # type: ignore[attr-defined]
        checked.append((line, component, uom, base))
    return checked


def _check_operations(uow: UnitOfWork, data: BomCreate, problems: list[dict[str, str]]
                      ) -> list[tuple[Any, WorkCenter, Equipment | None]]:
    checked = []
    sequences: set[int] = set()
    for index, op in enumerate(data.operations):
        where = f"operations.{index}"
        if op.sequence in sequences:
            problems.append(problem(f"{where}.sequence", "repeated"))
            continue
        sequences.add(op.sequence)
        try:
            center = get_work_center_or_raise(uow, op.work_center)
        except EquipmentNotFound:
            problems.append(problem(f"{where}.work_center", "unknown work centre"))
            continue
        equipment = None
        if op.equipment:
            try:
                equipment = get_equipment_or_raise(uow, op.equipment)
            except EquipmentNotFound:
                problems.append(problem(f"{where}.equipment", "unknown equipment"))
                continue
        for check_index, check in enumerate(op.checks):
            if check.kind == CheckKind.NUMERIC and check.lower is None and check.upper is None:
                problems.append(problem(f"{where}.checks.{check_index}.lower", "no limits"))
            if check.lower is not None and check.upper is not None and check.lower > check.upper:
                problems.append(problem(f"{where}.checks.{check_index}.upper", "below lower"))
        checked.append((op, center, equipment))
    return checked


def submit_bom(uow: UnitOfWork, *, bom_id: int, actor: Actor) -> Bom:
    """Send a draft version through the engineering change workflow (ECO)."""
    ensure_may(actor, BOM_EDIT)
    bom = get_bom_or_raise(uow, bom_id)
    if not BomStatus(bom.status).editable:
        raise BomStateConflict(f"{bom.number} is {bom.status}")
    try:
        workflows.published_version(uow, CHANGE_PROCESS)
    except workflows.WorkflowStateConflict:
        raise NoChangeProcess(f"no published version of the {CHANGE_PROCESS!r} workflow: run "
                              "'medtrace workflows defaults', then submit and publish it with "
                              "a signature") from None
    bom.status, bom.submitted_at = BomStatus.IN_REVIEW, uow.now()
    uow.flush()
    workflows.start_instance(uow, key=CHANGE_PROCESS, record_id=str(bom.id), actor=actor)
    return bom


def _facts(uow: UnitOfWork, record_id: str) -> workflows.RecordFacts | None:
    bom = uow.session.get(Bom, int(record_id)) if record_id.isdigit() else None
    if bom is None:
        return None
    return workflows.RecordFacts(
        ref=bom.number, author_id=bom.created_by_id,
        fields={"version": bom.version, "effective_from": bom.effective_from.isoformat(),
                "lines": len(bom_lines(uow, bom.id)),
                "operations": len(bom_operations(uow, bom.id))})


def _all_approved(uow: UnitOfWork, record_id: str) -> bool:
    """Every decision of the latest change review approved (a parallel review's last decision
    alone says nothing of the other branch)."""
    instance = uow.session.scalar(select(WorkflowInstance).where(
        WorkflowInstance.record_type == BOM_RECORD, WorkflowInstance.record_id == record_id)
        .order_by(WorkflowInstance.id.desc()).limit(1))
    if instance is None:
        return False
    decisions = [t.decision for t in uow.session.scalars(select(WorkflowTask).where(
        WorkflowTask.instance_id == instance.id, WorkflowTask.status == "completed"))]
    return bool(decisions) and all(d == "approve" for d in decisions)


def _finished(uow: UnitOfWork, record_id: str, outcome: str | None) -> None:
    bom = uow.session.get(Bom, int(record_id))
    if bom is None or bom.status != BomStatus.IN_REVIEW:
        return
    if outcome == "approve" and _all_approved(uow, record_id):
        uow.context.setdefault("reason", "engineering change approved")
        bom.status, bom.released_at = BomStatus.RELEASED, uow.now()
        uow.flush()
        uow.publish(events.BomReleased(bom_id=bom.id, item_id=bom.item_id,
                                       bom_version=bom.version,
                                       effective_from=bom.effective_from.isoformat()))
    else:
        bom.status = BomStatus.REJECTED
        uow.flush()


workflows.register_record_type(workflows.RecordType(
    code=BOM_RECORD, label=N_("BOM version (engineering change)"), load=_facts,
    finished=_finished))
