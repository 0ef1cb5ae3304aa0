"""Production API: the contract an MES codes against (work orders, release, scan-first issues,
outputs, completion), BOM versions under change control, equipment. Every write is idempotent
with an ``Idempotency-Key`` (the platform's middleware), so an MES may retry."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request

from medtrace.modules.production import queries, service
from medtrace.modules.production.permissions import (
    BATCH_RELEASE,
    BOM_EDIT,
    DISPOSITION,
    EQUIPMENT_EDIT,
    ORDER_EXECUTE,
    ORDER_PLAN,
    SUBSTITUTE_APPROVE,
    VIEW,
)
from medtrace.modules.production.rules import WorkOrderStatus
from medtrace.modules.production.schemas import (
    AnyAnswer,
    BatchReleaseIn,
    BomCreate,
    DispositionCreate,
    EquipmentRecordCreate,
    EquipmentWrite,
    IssueBatch,
    IssueCreate,
    IssueRead,
    IssueReturn,
    LabelPrint,
    OperationRecordCreate,
    OutputCreate,
    OutputResult,
    ReasonIn,
    Resequence,
    SubstituteApprove,
    WorkCenterWrite,
    WorkOrderCreate,
    WorkOrderPage,
    WorkOrderRead,
)
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.params import Offset

router = APIRouter(prefix="/api/v1", tags=["production"])
OrderRef = Path(min_length=1, max_length=40, description="Work order number (WO-2026-00001)")


def _read(uow: object, order: object) -> WorkOrderRead:
    return WorkOrderRead(**queries.work_order_view(uow, order))  # type: ignore[arg-type]


@router.get("/work-orders", summary="Work orders (filters, paginated)",
            operation_id="listWorkOrders")
def list_work_orders(request: Request, status: WorkOrderStatus | None = None,
                     item: str | None = Query(None, max_length=40, description="Item code"),
                     limit: int = Query(50, ge=1, le=500), offset: Offset = 0,
                     _: Actor = require(VIEW)) -> WorkOrderPage:
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_work_orders(uow, status=status, item=item, limit=limit,
                                               offset=offset)
        return WorkOrderPage(items=[_read(uow, r) for r in rows], total=total)


@router.post("/work-orders", status_code=201, summary="Plan a work order",
             operation_id="createWorkOrder")
def create_work_order(request: Request, body: WorkOrderCreate,
                      actor: Actor = require(ORDER_PLAN)) -> WorkOrderRead:
    with new_uow(request, write=True) as uow:
        return _read(uow, service.create_work_order(uow, data=body, actor=actor))


@router.get("/work-orders/{number}", summary="One work order", operation_id="getWorkOrder")
def get_work_order(request: Request, number: str = OrderRef, _: Actor = require(VIEW)
                   ) -> WorkOrderRead:
    with new_uow(request, write=False) as uow:
        return _read(uow, service.get_work_order_or_raise(uow, number))


@router.post("/work-orders/{number}/release", summary="Release: BOM, stock (FEFO), equipment",
             operation_id="releaseWorkOrder")
def release_work_order(request: Request, number: str = OrderRef,
                       actor: Actor = require(ORDER_PLAN)) -> WorkOrderRead:
    with new_uow(request, write=True) as uow:
        return _read(uow, service.release_work_order(uow, ref=number, actor=actor))


@router.post("/work-orders/{number}/issues", status_code=201,
             summary="Issue a scanned component (genealogy in the same transaction)",
             operation_id="issueMaterial")
def issue_material(request: Request, body: IssueCreate, number: str = OrderRef,
                   actor: Actor = require(ORDER_EXECUTE)) -> IssueRead:
    with new_uow(request, write=True) as uow:
        row = service.issue_material(uow, ref=number, data=body, actor=actor)
        order = service.get_work_order_or_raise(uow, number)
        return IssueRead(**queries.issue_view(uow, order, row))


@router.post("/work-orders/{number}/issues/batch", status_code=201,
             summary="Issue many scanned components at once (all or none)",
             operation_id="issueMaterials")
def issue_materials(request: Request, body: IssueBatch, number: str = OrderRef,
                    actor: Actor = require(ORDER_EXECUTE)) -> AnyAnswer:
    with new_uow(request, write=True) as uow:
        rows = service.issue_materials(uow, ref=number, scans=body.scans, actor=actor)
        return AnyAnswer(work_order=number, issued=len(rows))


@router.post("/work-orders/{number}/issues/{issue_id}/return", status_code=201,
             summary="Return issued material to the line (a reversing record)",
             operation_id="returnMaterial")
def return_material(request: Request, body: IssueReturn, number: str = OrderRef,
                    issue_id: int = Path(ge=1, le=2**63 - 1),
                    actor: Actor = require(ORDER_EXECUTE)) -> IssueRead:
    with new_uow(request, write=True) as uow:
        row = service.return_material(uow, ref=number, issue_id=issue_id, data=body,
                                      actor=actor)
        order = service.get_work_order_or_raise(uow, number)
        return IssueRead(**queries.issue_view(uow, order, row))


@router.post("/work-orders/{number}/outputs", status_code=201,
             summary="Report output: a quantity of the lot, or serial units",
             operation_id="reportOutput")
def report_output(request: Request, body: OutputCreate, number: str = OrderRef,
                  actor: Actor = require(ORDER_EXECUTE)) -> OutputResult:
    with new_uow(request, write=True) as uow:
        done = service.report_output(uow, ref=number, data=body, actor=actor)
        return OutputResult(work_order=done.order.number, lot=done.lot, serials=done.serials,
                            quantity=queries.text(done.quantity) or "0",
                            produced=queries.text(done.order.produced_quantity) or "0")


@router.post("/work-orders/{number}/labels", status_code=201,
             summary="UDI labels of the output (per unit, or the lot), recorded as printed",
             operation_id="printLabels")
def print_labels(request: Request, body: LabelPrint, number: str = OrderRef,
                 actor: Actor = require(ORDER_EXECUTE)) -> list[AnyAnswer]:
    with new_uow(request, write=True) as uow:
        labels = service.print_labels(uow, ref=number, data=body, actor=actor)
        return [AnyAnswer(udi=label.udi, lot=label.lot, serial=label.serial,
                          image=_label_url(label)) for label in labels]


def _label_url(label: service.PrintedLabel) -> str:
    query = urlencode({k: v for k, v in (("lot", label.lot), ("serial", label.serial),
                                         ("expiry", label.expiry),
                                         ("production_date", label.production_date)) if v})
    return f"/api/v1/items/{label.item_id}/label?{query}"


@router.post("/work-orders/{number}/complete", summary="Complete: no more issues or output",
             operation_id="completeWorkOrder")
def complete_work_order(request: Request, number: str = OrderRef,
                        actor: Actor = require(ORDER_EXECUTE)) -> WorkOrderRead:
    with new_uow(request, write=True) as uow:
        return _read(uow, service.complete_work_order(uow, ref=number, actor=actor))


@router.post("/work-orders/{number}/close", summary="Close a completed work order",
             operation_id="closeWorkOrder")
def close_work_order(request: Request, number: str = OrderRef,
                     actor: Actor = require(ORDER_PLAN)) -> WorkOrderRead:
    with new_uow(request, write=True) as uow:
        return _read(uow, service.close_work_order(uow, ref=number, actor=actor))


@router.post("/work-orders/{number}/cancel", summary="Cancel, with a reason",
             operation_id="cancelWorkOrder")
def cancel_work_order(request: Request, body: ReasonIn, number: str = OrderRef,
                      actor: Actor = require(ORDER_PLAN)) -> WorkOrderRead:
    with new_uow(request, write=True) as uow:
        return _read(uow, service.cancel_work_order(uow, ref=number, reason=body.reason,
                                                    actor=actor))


@router.post("/work-orders/{number}/sequence", summary="Re-sequence, with a reason",
             operation_id="resequenceWorkOrder")
def resequence_work_order(request: Request, body: Resequence, number: str = OrderRef,
                          actor: Actor = require(ORDER_PLAN)) -> WorkOrderRead:
    with new_uow(request, write=True) as uow:
        return _read(uow, service.resequence_work_order(uow, ref=number, data=body,
                                                        actor=actor))


@router.post("/work-orders/{number}/operations", status_code=201,
             summary="Record an operation done, with its check results and signature",
             operation_id="recordOperation")
def record_operation(request: Request, body: OperationRecordCreate, number: str = OrderRef,
                     actor: Actor = require(ORDER_EXECUTE)) -> AnyAnswer:
    with new_uow(request, write=True) as uow:
        record = service.record_operation(uow, ref=number, data=body, actor=actor)
        return AnyAnswer(**queries.operation_view(uow, record))


@router.post("/work-orders/{number}/checks/{result_id}/disposition",
             summary="Decide a failed check: rework, scrap, use as is (signed)",
             operation_id="recordDisposition")
def record_disposition(request: Request, body: DispositionCreate, number: str = OrderRef,
                       result_id: int = Path(ge=1, le=2**63 - 1),
                       actor: Actor = require(DISPOSITION)) -> AnyAnswer:
    with new_uow(request, write=True) as uow:
        result = service.record_disposition(uow, ref=number, result_id=result_id, data=body,
                                            actor=actor)
        return AnyAnswer(id=result.id, passed=result.passed, disposition=result.disposition,
                         reason=result.disposition_reason, by=result.disposition_by)


@router.post("/work-orders/{number}/substitutes", status_code=201,
             summary="Approve a BOM substitute for this work order (signed)",
             operation_id="approveSubstitute")
def approve_substitute(request: Request, body: SubstituteApprove, number: str = OrderRef,
                       actor: Actor = require(SUBSTITUTE_APPROVE)) -> AnyAnswer:
    with new_uow(request, write=True) as uow:
        approval = service.approve_substitute(uow, ref=number, data=body, actor=actor)
        return AnyAnswer(work_order=number, line_no=body.line_no, item=body.item,
                         approved_by=approval.approved_by, at=approval.at.isoformat())


@router.post("/lots/{lot_id}/release", summary="Batch release: QA's signed review of the DHR",
             operation_id="releaseBatch")
def release_batch(request: Request, body: BatchReleaseIn,
                  lot_id: int = Path(ge=1, le=2**63 - 1),
                  actor: Actor = require(BATCH_RELEASE)) -> AnyAnswer:
    with new_uow(request, write=True) as uow:
        lot = service.release_batch(uow, lot_id=lot_id, data=body, actor=actor)
        return AnyAnswer(id=lot.id, lot=lot.code, status=lot.status)


# --- master data --------------------------------------------------------------------------------
@router.post("/boms", status_code=201, summary="Draft a BOM version with its routing",
             operation_id="createBomVersion")
def create_bom(request: Request, body: BomCreate, actor: Actor = require(BOM_EDIT)
               ) -> AnyAnswer:
    with new_uow(request, write=True) as uow:
        return AnyAnswer(**_bom_json(queries.bom_view(
            uow, service.create_bom(uow, data=body, actor=actor))))


@router.get("/boms/{bom_id}", summary="One BOM version with its routing",
            operation_id="getBomVersion")
def get_bom(request: Request, bom_id: int = Path(ge=1, le=2**63 - 1),
            _: Actor = require(VIEW)) -> AnyAnswer:
    with new_uow(request, write=False) as uow:
        return AnyAnswer(**_bom_json(queries.bom_view(uow, service.get_bom_or_raise(uow,
                                                                                      bom_id))))


@router.post("/boms/{bom_id}/submit", summary="Send a draft through the engineering change",
             operation_id="submitBomVersion")
def submit_bom(request: Request, bom_id: int = Path(ge=1, le=2**63 - 1),
               actor: Actor = require(BOM_EDIT)) -> AnyAnswer:
    with new_uow(request, write=True) as uow:
        return AnyAnswer(**_bom_json(queries.bom_view(
            uow, service.submit_bom(uow, bom_id=bom_id, actor=actor))))


def _bom_json(view: dict) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in view.items()}


@router.put("/work-centers", summary="Create or update a work centre",
            operation_id="saveWorkCenter")
def save_work_center(request: Request, body: WorkCenterWrite,
                     actor: Actor = require(EQUIPMENT_EDIT)) -> AnyAnswer:
    with new_uow(request, write=True) as uow:
        center = service.save_work_center(uow, data=body, actor=actor)
        return AnyAnswer(code=center.code, name_zh=center.name_zh, name_en=center.name_en)


@router.put("/equipment", summary="Create or update equipment", operation_id="saveEquipment")
def save_equipment(request: Request, body: EquipmentWrite,
                   actor: Actor = require(EQUIPMENT_EDIT)) -> AnyAnswer:
    with new_uow(request, write=True) as uow:
        service.save_equipment(uow, data=body, actor=actor)
        return AnyAnswer(**_equipment(uow, body.code))


@router.post("/equipment/{code}/records", status_code=201,
             summary="Record a calibration, maintenance, repair or status change",
             operation_id="recordEquipmentWork")
def record_equipment(request: Request, body: EquipmentRecordCreate,
                     code: str = Path(min_length=1, max_length=40),
                     actor: Actor = require(EQUIPMENT_EDIT)) -> AnyAnswer:
    with new_uow(request, write=True) as uow:
        service.record_equipment_work(uow, code=code, data=body, actor=actor)
        return AnyAnswer(**_equipment(uow, code))


@router.get("/equipment", summary="Equipment with its fitness for use",
            operation_id="listEquipment")
def list_equipment(request: Request, _: Actor = require(VIEW)) -> list[AnyAnswer]:
    with new_uow(request, write=False) as uow:
        return [AnyAnswer(**_dates(row)) for row in queries.list_equipment(uow)]


def _equipment(uow: object, code: str) -> dict:
    rows = queries.list_equipment(uow)  # type: ignore[arg-type]
    return _dates(next(r for r in rows if r["code"] == code.strip()))


def _dates(row: dict) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
