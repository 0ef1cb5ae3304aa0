"""The read side of production: work orders in the contract's shape, their issues and output,
BOM versions with their routing, equipment and its records, the home page's figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from medtrace.modules import catalog, inventory, traceability
from medtrace.modules.production.models import (
    Bom,
    BomLine,
    BomSubstitute,
    Check,
    CheckResult,
    Equipment,
    EquipmentRecord,
    Issue,
    Operation,
    OperationRecord,
    Output,
    SubstituteApproval,
    WorkCenter,
    WorkOrder,
)
from medtrace.modules.production.rules import (
    BomStatus,
    WorkOrderStatus,
    equipment_problem,
)
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.platform.web.dashboard import Figure, count


def text(value: Decimal | None) -> str | None:
    """A quantity as exact text without trailing zeros (``"2.5"``, ``"10"``)."""
    return None if value is None else format(value.normalize(), "f")


def _codes(uow: UnitOfWork, ids: set[int]) -> dict[int, str]:
    return {i: catalog.get_item_or_raise(uow, i).code for i in ids if i}


def _serials(uow: UnitOfWork, order: WorkOrder) -> list[str]:
    ids = list(uow.session.scalars(select(Output.unit_id).where(
        Output.work_order_id == order.id, Output.unit_id.is_not(None)).order_by(Output.id)))
    codes = traceability.codes_by_id(uow, ids)
    return [codes[i] for i in ids if i in codes]


def work_order_view(uow: UnitOfWork, order: WorkOrder, *, serials: bool = True
                    ) -> dict[str, Any]:
    """A work order in the contract's shape (``WorkOrderRead``), with a few more fields."""
    item = catalog.get_item_or_raise(uow, order.item_id)
    bom = uow.session.get(Bom, order.bom_id)
    lot = traceability.get_object(uow, order.output_lot_id) if order.output_lot_id else None
    location = inventory.get_location_or_raise(uow, order.line_location_id) \
        if order.line_location_id else None
    return {"number": order.number, "status": order.status, "item": item.code,
            "item_name_zh": item.name_zh, "item_name_en": item.name_en,
            "quantity": text(order.quantity), "uom": order.uom,
            "bom_version": bom.version, "bom_id": bom.id,
            "produced": text(order.produced_quantity), "sequence": order.sequence,
            "line_location": location.code if location else None,
            "planned_start": order.planned_start.isoformat() if order.planned_start else None,
            "released_at": _iso(order.released_at), "completed_at": _iso(order.completed_at),
            "closed_at": _iso(order.closed_at), "created_by": order.created_by,
            "output_lot_id": lot.id if lot else None,
            "output": {"item": item.code, "lot": lot.code if lot else None,
                       "lot_id": lot.id if lot else None,
                       "lot_status": lot.status if lot else None,
                       "serials": _serials(uow, order) if serials else []}}


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def list_work_orders(uow: UnitOfWork, *, status: str | None = None, item: str | None = None,
                     open_only: bool = False, limit: int = 50, offset: int = 0
                     ) -> tuple[list[WorkOrder], int]:
    query = select(WorkOrder)
    if status:
        query = query.where(WorkOrder.status == status)
    if open_only:
        query = query.where(WorkOrder.status.in_([s for s in WorkOrderStatus if s.open]))
    if item:
        found = catalog.get_item_by_code(uow, item)
        query = query.where(WorkOrder.item_id == (found.id if found else 0))
    total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(uow.session.scalars(query.order_by(WorkOrder.sequence, WorkOrder.id)
                                    .limit(limit).offset(offset)))
    return rows, int(total)


def issues_of(uow: UnitOfWork, order: WorkOrder) -> list[dict[str, Any]]:
    rows = list(uow.session.scalars(select(Issue).where(Issue.work_order_id == order.id)
                                    .order_by(Issue.id)))
    things = {i for r in rows for i in (r.lot_id, r.unit_id, r.output_unit_id) if i}
    objects = {i: traceability.get_object_or_raise(uow, i) for i in things}
    codes = _codes(uow, {r.item_id for r in rows})
    returned: dict[int, Decimal] = {}
    for r in rows:
        if r.returns_id is not None:
            returned[r.returns_id] = returned.get(r.returns_id, Decimal(0)) - r.base_quantity
    return [{"id": r.id, "item": codes[r.item_id],
             "lot": objects[r.lot_id].code if r.lot_id else None,
             "serial": objects[r.unit_id].code if r.unit_id else None,
             "quantity": text(r.quantity), "uom": r.uom, "base_quantity": text(r.base_quantity),
             "substitute": r.substitute, "returned": text(returned.get(r.id)),
             "returnable": r.returns_id is None and r.base_quantity > returned.get(r.id, 0),
             "output_serial": objects[r.output_unit_id].code if r.output_unit_id else None,
             "return_of": r.returns_id, "reason": r.reason, "actor": r.actor, "at": r.at,
             "stock_move": r.stock_move_id} for r in rows]


def issue_view(uow: UnitOfWork, order: WorkOrder, row: Issue) -> dict[str, Any]:
    item = catalog.get_item_or_raise(uow, row.item_id)

    def code(thing_id: int | None) -> str | None:
        return traceability.get_object_or_raise(uow, thing_id).code if thing_id else None

    return {"id": row.id, "work_order": order.number, "item": item.code,
            "lot": code(row.lot_id), "serial": code(row.unit_id),
            "quantity": text(row.quantity), "uom": row.uom, "substitute": row.substitute,
            "output_serial": code(row.output_unit_id), "stock_move": row.stock_move_id}


def requirements(uow: UnitOfWork, order: WorkOrder) -> list[dict[str, Any]]:
    """Each BOM line: needed for the order, issued so far, its substitutes (approved or not)."""
    issued = dict(uow.session.execute(
        select(Issue.bom_line_id, func.sum(Issue.base_quantity))
        .where(Issue.work_order_id == order.id).group_by(Issue.bom_line_id)).all())
    approved = {a.substitute_id for a in uow.session.scalars(select(SubstituteApproval).where(
        SubstituteApproval.work_order_id == order.id))}
    out = []
    for line in uow.session.scalars(select(BomLine).where(BomLine.bom_id == order.bom_id)
                                    .order_by(BomLine.line_no)):
        item = catalog.get_item_or_raise(uow, line.item_id)
        subs = list(uow.session.scalars(select(BomSubstitute).where(
            BomSubstitute.line_id == line.id).order_by(BomSubstitute.priority)))
        out.append({"line_no": line.line_no, "item": item.code, "name_zh": item.name_zh,
                    "name_en": item.name_en, "tracking": line.tracking,
                    "critical": line.critical, "uom": item.base_uom,
                    "needed": text(line.base_quantity * order.base_quantity),
                    "issued": text(Decimal(issued.get(line.id) or 0)),
                    "substitutes": [{"item": catalog.get_item_or_raise(uow, s.item_id).code,
                                     "priority": s.priority, "approved": s.id in approved}
                                    for s in subs]})
    return out


def operation_view(uow: UnitOfWork, record: OperationRecord) -> dict[str, Any]:
    operation = uow.session.get(Operation, record.operation_id)
    equipment = uow.session.get(Equipment, record.equipment_id) if record.equipment_id else None
    results = list(uow.session.scalars(select(CheckResult).where(
        CheckResult.record_id == record.id).order_by(CheckResult.id)))
    return {"id": record.id, "operation": operation.sequence, "name_zh": operation.name_zh,
            "name_en": operation.name_en, "equipment": equipment.code if equipment else None,
            "calibration_due": record.calibration_due.isoformat()
            if record.calibration_due else None, "operator": record.operator,
            "finished_at": record.finished_at.isoformat(),
            "results": [{"id": r.id, "check_id": r.check_id, "value": r.value,
                         "passed": r.passed} for r in results]}


# --- a work order's routing, operations recorded and check results -----------------------------
def routing(uow: UnitOfWork, bom_id: int) -> list[dict[str, Any]]:
    """The operations of a BOM version's routing, each with its in-process checks."""
    out = []
    for op in uow.session.scalars(select(Operation).where(Operation.bom_id == bom_id)
                                  .order_by(Operation.sequence)):
        center = uow.session.get(WorkCenter, op.work_center_id)
        equipment = uow.session.get(Equipment, op.equipment_id) if op.equipment_id else None
        checks = [{"id": c.id, "characteristic": c.characteristic, "kind": c.kind,
                   "lower": text(c.lower), "upper": text(c.upper),
                   "unit": c.unit, "sample_size": c.sample_size}
                  for c in uow.session.scalars(select(Check).where(Check.operation_id == op.id)
                                               .order_by(Check.id))]
        out.append({"sequence": op.sequence, "name_zh": op.name_zh, "name_en": op.name_en,
                    "work_center": center.code if center else None,
                    "equipment": equipment.code if equipment else None,
                    "instructions": op.instructions, "signature": op.signature,
                    "checks": checks})
    return out


def operation_records(uow: UnitOfWork, order: WorkOrder) -> list[dict[str, Any]]:
    """The operations recorded for the work order so far, oldest first."""
    rows = uow.session.execute(
        select(OperationRecord, Operation)
        .join(Operation, Operation.id == OperationRecord.operation_id)
        .where(OperationRecord.work_order_id == order.id).order_by(OperationRecord.id)).all()
    equipment = {e.id: e.code for e in uow.session.scalars(select(Equipment).where(
        Equipment.id.in_({r.equipment_id for r, _op in rows if r.equipment_id} or {0})))}
    units = traceability.codes_by_id(uow, [r.unit_id for r, _op in rows if r.unit_id])
    return [{"id": r.id, "sequence": op.sequence, "name_zh": op.name_zh, "name_en": op.name_en,
             "equipment": equipment.get(r.equipment_id) if r.equipment_id else None,
             "serial": units.get(r.unit_id) if r.unit_id else None, "operator": r.operator,
             "finished_at": r.finished_at, "note": r.note} for r, op in rows]


def check_results(uow: UnitOfWork, order: WorkOrder) -> list[dict[str, Any]]:
    """The check results recorded for the work order, with their disposition; ``open``: failed
    and not decided yet (it blocks the work order)."""
    rows = uow.session.execute(
        select(CheckResult, Check, Operation)
        .join(Check, Check.id == CheckResult.check_id)
        .join(Operation, Operation.id == Check.operation_id)
        .where(CheckResult.work_order_id == order.id).order_by(CheckResult.id)).all()
    units = traceability.codes_by_id(uow, [r.unit_id for r, _c, _o in rows if r.unit_id])
    return [{"id": r.id, "sequence": op.sequence, "name_zh": op.name_zh, "name_en": op.name_en,
             "characteristic": check.characteristic, "kind": check.kind,
             "lower": text(check.lower), "upper": text(check.upper),
             "unit": check.unit, "value": r.value, "passed": r.passed,
             "serial": units.get(r.unit_id) if r.unit_id else None,
             "recorded_by": r.recorded_by, "at": r.at, "disposition": r.disposition,
             "disposition_reason": r.disposition_reason, "disposition_by": r.disposition_by,
             "open": not r.passed and r.disposition is None} for r, check, op in rows]


# --- BOM versions -------------------------------------------------------------------------------
def list_boms(uow: UnitOfWork, *, item: str | None = None) -> list[dict[str, Any]]:
    query = select(Bom)
    if item:
        found = catalog.get_item_by_code(uow, item)
        query = query.where(Bom.item_id == (found.id if found else 0))
    rows = list(uow.session.scalars(query.order_by(Bom.item_id, Bom.effective_from,
                                                   Bom.version)))
    codes = _codes(uow, {r.item_id for r in rows})
    today = uow.today()
    in_effect: dict[int, int] = {}
    for r in rows:  # ordered by effective date: the last released one not after today wins
        if r.status == BomStatus.RELEASED and r.effective_from <= today:
            in_effect[r.item_id] = r.id
    return [{"id": r.id, "number": r.number, "item": codes[r.item_id], "version": r.version,
             "status": r.status, "effective_from": r.effective_from,
             "in_effect": in_effect.get(r.item_id) == r.id, "change_reason": r.change_reason,
             "created_by": r.created_by, "released_at": r.released_at} for r in rows]


def bom_view(uow: UnitOfWork, bom: Bom) -> dict[str, Any]:
    item = catalog.get_item_or_raise(uow, bom.item_id)
    lines = []
    for line in uow.session.scalars(select(BomLine).where(BomLine.bom_id == bom.id)
                                    .order_by(BomLine.line_no)):
        component = catalog.get_item_or_raise(uow, line.item_id)
        subs = uow.session.scalars(select(BomSubstitute).where(BomSubstitute.line_id == line.id)
                                   .order_by(BomSubstitute.priority))
        lines.append({"line_no": line.line_no, "item": component.code,
                      "name_zh": component.name_zh, "name_en": component.name_en,
                      "quantity": text(line.quantity), "uom": line.uom,
                      "tracking": line.tracking, "critical": line.critical,
                      "substitutes": [{"item": catalog.get_item_or_raise(uow, s.item_id).code,
                                       "priority": s.priority, "factor": text(s.factor)}
                                      for s in subs]})
    operations = routing(uow, bom.id)
    based_on = uow.session.get(Bom, bom.based_on_id) if bom.based_on_id else None
    return {"id": bom.id, "number": bom.number, "item": item.code, "item_name_zh": item.name_zh,
            "item_name_en": item.name_en, "version": bom.version, "status": bom.status,
            "change_reason": bom.change_reason, "effective_from": bom.effective_from,
            "based_on": based_on.number if based_on else None, "created_by": bom.created_by,
            "created_at": bom.created_at, "submitted_at": bom.submitted_at,
            "released_at": bom.released_at, "lines": lines, "operations": operations}


# --- equipment ----------------------------------------------------------------------------------
def list_equipment(uow: UnitOfWork) -> list[dict[str, Any]]:
    today = uow.today()
    centers = {c.id: c for c in uow.session.scalars(select(WorkCenter))}
    out = []
    for e in uow.session.scalars(select(Equipment).order_by(Equipment.code)):
        why = equipment_problem(e.status, e.calibration_due, e.maintenance_due, today)
        out.append({"code": e.code, "name_zh": e.name_zh, "name_en": e.name_en,
                    "work_center": centers[e.work_center_id].code if e.work_center_id else None,
                    "status": e.status, "calibration_due": e.calibration_due,
                    "maintenance_due": e.maintenance_due, "fit": why is None, "problem": why})
    return out


def list_work_centers(uow: UnitOfWork) -> list[dict[str, Any]]:
    out = []
    for c in uow.session.scalars(select(WorkCenter).order_by(WorkCenter.code)):
        location = inventory.get_location_or_raise(uow, c.line_location_id) \
            if c.line_location_id else None
        out.append({"code": c.code, "name_zh": c.name_zh, "name_en": c.name_en,
                    "line_location": location.code if location else None})
    return out


def equipment_records(uow: UnitOfWork, equipment: Equipment) -> list[EquipmentRecord]:
    return list(uow.session.scalars(select(EquipmentRecord).where(
        EquipmentRecord.equipment_id == equipment.id).order_by(EquipmentRecord.id.desc())))


def order_figures(uow: UnitOfWork) -> list[Figure]:
    """Home page: open work orders, and equipment that may not be used."""
    counts = dict(uow.session.execute(select(WorkOrder.status, func.count())
                                      .group_by(WorkOrder.status)).all())
    today = uow.today()
    unfit = sum(1 for e in uow.session.scalars(select(Equipment))
                if equipment_problem(e.status, e.calibration_due, e.maintenance_due, today))
    return [Figure(N_("Planned work orders"), counts.get("planned", 0), "number",
                   "/production/work-orders?status=planned"),
            Figure(N_("Work orders in progress"),
                   counts.get("released", 0) + counts.get("in_progress", 0), "number",
                   "/production/work-orders?open=1"),
            count(N_("Work orders waiting for batch release"), counts.get("completed", 0),
                  "/production/work-orders?status=completed"),
            count(N_("Equipment not fit for use"), unfit, "/production/equipment")]
