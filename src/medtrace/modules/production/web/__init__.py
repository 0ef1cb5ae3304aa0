"""Production pages: work orders (list, plan, detail with actions) and the handheld material
issue page. Master data pages are in ``masterdata.py``; the DHR page in ``dhr/web``.

The routes are registered on ``router`` by ``orders.py`` (the work order pages) and
``issue.py`` (the scan-first issue page), imported at the bottom of this file; the reads the
detail page needs beyond ``queries`` (the routing with its checks, the operations recorded,
the check results) are here; shared page helpers are in ``common.py``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from sqlalchemy import select

from medtrace.modules import traceability
from medtrace.modules.production import queries, service
from medtrace.modules.production.models import (
    Check,
    CheckResult,
    Equipment,
    Operation,
    OperationRecord,
    WorkCenter,
    WorkOrder,
)
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.web import csrf

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])


# --- reads of the page (the module's own models) -------------------------------------------------
def routing(uow: UnitOfWork, bom_id: int) -> list[dict[str, Any]]:
    """The operations of a BOM version's routing, each with its in-process checks."""
    out = []
    for op in service.bom_operations(uow, bom_id):
        center = uow.session.get(WorkCenter, op.work_center_id)
        equipment = uow.session.get(Equipment, op.equipment_id) if op.equipment_id else None
        checks = [{"id": c.id, "characteristic": c.characteristic, "kind": c.kind,
                   "lower": queries.text(c.lower), "upper": queries.text(c.upper),
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
             "lower": queries.text(check.lower), "upper": queries.text(check.upper),
             "unit": check.unit, "value": r.value, "passed": r.passed,
             "serial": units.get(r.unit_id) if r.unit_id else None,
             "recorded_by": r.recorded_by, "at": r.at, "disposition": r.disposition,
             "disposition_reason": r.disposition_reason, "disposition_by": r.disposition_by,
             "open": not r.passed and r.disposition is None} for r, check, op in rows]


def shortages(uow: UnitOfWork, order: WorkOrder) -> list[dict[str, Any]]:
    return [{**row, "needed": queries.text(row["needed"]),
             "available": queries.text(row["available"]), "short": queries.text(row["short"])}
            for row in service.shortages(uow, order)]


# the submodules register their routes on ``router``: imported once it exists
from medtrace.modules.production.web import issue, orders  # noqa: E402

__all__ = ["check_results", "issue", "operation_records", "orders", "router", "routing",
           "shortages"]
