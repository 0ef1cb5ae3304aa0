"""The device history record (DHR, 生产记录) of a lot or a serial unit, built from what was
recorded, never typed again: the work order, the BOM and routing version, every component lot
and serial consumed (with supplier, receipt and incoming inspection, from the backward trace),
every operation (operator, time, equipment and its calibration then), every check result,
deviations and their dispositions, the output, labels, and the signatures. The JSON shape is
described in docs/production.md; fields are only ever added."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from sqlalchemy import select

from medtrace.modules import catalog, traceability
from medtrace.modules.production.errors import WorkOrderNotFound
from medtrace.modules.production.models import (
    Bom,
    Check,
    CheckResult,
    Equipment,
    Issue,
    Label,
    Operation,
    OperationRecord,
    Output,
    SubstituteApproval,
    WorkCenter,
    WorkOrder,
)
from medtrace.modules.production.queries import text
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.esign import signatures_for
from medtrace.platform.i18n import N_
from medtrace.platform.web.dashboard import Figure


def _local(uow: UnitOfWork, moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(uow.timezone).isoformat(timespec="seconds")


def _orders(uow: UnitOfWork, thing: Any) -> tuple[Any, list[WorkOrder]]:
    lot = thing if thing.kind == "lot" else (
        traceability.get_object(uow, thing.lot_id) if thing.lot_id else None)
    orders: list[WorkOrder] = []
    if lot is not None:
        orders = list(uow.session.scalars(select(WorkOrder).where(
            WorkOrder.output_lot_id == lot.id).order_by(WorkOrder.id)))
    if not orders and thing.kind == "unit":
        order_id = uow.session.scalar(select(Output.work_order_id).where(
            Output.unit_id == thing.id).limit(1))
        if order_id is not None:
            orders = [uow.session.get(WorkOrder, order_id)]
    if not orders:
        raise WorkOrderNotFound(f"{thing.code} was not produced by a work order: it has no "
                                "device history record")
    return lot, orders


def dhr_of(uow: UnitOfWork, code: str, *, locale: str = "zh_CN", item: str | None = None
           ) -> dict[str, Any]:
    """The device history record of the lot or serial unit ``code`` (a raw UDI scan, a lot
    number or a serial; ``item``, a code or GTIN, narrows a number several items use: each
    product numbers its lots by its own rule)."""
    thing = traceability.resolve(uow, code, item=item or None)
    if thing.kind == "container":
        raise WorkOrderNotFound("a container has no device history record")
    lot, orders = _orders(uow, thing)
    unit = thing if thing.kind == "unit" else None
    order_ids = [o.id for o in orders]
    item = catalog.get_item_or_raise(uow, thing.item_id)
    gtin = catalog.gtins_by_item(uow, [item.id]).get(item.id)
    first = orders[0]
    bom = uow.session.get(Bom, first.bom_id)
    zh = locale == "zh_CN"
    users = _printed_names(uow)
    return {
        "code": thing.code, "kind": thing.kind,
        "generated_at": _local(uow, uow.now()),
        "item": {"code": item.code, "name": item.name_zh if zh else item.name_en,
                 "udi_di": gtin, "registration_number": item.registration_number},
        "lot": lot.code if lot else None, "serial": unit.code if unit else None,
        "status": thing.status,
        "work_order": {"number": ", ".join(o.number for o in orders),
                       "status": first.status, "quantity": text(sum(
                           (o.quantity for o in orders), start=first.quantity * 0)),
                       "uom": first.uom, "line": _line(uow, first),
                       "released_at": _local(uow, first.released_at),
                       "completed_at": _local(uow, orders[-1].completed_at)},
        "bom": {"version": bom.version, "number": bom.number,
                "change_reason": bom.change_reason,
                "effective_from": bom.effective_from.isoformat(),
                "released_at": _local(uow, bom.released_at)},
        "routing": {"version": bom.version},
        "components": _components(uow, thing, order_ids, unit, users),
        "operations": _operations(uow, order_ids, unit, zh, users),
        "checks": _checks(uow, order_ids, unit, users),
        "deviations": _deviations(uow, order_ids, unit),
        "outputs": _outputs(uow, order_ids, lot, unit, users),
        "labels": _labels(uow, order_ids, unit),
        "signatures": _signatures(uow, lot, order_ids),
        "release": _release(uow, lot or thing),
    }


def _printed_names(uow: UnitOfWork) -> dict[str, str]:
    from medtrace.platform.auth.models import User

    return {u.username: u.printed_name for u in uow.session.scalars(select(User))}


def _line(uow: UnitOfWork, order: WorkOrder) -> str | None:
    if order.line_location_id is None:
        return None
    from medtrace.modules import inventory

    return inventory.get_location_or_raise(uow, order.line_location_id).code


def _components(uow: UnitOfWork, thing: Any, order_ids: list[int], unit: Any,
                users: dict[str, str]) -> list[dict[str, Any]]:
    query = select(Issue).where(Issue.work_order_id.in_(order_ids)).order_by(Issue.id)
    if unit is not None:
        query = query.where((Issue.output_unit_id.is_(None)) | (Issue.output_unit_id == unit.id))
    rows = list(uow.session.scalars(query))
    codes = traceability.codes_by_id(uow, [i for r in rows
                                           for i in (r.lot_id, r.unit_id, r.output_unit_id) if i])
    items = {i: catalog.get_item_or_raise(uow, i) for i in {r.item_id for r in rows}}
    trace = traceability.backward(uow, thing)
    receipts = {(x["item"], x["lot"]): x for x in trace["lots"]}
    out = []
    for r in rows:
        component = items[r.item_id]
        lot_code = codes.get(r.lot_id) if r.lot_id else None
        known = receipts.get((component.code, lot_code), {})
        receipt = known.get("receipt") or {}
        inspection = receipt.get("inspection") or {}
        verdict = " ".join(str(v) for v in (inspection.get("number"), inspection.get("verdict"))
                           if v) if isinstance(inspection, dict) else str(inspection or "")
        out.append({"item": component.code, "name": component.name_zh,
                    "name_en": component.name_en, "lot": lot_code,
                    "serial": codes.get(r.unit_id) if r.unit_id else None,
                    "quantity": text(r.quantity), "uom": r.uom,
                    "supplier": known.get("supplier"), "receipt": receipt.get("document"),
                    "inspection": verdict or None, "issued_at": _local(uow, r.at),
                    "issued_by": users.get(r.actor, r.actor), "substitute": r.substitute,
                    "returned": r.returns_id is not None,
                    "output_serial": codes.get(r.output_unit_id) if r.output_unit_id else None})
    return out


def _operations(uow: UnitOfWork, order_ids: list[int], unit: Any, zh: bool,
                users: dict[str, str]) -> list[dict[str, Any]]:
    query = select(OperationRecord).where(OperationRecord.work_order_id.in_(order_ids))
    if unit is not None:
        query = query.where((OperationRecord.unit_id.is_(None)) |
                            (OperationRecord.unit_id == unit.id))
    out = []
    for record in uow.session.scalars(query.order_by(OperationRecord.finished_at,
                                                     OperationRecord.id)):
        operation = uow.session.get(Operation, record.operation_id)
        center = uow.session.get(WorkCenter, operation.work_center_id)
        equipment = uow.session.get(Equipment, record.equipment_id) \
            if record.equipment_id else None
        finished = record.finished_at.astimezone(uow.timezone).date()
        equipment_name = (equipment.name_zh if zh else equipment.name_en) if equipment else ""
        signed = [f"{v.signature.printed_name} {_local(uow, v.signature.signed_at)} "
                  f"{v.signature.meaning}" for v in signatures_for(uow, record)]
        out.append({"sequence": operation.sequence,
                    "name": operation.name_zh if zh else operation.name_en,
                    "work_center": center.code,
                    "equipment": f"{equipment.code} {equipment_name}" if equipment else None,
                    "calibration_due": record.calibration_due.isoformat()
                    if record.calibration_due else None,
                    "calibration_ok": None if record.calibration_due is None
                    else record.calibration_due >= finished,
                    "operator": users.get(record.operator, record.operator),
                    "started_at": _local(uow, record.started_at),
                    "finished_at": _local(uow, record.finished_at),
                    "signature": "; ".join(signed) or None, "note": record.note})
    return out


def _results(uow: UnitOfWork, order_ids: list[int], unit: Any) -> list[CheckResult]:
    query = select(CheckResult).where(CheckResult.work_order_id.in_(order_ids))
    if unit is not None:
        query = query.where((CheckResult.unit_id.is_(None)) | (CheckResult.unit_id == unit.id))
    return list(uow.session.scalars(query.order_by(CheckResult.id)))


def _checks(uow: UnitOfWork, order_ids: list[int], unit: Any, users: dict[str, str]
            ) -> list[dict[str, Any]]:
    rows = _results(uow, order_ids, unit)
    codes = traceability.codes_by_id(uow, [r.unit_id for r in rows if r.unit_id])
    out = []
    for r in rows:
        check = uow.session.get(Check, r.check_id)
        operation = uow.session.get(Operation, check.operation_id)
        out.append({"id": r.id, "operation": operation.sequence,
                    "characteristic": check.characteristic, "lower": text(check.lower),
                    "upper": text(check.upper), "unit": check.unit, "value": r.value,
                    "result": "pass" if r.passed else "fail",
                    "recorded_by": users.get(r.recorded_by, r.recorded_by),
                    "recorded_at": _local(uow, r.at),
                    "serial": codes.get(r.unit_id) if r.unit_id else None,
                    "disposition": r.disposition})
    return out


def _deviations(uow: UnitOfWork, order_ids: list[int], unit: Any) -> list[dict[str, Any]]:
    out = []
    for r in _results(uow, order_ids, unit):
        if r.passed:
            continue
        check = uow.session.get(Check, r.check_id)
        out.append({"check": f"{check.characteristic} = {r.value}",
                    "disposition": r.disposition, "reason": r.disposition_reason or None,
                    "signed_by": r.disposition_by, "at": _local(uow, r.disposition_at)})
    for approval in uow.session.scalars(select(SubstituteApproval).where(
            SubstituteApproval.work_order_id.in_(order_ids))):
        out.append({"check": "substitute", "disposition": "substitute approved",
                    "reason": approval.reason, "signed_by": approval.approved_by,
                    "at": _local(uow, approval.at)})
    return out


def _outputs(uow: UnitOfWork, order_ids: list[int], lot: Any, unit: Any,
             users: dict[str, str]) -> list[dict[str, Any]]:
    query = select(Output).where(Output.work_order_id.in_(order_ids))
    if unit is not None:
        query = query.where(Output.unit_id == unit.id)
    rows = list(uow.session.scalars(query.order_by(Output.id)))
    codes = traceability.codes_by_id(uow, [r.unit_id for r in rows if r.unit_id])
    return [{"lot": lot.code if lot else None,
             "serial": codes.get(r.unit_id) if r.unit_id else None,
             "quantity": text(r.base_quantity), "produced_at": _local(uow, r.at),
             "produced_by": users.get(r.actor, r.actor)} for r in rows]


def _labels(uow: UnitOfWork, order_ids: list[int], unit: Any) -> list[dict[str, Any]]:
    query = select(Label).where(Label.work_order_id.in_(order_ids))
    if unit is not None:
        query = query.where(Label.object_id == unit.id)
    return [{"udi": r.udi, "copies": r.copies, "printed_at": _local(uow, r.at),
             "printed_by": r.printed_by} for r in uow.session.scalars(query.order_by(Label.id))]


def _signatures(uow: UnitOfWork, lot: Any, order_ids: list[int]) -> list[dict[str, Any]]:
    records: list[Any] = [lot] if lot is not None else []
    records += list(uow.session.scalars(select(SubstituteApproval).where(
        SubstituteApproval.work_order_id.in_(order_ids))))
    records += list(uow.session.scalars(select(CheckResult).where(
        CheckResult.work_order_id.in_(order_ids), CheckResult.disposition.is_not(None))))
    out = []
    for record in records:
        for view in signatures_for(uow, record):
            s = view.signature
            out.append({"meaning": s.meaning, "signer": s.signer_username,
                        "name": s.printed_name, "at": _local(uow, s.signed_at),
                        "comment": s.comment, "valid": view.valid})
    out.sort(key=lambda x: x["at"] or "")
    return out


def _release(uow: UnitOfWork, thing: Any) -> dict[str, Any]:
    signed = [v.signature for v in signatures_for(uow, thing) if v.signature.meaning == "released"]
    last = signed[-1] if signed else None
    return {"status": thing.status, "signed_by": last.printed_name if last else None,
            "at": _local(uow, last.signed_at) if last else None}



def trace_panel(uow: UnitOfWork, object_id: int) -> list[Figure]:
    """On the trace page of a lot or unit made here: its work order and its device history
    record (the page, and the PDF in both languages). Nothing for things not produced here."""
    thing = traceability.get_object(uow, object_id)
    if thing is None or thing.kind == "container":
        return []
    try:
        _lot, orders = _orders(uow, thing)
    except WorkOrderNotFound:
        return []
    code = quote(thing.code, safe="")
    item = quote(catalog.get_item_or_raise(uow, thing.item_id).code, safe="")
    return [Figure(N_("Device history record"), thing.code, "text",
                   f"/production/dhr/{code}?item={item}"),
            Figure(N_("Work order"), ", ".join(o.number for o in orders), "text",
                   f"/production/work-orders/{orders[0].number}"),
            Figure(N_("PDF (Chinese)"), "PDF", "text",
                   f"/api/v1/dhr/{code}?format=pdf&lang=zh_CN&item={item}"),
            Figure(N_("PDF (English)"), "PDF", "text",
                   f"/api/v1/dhr/{code}?format=pdf&lang=en&item={item}")]
